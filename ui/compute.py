"""Cached core calls. Keys are small scalars; entries are bounded (shared by all sessions)."""

from __future__ import annotations

import streamlit as st

from bptt_core.report import FlowReport, gradient_flow


@st.cache_data(max_entries=64, show_spinner=False)
def flow_report(**kwargs) -> FlowReport:
    """bptt_core.report.gradient_flow for the scalars of FlowSettings.core_kwargs()."""
    return gradient_flow(**kwargs)
