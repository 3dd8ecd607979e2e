"""Cached compute of the truncation view, and the T it can afford.

Keys are small frozen settings; entries are bounded (shared by all sessions). The page's
work is many backward sweeps of the N = 1 RNN (explorer/shared/budget.py prices them).
"""

from __future__ import annotations

import math

import streamlit as st

from bptt_core import Problem
from bptt_core.truncation import PAIR_STEP_LIMIT
from explorer.shared.budget import WORK_BUDGET, backward_sweeps_cost, jacobian_chain_cost, steps_within
from explorer.shared.settings import ProblemSettings
from explorer.truncation.report import AGREEMENT_POINTS, agreement_report, chosen_report, spread_report
from explorer.truncation.settings import MAX_SEEDS, TRUNCATION_RANGE, TruncationSettings

# One path of the per-path norms (T (T + 1) / 2 of them) costs about 0.16 backward steps: every loss
# step's sweep runs at once (bptt_core.truncation), leaving one parameter term a path (measured
# 2026-12-06: 7.5 us a path at H = 32, 35 us at H = 128). So the whole range, T = 200 at H = 128, fits.
PATH_COST = 0.16
SWEEPS = 2 * AGREEMENT_POINTS + MAX_SEEDS + 4  # TBPTT(k, 2k) sweeps ~2T steps per k; the budget assumes the most seeds


def page_steps(settings: ProblemSettings) -> int:
    """T for the whole page: all of it inside the range; past it, what the range corner's sweeps pay for."""

    def cost(hidden: int) -> float:
        return jacobian_chain_cost(hidden) + backward_sweeps_cost(hidden, SWEEPS)

    return steps_within(settings.steps, settings.hidden, TRUNCATION_RANGE, cost)


def pair_step_limit(hidden: int) -> int:
    """Largest T whose T (T + 1) / 2 per-path norms fit in the budget."""
    pairs = WORK_BUDGET / backward_sweeps_cost(hidden, PATH_COST)
    return max(1, min(PAIR_STEP_LIMIT, int((math.sqrt(1 + 8 * pairs) - 1) / 2)))


@st.cache_data(max_entries=32, show_spinner=False)
def agreement(problem: Problem, kind: str) -> dict:
    return agreement_report(problem, kind)


@st.cache_data(max_entries=32, show_spinner=False)
def chosen(problem: Problem, kind: str, k: int, k1: int, k2: int, pi: float, with_pairs: bool):
    return chosen_report(problem, kind, k, k1, k2, pi, with_pairs)


@st.cache_data(max_entries=32, show_spinner=False)
def spread(problem: Problem, pi: float, seeds: int, k: int) -> dict:
    return spread_report(problem, pi, seeds, k)


def all_sections(settings: ProblemSettings, tr: TruncationSettings) -> dict:
    """Every section's result for the current settings (cached), and the T asked and used."""
    steps = page_steps(settings)
    problem = settings.problem(steps)
    with_pairs = steps <= pair_step_limit(settings.hidden)
    return dict(
        planned=steps,
        pair_limit=pair_step_limit(settings.hidden),
        agreement=agreement(problem, "tbptt" if tr.kind == "tbptt" else "chunked"),
        chosen=chosen(problem, tr.kind, tr.k, tr.k1, tr.k2, tr.pi, with_pairs),
        spread=spread(problem, tr.pi, min(tr.seeds, MAX_SEEDS), tr.k),
    )
