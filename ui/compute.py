"""Cached core calls. Keys are small scalars; entries are bounded (shared by all sessions)."""

from __future__ import annotations

import streamlit as st

from bptt_core.report import FlowReport, gradient_flow
from figures import flow as figs
from ui.i18n import translator


@st.cache_data(max_entries=256, show_spinner=False)
def flow_report(**kwargs) -> FlowReport:
    """bptt_core.report.gradient_flow for the scalars of FlowSettings.core_kwargs()."""
    return gradient_flow(**kwargs)


@st.cache_resource(max_entries=128, show_spinner=False)
def flow_figures(lang: str, **kwargs) -> dict:
    """The view's figures for one language, built once and shared read-only by every session.

    cache_resource, not cache_data: unpickling a plotly Figure re-validates it, which costs
    more than building it. st.plotly_chart copies a figure before serialising, never mutates.
    """
    report, t = flow_report(**kwargs), translator(lang)
    return {
        "grad": figs.fig_gradient_norms(report, t),
        "jac": figs.fig_jacobian_products(report, t),
        "weight": figs.fig_weight_contributions(report, t),
        "eig": figs.fig_eigenvalues(report, t),
        "sv": figs.fig_singular_values(report, t),
        "csv": figs.curves_csv(report),
    }
