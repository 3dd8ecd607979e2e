"""Cached compute of the dynamics view, and the sizes it can afford (bounded like every view)."""

from __future__ import annotations

import math

import streamlit as st

from bptt_core import Problem
from explorer.dynamics import report
from explorer.dynamics.settings import DYNAMICS_RANGE
from explorer.shared.budget import WORK_BUDGET, jacobian_chain_cost, steps_within
from explorer.shared.settings import ProblemSettings

# The influence map propagates r rows per target through every step back: T^2 / 2 blocks of
# r x S times S x S. Measured here (RNN and LSTM alike): about 1.5e9 such multiply-adds per second,
# so 2e9 keeps the map near a second; r never below the core's minimum of 4 rows.
INFLUENCE_MADDS = 2.0e9
MIN_RANK = 4
# The LSTM's Jacobian of its (h, c) state is built from four gate blocks: each row product costs
# about six of the RNN's (measured: T' = 61 at H = 256 took 2 s quiet with the RNN's budget).
CELL_FACTOR = {"rnn": 1.0, "gru": 3.0, "lstm": 6.0}
BLOCK_OVERHEAD = 3000.0  # per block, in the same units: Python and the batched eigvalsh (dominant at small S)
# The phase grid: grid^2 networks x PHASE_STEPS steps x (two H x H products) each.
PHASE_BUDGET = WORK_BUDGET


def state_size(settings: ProblemSettings, cell: str) -> int:
    return 2 * settings.hidden if cell == "lstm" else settings.hidden


def influence_steps(settings: ProblemSettings, cell: str) -> int:
    """Largest T' <= T whose T'(T'+1)/2 blocks of MIN_RANK rows fit INFLUENCE_MADDS."""
    pairs = INFLUENCE_MADDS / (CELL_FACTOR[cell] * MIN_RANK * state_size(settings, cell) ** 2 + BLOCK_OVERHEAD)
    return max(1, min(settings.steps, int((math.sqrt(1 + 8 * pairs) - 1) / 2)))


def influence_rank(steps: int, size: int, cell: str = "rnn") -> int:
    """Rows per target: all S (exact) where they fit INFLUENCE_MADDS, else as many as fit, at least MIN_RANK."""
    blocks = steps * (steps + 1) / 2
    rows = (INFLUENCE_MADDS / blocks - BLOCK_OVERHEAD) / (CELL_FACTOR[cell] * size**2)
    return max(MIN_RANK, min(size, int(rows)))


def exponent_steps(settings: ProblemSettings, cell: str) -> int:
    """All of T inside the page's range; past it, the steps the range corner's chain pays for."""

    def cost(hidden: int) -> float:
        return jacobian_chain_cost(2 * hidden if cell == "lstm" else hidden)

    return steps_within(settings.steps, settings.hidden, DYNAMICS_RANGE, cost)


def phase_grid_size(settings: ProblemSettings, grid: int) -> int:
    """The grid side, reduced so that grid^2 networks of PHASE_STEPS steps fit PHASE_BUDGET (at least 4)."""
    per_cell = report.PHASE_STEPS * 2 * settings.hidden**2
    return max(4, min(grid, int(math.sqrt(PHASE_BUDGET / per_cell))))


@st.cache_data(max_entries=32, show_spinner=False)
def influence(problem: Problem, cell: str) -> report.InfluenceReport:
    size = 2 * problem.hidden if cell == "lstm" else problem.hidden
    return report.influence(problem, cell, rank=influence_rank(problem.steps, size, cell))


@st.cache_data(max_entries=64, show_spinner=False)
def exponents(problem: Problem, cell: str, k: int) -> report.ExponentReport:
    return report.exponents(problem, cell, k)


@st.cache_data(max_entries=32, show_spinner=False)
def phase(activation: str, init: str, hidden: int, seed: int, grid: int) -> report.PhaseReport:
    return report.phase(activation, init, hidden, seed, grid)
