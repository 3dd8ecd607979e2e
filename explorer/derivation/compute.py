"""Cached compute of the Derivation view (bounded; shared by every session)."""

from __future__ import annotations

import streamlit as st

from explorer.derivation.report import DerivationReport, derivation_report


@st.cache_data(max_entries=32, show_spinner=False)
def cached_report(steps: int, hidden: int, seed: int, loss_steps: str) -> DerivationReport:
    """derivation_report for the view's scalars."""
    return derivation_report(steps, hidden, seed, loss_steps)
