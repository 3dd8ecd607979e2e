"""Lyapunov exponents of the trajectory by Benettin's method (docs/dynamics.md, "Lyapunov exponents").

k orthonormal tangent vectors Q (S, k) are pushed forward through each step's Jacobian and
re-orthonormalised: J_t Q_{t-1} = Q_t R_t (QR). Then ||J_t ... J_1 Q_0|| never has to be
formed (it leaves float64 after a few hundred steps): the log of its growth is the running sum
of log |diag R_t|, and the i-th exponent is that sum's mean per step,

    lambda_i = (1/T) sum_t log10 |R_t[i, i]|          (log10 per step).

With k = S, prod_i |R_t[i, i]| = |det J_t|, so the exponents sum to the mean of log10 |det J_t|.
"""

from __future__ import annotations

import numpy as np

from ..cells import cell_module
from .tangent import log10_abs, start_frame


def lyapunov_log10_exponents(model, result, k: int = 1) -> np.ndarray:
    """The top k Lyapunov exponents of each sample's trajectory, log10 per step: (N, k), descending.

    model, result: a cell's weights and its bptt() result (result.cache holds the trajectory).
    Averaged over all T steps from the fixed start frame (tangent.start_frame), no transient is
    dropped. An exactly zero Jacobian product (every ReLU unit off, W_h = 0) gives -inf.
    """
    cell = cell_module(model)
    n, steps = result.dh.shape[:2]
    size = cell.state_size(model)
    if not 1 <= k <= size:
        raise ValueError(f"k must be in 1..{size}, not {k}")
    q = np.broadcast_to(start_frame(size, k), (n, size, k)).copy()
    cache = result.cache
    if k == 1:
        return _top_exponent(lambda z, t: cell.lmul_jacobian(z, cache, t), q, steps)
    total = np.zeros((n, k))
    with np.errstate(invalid="ignore", divide="ignore", over="ignore", under="ignore"):
        for t in range(1, steps + 1):
            q, r = np.linalg.qr(cell.lmul_jacobian(q, cache, t))  # J_t Q_{t-1} = Q_t R_t
            total += log10_abs(np.diagonal(r, axis1=1, axis2=2))  # log10 of each Gram-Schmidt direction's growth
    # Gram-Schmidt keeps the directions ordered on average only; a sort makes the contract exact.
    return -np.sort(-total / steps, axis=1)


_BATCH = 8  # k = 1: steps between two normalisations of the tangent vector
_SAFE = (1e-280, 1e280)  # a batch whose growth leaves this range is redone step by step


def _top_exponent(push, q: np.ndarray, steps: int) -> np.ndarray:
    """lambda_1 alone (k = 1, QR of one column is its norm): (N, 1).

    push(z, t): J_t @ z for z (N, S, 1), the cell's lmul_jacobian (no S x S Jacobian is built).

    The vector is normalised every _BATCH steps instead of every step: the sum of log10 norms is the
    same (up to rounding), at a fifth of the cost for the flow view's T = 100, H = 32. A batch whose
    growth leaves _SAFE (a factor past 1e280 either way, where float64 would soon run out) is redone
    one step at a time, so nothing overflows or underflows that the step-by-step method would not.
    """

    def advance(q: np.ndarray, batch: range) -> tuple[np.ndarray, np.ndarray]:
        """q pushed through the batch's steps and normalised, and log10 of its growth (N, 1)."""
        z = q
        for t in batch:
            z = push(z, t)
        norm = np.linalg.norm(z, axis=1)  # (N, 1)
        if np.all((norm >= _SAFE[0]) & (norm <= _SAFE[1])):
            return z / np.where(norm > 0, norm, 1.0)[:, None, :], log10_abs(norm)
        growth, z = np.zeros_like(norm), q  # step by step: each step's own norm (an exact zero gives -inf)
        for t in batch:
            z = push(z, t)
            norm = np.linalg.norm(z, axis=1)
            growth = growth + log10_abs(norm)
            z = z / np.where(norm > 0, norm, 1.0)[:, None, :]
        return z, growth

    total = np.zeros((q.shape[0], 1))
    with np.errstate(invalid="ignore", divide="ignore", over="ignore", under="ignore"):
        for first in range(1, steps + 1, _BATCH):  # steps first .. first + _BATCH - 1
            q, growth = advance(q, range(first, min(first + _BATCH, steps + 1)))
            total = total + growth
    return total / steps
