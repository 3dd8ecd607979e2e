"""Shared pieces of the dynamics view (docs/dynamics.md): the fixed start frame and the forward Jacobians.

Everything here propagates tangent vectors FORWARD, v <- J_t v, which needs J_t itself (the
cells' rmul_jacobian multiplies from the other side); the explicit J_t come in chunks from
the cell's public jacobians(cache, t_first, t_last).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

_FRAME_SEED = 19800101  # Benettin et al. 1980: any fixed generic frame will do
_CHUNK = 64  # steps of explicit Jacobians held in memory at once


def start_frame(size: int, k: int) -> np.ndarray:
    """A fixed, generic orthonormal frame (S, k): the k tangent vectors every run starts from.

    A local generator (no global random state); the same frame for every call, so the phase
    grid and lyapunov_log10_exponents start from the same vector.
    """
    q, r = np.linalg.qr(np.random.default_rng(_FRAME_SEED).standard_normal((size, size)))
    q = q * np.where(np.diag(r) < 0, -1.0, 1.0)
    return q[:, :k]


def step_jacobians(cell, cache, steps: int) -> Iterator[tuple[int, np.ndarray]]:
    """(t, J_t) for t = 1..T in order; J_t: (N, S, S) = ds_t/ds_{t-1}."""
    for first in range(1, steps + 1, _CHUNK):
        last = min(first + _CHUNK - 1, steps)
        block = cell.jacobians(cache, first, last)  # (N, m, S, S)
        for i in range(last - first + 1):
            yield first + i, block[:, i]


def log10_abs(x: np.ndarray) -> np.ndarray:
    """log10 |x|, -inf for an exact zero (a product that is truly zero, not an underflow)."""
    with np.errstate(divide="ignore"):
        return np.log10(np.abs(x))
