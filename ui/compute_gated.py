"""Cached core call of the gated-cells page. Keys are small scalars; entries are bounded (shared by all sessions)."""

from __future__ import annotations

import streamlit as st

from bptt_core.gated_report import GatedReport, gated_flow


@st.cache_data(max_entries=32, show_spinner=False)
def gated_report(**kwargs) -> GatedReport:
    """bptt_core.gated_report.gated_flow for the scalars of GatedSettings.core_kwargs(flow)."""
    return gated_flow(**kwargs)
