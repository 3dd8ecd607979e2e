"""Cached compute of the clipping view. Keys are scalars or frozen settings; entries are bounded."""

from __future__ import annotations

import numpy as np
import streamlit as st

from bptt_core import ClipReport, Problem, cliff
from explorer.clipping.report import rnn_clip_reports
from explorer.shared.budget import jacobian_chain_cost, steps_within
from explorer.shared.ranges import FULL
from explorer.shared.settings import ProblemSettings

GRID_SIZE = 120  # 120 x 120 points x 50 steps: about 10 ms


def clipping_problem(settings: ProblemSettings) -> Problem:
    """The shared problem (one forward and backward pass, no norms): every value the sliders offer fits.

    T = 2000 at H = 256 takes 0.4 s here; a setting past the sliders is capped to that corner's work.
    """
    return settings.problem(steps_within(settings.steps, settings.hidden, FULL, jacobian_chain_cost))


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
