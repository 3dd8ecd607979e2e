"""Cached compute of the gradient-flow view. Keys are small frozen settings; entries are bounded (shared by all sessions)."""

from __future__ import annotations

import streamlit as st

from bptt_core import Problem
from explorer.flow import figures as figs
from explorer.flow.report import FlowReport, gradient_flow
from explorer.shared.budget import affordable_steps, jacobian_chain_cost
from explorer.shared.i18n import translator
from explorer.shared.settings import ProblemSettings


def flow_problem(settings: ProblemSettings) -> Problem:
    """The problem this view computes: T capped by the work budget (the band costs two SVDs a step)."""
    steps = affordable_steps(settings.steps, jacobian_chain_cost(settings.hidden, svd=settings.band))
    return settings.problem(steps)


@st.cache_data(max_entries=256, show_spinner=False)
def flow_report(problem: Problem, with_band: bool) -> FlowReport:
    return gradient_flow(problem, with_band=with_band)


@st.cache_resource(max_entries=128, show_spinner=False)
def flow_figures(lang: str, problem: Problem, with_band: bool) -> dict:
    """The view's figures for one language, built once and shared read-only by every session.

    cache_resource, not cache_data: unpickling a plotly Figure re-validates it, which costs
    more than building it. st.plotly_chart copies a figure before serialising, never mutates.
    """
    report, t = flow_report(problem, with_band), translator(lang)
    return {
        "grad": figs.fig_gradient_norms(report, t),
        "jac": figs.fig_jacobian_products(report, t),
        "weight": figs.fig_weight_contributions(report, t),
        "eig": figs.fig_eigenvalues(report, t),
        "sv": figs.fig_singular_values(report, t),
        "csv": figs.curves_csv(report),
    }
