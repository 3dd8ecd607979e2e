"""Pascanu's cliff: the one-unit recurrent network of Pascanu, Mikolov & Bengio (2013), §3.

    x_t = w * sigmoid(x_{t-1}) + b,   t = 1..T,   x_0 given,      L(w, b) = 1/2 (x_T - target)^2

For w > 4 the map x -> w sigmoid(x) + b has two stable fixed points (slope w sigmoid' > 1 in the
middle). Where b moves x_0 from one basin to the other, x_T jumps from the low branch (near b)
to the high branch (near w + b): the loss surface has a wall, and right at it dL/d(w, b) grows
like prod_t w sigmoid'(x_{t-1}), exponentially in T. A plain gradient step there throws the
parameters far away; clipping the step keeps them near the wall.

Defaults (checked here; T = HORIZON = 50): x_0 = 0.5, target = 0.5,
window w in [0, 12], b in [-8, 6]. The wall runs roughly along b ~ -w / 2 for w > 4, where x_T
jumps by about w. From START = (8, -2) on the high branch with lr = 0.05 and 60 iterations,
plain descent reaches the wall (||g|| ~ 7e2) and one step throws it ~30 units away, to about
(0.2, 4.9) with a higher loss; norm clipping at 5 crosses near the wall and ends at loss ~0.03.
The wall is exponentially thin: a nearby start may graze it less hard (moving START is a
good exercise, not a bug).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..activations import ACTIVATIONS
from ..clipping import CLIPPERS

HORIZON = 50
X0 = 0.5
TARGET = 0.5
W_RANGE = (0.0, 12.0)
B_RANGE = (-8.0, 6.0)
START = (8.0, -2.0)
LEARNING_RATE = 0.05
ITERATIONS = 60
NORM_THRESHOLD = 5.0
VALUE_LIMIT = 3.0

_sigmoid = ACTIVATIONS["sigmoid"].f  # overflow-free sigmoid


def final_state(w, b, *, horizon: int = HORIZON, x0: float = X0) -> np.ndarray:
    """x_T for arrays w, b of any broadcastable shape (vectorised over the grid, loop over t)."""
    x = np.full(np.broadcast_shapes(np.shape(w), np.shape(b)), float(x0))
    for _ in range(horizon):
        x = w * _sigmoid(x) + b  # x_t = w sigmoid(x_{t-1}) + b
    return x


def loss(w, b, *, horizon: int = HORIZON, x0: float = X0, target: float = TARGET) -> np.ndarray:
    """L = 1/2 (x_T - target)^2, same shape as broadcast(w, b)."""
    return 0.5 * (final_state(w, b, horizon=horizon, x0=x0) - target) ** 2


def loss_surface(w_grid: np.ndarray, b_grid: np.ndarray, **kwargs) -> np.ndarray:
    """(len(b_grid), len(w_grid)) loss: rows follow b, columns follow w (a heatmap's z)."""
    return loss(np.asarray(w_grid)[None, :], np.asarray(b_grid)[:, None], **kwargs)


def gradient(
    w: float, b: float, *, horizon: int = HORIZON, x0: float = X0, target: float = TARGET
) -> tuple[float, float, float]:
    """Analytic BPTT gradient: (L, dL/dw, dL/db) at one point."""
    xs = np.empty(horizon + 1)
    xs[0] = x0
    for t in range(1, horizon + 1):
        xs[t] = w * _sigmoid(xs[t - 1]) + b  # x_t = w sigmoid(x_{t-1}) + b
    sig = _sigmoid(xs[:-1])  # sigmoid(x_{t-1}) for t = 1..T, index t-1
    delta = xs[-1] - target  # dL/dx_T = x_T - target
    dw = db = 0.0
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(horizon, 0, -1):
            dw += delta * sig[t - 1]  # dL/dw += dL/dx_t * sigmoid(x_{t-1})
            db += delta  # dL/db += dL/dx_t
            delta = delta * w * sig[t - 1] * (1.0 - sig[t - 1])  # dL/dx_{t-1} = dL/dx_t w sigmoid'(x_{t-1})
    return float(0.5 * (xs[-1] - target) ** 2), float(dw), float(db)


@dataclass(frozen=True)
class Descent:
    """A gradient-descent run on the cliff."""

    trajectory: np.ndarray  # (steps+1, 2): (w, b) before each iteration and after the last
    losses: np.ndarray  # (steps+1,) L at each point of the trajectory
    grad_norms: np.ndarray  # (steps,) ||(dL/dw, dL/db)|| before clipping; inf from stopped_at on
    clipped: np.ndarray  # (steps,) bool: the clipper changed this iteration's gradient
    stopped_at: int | None  # first iteration whose gradient left float64 (the run stays there), else None


def gradient_descent(
    start: tuple[float, float] = START,
    lr: float = LEARNING_RATE,
    steps: int = ITERATIONS,
    clipper: str = "none",
    threshold: float = NORM_THRESHOLD,
    *,
    horizon: int = HORIZON,
    x0: float = X0,
    target: float = TARGET,
) -> Descent:
    """`steps` iterations of (w, b) <- (w, b) - lr * clip(g), clipper a key of CLIPPERS.

    threshold: the norm threshold ("norm") or the entry limit ("value"); ignored by "none".
    """
    clip = CLIPPERS[clipper]
    options = {"horizon": horizon, "x0": x0, "target": target}
    point = np.array(start, dtype=float)
    trajectory, losses = [point.copy()], []
    norms, clipped = np.zeros(steps), np.zeros(steps, dtype=bool)
    stopped_at = None
    for i in range(steps):
        value, dw, db = gradient(*point, **options)
        losses.append(value)
        raw = np.array([dw, db])
        if stopped_at is None and not np.all(np.isfinite(raw)):
            stopped_at = i
        if stopped_at is None:
            g, report = clip({"w": raw[:1], "b": raw[1:]}, threshold)
            norms[i], clipped[i] = report.norm_before, report.fraction_clipped > 0
            point = point - lr * np.concatenate([g["w"], g["b"]])  # (w, b) <- (w, b) - lr g
        else:
            norms[i] = np.inf
        trajectory.append(point.copy())
    losses.append(gradient(*point, **options)[0])
    return Descent(np.array(trajectory), np.array(losses), norms, clipped, stopped_at)
