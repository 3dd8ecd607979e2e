"""Cached compute of the clipping view. Keys are scalars or frozen settings; entries are bounded."""

from __future__ import annotations

import numpy as np
import streamlit as st

from bptt_core import ClipReport, Problem, cliff
from explorer.clipping.report import rnn_clip_reports
from explorer.shared.budget import affordable_steps, jacobian_chain_cost
from explorer.shared.settings import ProblemSettings

GRID_SIZE = 120  # 120 x 120 points x 50 steps: about 10 ms


def clipping_problem(settings: ProblemSettings) -> Problem:
    """The shared problem with T capped to the work budget (one forward and backward pass, no norms)."""
    return settings.problem(affordable_steps(settings.steps, jacobian_chain_cost(settings.hidden)))


@st.cache_data(max_entries=4, show_spinner=False)
def cliff_surface(size: int = GRID_SIZE) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(w_grid (Nw,), b_grid (Nb,), loss (Nb, Nw)) over the cliff's default window."""
    w_grid = np.linspace(*cliff.W_RANGE, size)
    b_grid = np.linspace(*cliff.B_RANGE, size)
    return w_grid, b_grid, cliff.loss_surface(w_grid, b_grid)


@st.cache_data(max_entries=32, show_spinner=False)
def cliff_descent(start_w: float, start_b: float, lr: float, steps: int, clipper: str, threshold: float):
    """bptt_core.cliff.gradient_descent for one clipper (threshold ignored by "none")."""
    return cliff.gradient_descent((start_w, start_b), lr, steps, clipper, threshold)


@st.cache_data(max_entries=32, show_spinner=False)
def clip_reports(problem: Problem, threshold: float, limit: float) -> tuple[dict[str, ClipReport], int | None]:
    return rnn_clip_reports(problem, threshold, limit)
