"""Cached compute of the dynamics view, and the sizes it can afford (bounded like every view)."""

from __future__ import annotations

import math

import streamlit as st

from bptt_core import Problem
from explorer.dynamics import report
from explorer.shared.budget import WORK_BUDGET, affordable_steps, jacobian_chain_cost
from explorer.shared.settings import ProblemSettings

# The influence map propagates every source step forward: about T^2 / 2 products of S x r frames
# (r a few vectors), i.e. ~ 8 S^2 multiply-adds per pair. Measured: T = 500, H = 64 in under a second.
PAIR_COST = 8.0
INFLUENCE_BUDGET = 4 * WORK_BUDGET
# The phase grid: grid^2 networks x PHASE_STEPS steps x (two H x H products) each.
PHASE_BUDGET = WORK_BUDGET


def state_size(settings: ProblemSettings, cell: str) -> int:
    return 2 * settings.hidden if cell == "lstm" else settings.hidden


def influence_steps(settings: ProblemSettings, cell: str) -> int:
    """Largest T' <= T whose T'(T'+1)/2 pairs fit INFLUENCE_BUDGET."""
    pairs = INFLUENCE_BUDGET / (PAIR_COST * state_size(settings, cell) ** 2)
    return max(1, min(settings.steps, int((math.sqrt(1 + 8 * pairs) - 1) / 2)))


def exponent_steps(settings: ProblemSettings, cell: str) -> int:
    return affordable_steps(settings.steps, jacobian_chain_cost(state_size(settings, cell)))


def phase_grid_size(settings: ProblemSettings, grid: int) -> int:
    """The grid side, reduced so that grid^2 networks of PHASE_STEPS steps fit PHASE_BUDGET (at least 4)."""
    per_cell = report.PHASE_STEPS * 2 * settings.hidden**2
    return max(4, min(grid, int(math.sqrt(PHASE_BUDGET / per_cell))))


@st.cache_data(max_entries=32, show_spinner=False)
def influence(problem: Problem, cell: str) -> report.InfluenceReport:
    return report.influence(problem, cell)


@st.cache_data(max_entries=64, show_spinner=False)
def exponents(problem: Problem, cell: str, k: int) -> report.ExponentReport:
    return report.exponents(problem, cell, k)


@st.cache_data(max_entries=32, show_spinner=False)
def phase(activation: str, init: str, hidden: int, seed: int, grid: int) -> report.PhaseReport:
    return report.phase(activation, init, hidden, seed, grid)
