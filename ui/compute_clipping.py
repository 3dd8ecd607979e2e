"""Cached computations of the clipping view. Keys are scalars; entries are bounded."""

from __future__ import annotations

import numpy as np
import streamlit as st

from bptt_core import cliff
from bptt_core.bptt import bptt
from bptt_core.clipping import CLIPPERS, ClipReport
from bptt_core.report import defined_prefix, view_problem

GRID_SIZE = 120  # 120 x 120 points x 50 steps: about 10 ms
METHODS = ("none", "norm", "value")


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


def rnn_clip_reports(
    steps: int,
    hidden: int,
    rho: float,
    activation: str,
    init: str,
    input_scale: float,
    seed: int,
    loss: str,
    loss_steps: str,
    threshold: float,
    limit: float,
) -> tuple[dict[str, ClipReport], int | None]:
    """Clip the raw BPTT gradient of the main RNN (built as in report.gradient_flow) three ways.

    After a forward overflow at step s the full gradient is NaN/inf by arithmetic, so the gradient
    of the defined prefix (the first s - 1 steps) is clipped instead, as report.gradient_flow does.
    Returns ({"none"|"norm"|"value": ClipReport}, the forward overflow step or None).
    """
    model, xs, targets = view_problem(steps, hidden, rho, activation, init, input_scale, seed, loss)
    result = bptt(model, xs, targets, loss=loss, loss_steps=loss_steps)
    defined = defined_prefix(model, xs, targets, result, loss=loss, loss_steps=loss_steps)
    grads = (defined or result).grads
    limits = {"none": 1.0, "norm": threshold, "value": limit}
    reports = {name: CLIPPERS[name](grads, limits[name])[1] for name in METHODS}
    return reports, result.overflow_step


@st.cache_data(max_entries=32, show_spinner=False)
def cached_rnn_clip_reports(**kwargs) -> tuple[dict[str, ClipReport], int | None]:
    """rnn_clip_reports for scalar keyword arguments."""
    return rnn_clip_reports(**kwargs)
