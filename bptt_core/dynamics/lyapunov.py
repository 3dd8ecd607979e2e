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
from .tangent import log10_abs, start_frame, step_jacobians


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
    total = np.zeros((n, k))
    with np.errstate(invalid="ignore", divide="ignore", over="ignore", under="ignore"):
        for _, jac in step_jacobians(cell, result.cache, steps):
            z = jac @ q  # J_t Q_{t-1}: (N, S, k)
            if k == 1:  # QR of one column is its norm
                r_diag = np.linalg.norm(z, axis=1)  # (N, 1)
                q = z / np.where(r_diag > 0, r_diag, 1.0)[:, None, :]
            else:
                q, r = np.linalg.qr(z)  # J_t Q_{t-1} = Q_t R_t
                r_diag = np.diagonal(r, axis1=1, axis2=2)
            total += log10_abs(r_diag)  # log10 of the growth of each Gram-Schmidt direction
    # Gram-Schmidt keeps the directions ordered on average only; a sort makes the contract exact.
    return -np.sort(-total / steps, axis=1)
