"""Streamlit helpers of the dynamics view: the phase diagram's click moves the sidebar."""

from __future__ import annotations

import streamlit as st

from explorer.shared.settings import ProblemSettings, specs

PHASE_KEY = "dynamics_phase"


def _spec(key: str):
    return next(spec for _, k, spec, _ in specs(ProblemSettings) if k == key)


def selected_setting(event) -> dict[str, float] | None:
    """{"rho": .., "xs": ..} of the first selected point, snapped to the sidebar sliders' grids; None if none."""
    selection = event.get("selection", {}) if isinstance(event, dict) else getattr(event, "selection", {})
    points = selection.get("points", []) if selection else []
    if not points:
        return None
    return {"rho": _spec("rho").snap(float(points[0]["x"])), "xs": _spec("xs").snap(float(points[0]["y"]))}


def move_sidebar_to_selection() -> None:
    """on_select of the phase diagram: the clicked cell's (rho, input scale) into the sidebar (and the link).

    Bound widgets cannot be written through st.query_params; writing their session state in a
    callback, before the widgets are drawn, moves the widget and so the URL (docs/streamlit.md).
    """
    values = selected_setting(st.session_state.get(PHASE_KEY))
    if values:
        st.session_state.update(values)
