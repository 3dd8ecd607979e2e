"""Shared pieces of the dynamics code (docs/dynamics.md): the fixed start frame and log10 |x|.

The dynamics code propagates tangent vectors FORWARD, v <- J_t v, with each cell's
lmul_jacobian(q, cache, t) (one GEMM with W_h a step; no S x S Jacobian is built).
"""

from __future__ import annotations

import numpy as np

_FRAME_SEED = 19800101  # Benettin et al. 1980: any fixed generic frame will do


def start_frame(size: int, k: int) -> np.ndarray:
    """A fixed, generic orthonormal frame (S, k): the k tangent vectors every run starts from.

    A local generator (no global random state); the same frame for every call, so the phase
    grid and lyapunov_log10_exponents start from the same vector.
    """
    q, r = np.linalg.qr(np.random.default_rng(_FRAME_SEED).standard_normal((size, size)))
    q = q * np.where(np.diag(r) < 0, -1.0, 1.0)
    return q[:, :k]


def log10_abs(x: np.ndarray) -> np.ndarray:
    """log10 |x|, -inf for an exact zero (a product that is truly zero, not an underflow)."""
    with np.errstate(divide="ignore"):
        return np.log10(np.abs(x))
