"""The influence map log10 ||ds_t/ds_s|| for every pair s <= t (docs/dynamics.md, "Influence map").

For each target t, the rows W_{t,s} = U_t^T (ds_t/ds_s) are carried back over the sources s:

    W_{t,t} = U_t^T,     W_{t,s-1} = W_{t,s} J_s      (the cell's rmul_jacobian, one GEMM per step)

all targets t >= s at once on the batch axis of one product. U_t (S, r) is orthonormal, so
||W_{t,s}|| <= ||ds_t/ds_s||, with equality when r = S (U_t = I: exact) or when the leading
left singular vectors of ds_t/ds_s lie in span(U_t). With r < S, U_t holds the first r Gram-
Schmidt vectors of Benettin's forward run (the directions every long product ends up in), so
the map is a lower bound that is exact far from the diagonal and a little low near it
(docs/dynamics.md gives the measured error). Each W is renormalised every step and the log10
of the scale accumulated: 10^±900 stays a number.
"""

from __future__ import annotations

import numpy as np

from ..cells import cell_module
from .tangent import start_frame

# The default rank fits the map into a budget of CPU time, from a cost model measured on this
# machine (docs/dynamics.md): per (t, s) block of r rows and state size S, the row product takes
# ~1.2e-4 us per multiply-add (r S^2 of them, Gram included), the batched eigvalsh ~r^2/25 us,
# the bookkeeping ~1 us. At T = 500, S = 64 this gives r = 5; at T = 100, S = 32 the exact r = S.
BUDGET_US = 6.0e5
MIN_RANK = 4  # never fewer rows than this, whatever the budget
_US_PER_MADD = 1.2e-4
_BLOCKS_PER_BATCH = 4096  # row blocks whose sigma_max is solved in one batched eigvalsh call


def block_cost_us(rank: int, size: int) -> float:
    """Modelled CPU microseconds per (t, s) block with r = rank rows of size S (see BUDGET_US)."""
    return _US_PER_MADD * (rank * size * size + rank * rank * size) + rank * rank / 25.0 + 1.0


def default_rank(steps: int, size: int) -> int:
    """Rows r per target: the largest r <= S whose modelled cost of all T(T+1)/2 blocks fits
    BUDGET_US (r = S: exact), at least MIN_RANK."""
    blocks = steps * (steps + 1) / 2
    fitting = [r for r in range(1, size + 1) if blocks * block_cost_us(r, size) <= BUDGET_US]
    return min(size, max([MIN_RANK, *fitting]))


def _row_frames(cell, cache, n: int, steps: int, size: int, rank: int) -> np.ndarray:
    """U_t for t = 0..T: (N, T+1, S, r). The identity when r = S; else Benettin's Gram-Schmidt frames."""
    if rank == size:
        return np.broadcast_to(np.eye(size), (n, steps + 1, size, size))
    frames = np.empty((n, steps + 1, size, rank))
    q = np.broadcast_to(start_frame(size, rank), (n, size, rank)).copy()
    frames[:, 0] = q
    with np.errstate(invalid="ignore", divide="ignore", over="ignore", under="ignore"):
        for t in range(1, steps + 1):
            q, _ = np.linalg.qr(cell.lmul_jacobian(q, cache, t))  # J_t Q_{t-1} = Q_t R_t
            frames[:, t] = q
    return frames


def _gram(w: np.ndarray) -> np.ndarray:
    """W W^T of each block: (N, m, r, S) -> (N, m, r, r). Below 3 rows, entry by entry: a batched
    matmul of many 2 x 2 products pays NumPy's per-matrix cost (T = 3000, S = 2: 4.5 million of them)."""
    rank = w.shape[2]
    if rank > 2:
        return w @ np.swapaxes(w, -1, -2)
    gram = np.empty((*w.shape[:2], rank, rank))
    for i in range(rank):
        for j in range(i, rank):
            gram[:, :, i, j] = gram[:, :, j, i] = np.einsum("nms,nms->nm", w[:, :, i], w[:, :, j])
    return gram


def _lambda_max(gram: np.ndarray) -> np.ndarray:
    """Largest eigenvalue of each symmetric PSD Gram (B, r, r) -> (B,): closed form up to r = 2,
    else LAPACK's batched eigvalsh (exact to ~1e-16 of the trace, which is ||W||_F^2 = 1 here)."""
    if gram.shape[1] == 1:
        return np.maximum(gram[:, 0, 0], 0.0)
    if gram.shape[1] == 2:
        a, b, c = gram[:, 0, 0], gram[:, 0, 1], gram[:, 1, 1]
        return np.maximum(0.5 * (a + c) + np.hypot(0.5 * (a - c), b), 0.0)
    return np.maximum(np.linalg.eigvalsh(gram)[:, -1], 0.0)


def influence_log10_norms(model, result, *, ord: int | str = 2, rank: int | None = None) -> np.ndarray:
    """(N, T+1, T+1): entry [n, t, s] is log10 ||ds_t/ds_s|| of sample n for s <= t, NaN for s > t.

    ord: 2 (spectral) or "fro". The diagonal is 0 (||I||_2 = 1; for "fro" too, the convention of
    an identity influence); row t = T is jacobian_log10_norms(model, result, ord=ord) (for "fro"
    off the diagonal). rank: rows r per target (None: default_rank(T, S), exact whenever the
    modelled cost fits BUDGET_US; r = S is always exact; r < S gives a lower bound, exact far from
    the diagonal, docs/dynamics.md). -inf marks a product that is exactly zero.
    """
    key = {2: "2", "2": "2", "fro": "fro"}.get(ord)
    if key is None:
        raise ValueError(f"ord must be 2 or 'fro', not {ord!r}")
    cell = cell_module(model)
    cache = result.cache
    n, steps = result.dh.shape[:2]
    size = cell.state_size(model)
    rank = default_rank(steps, size) if rank is None else int(min(max(rank, 1), size))
    frames = _row_frames(cell, cache, n, steps, size, rank)
    out = np.full((n, steps + 1, steps + 1), np.nan)
    idx = np.arange(steps + 1)
    out[:, idx, idx] = 0.0
    rows = np.empty((n, steps + 1, rank, size))  # W_{t,s} of every active target t, renormalised
    log_scale = np.zeros((n, steps + 1))  # log10 of the scale taken out of each W
    pending: list[tuple[int, np.ndarray]] = []  # (s, Gram of W_{t,s-1} for t = s..T) awaiting sigma_max
    pending_blocks = 0
    with np.errstate(invalid="ignore", divide="ignore", over="ignore", under="ignore"):
        for s in range(steps, 0, -1):
            rows[:, s] = np.swapaxes(frames[:, s], -1, -2)  # target t = s starts: W_{s,s} = U_s^T
            m = steps + 1 - s  # active targets t = s..T
            w = cell.rmul_jacobian(rows[:, s:].reshape(n, m * rank, size), cache, s)  # W_{t,s-1} = W_{t,s} J_s
            w = w.reshape(n, m, rank, size)
            norm = np.sqrt(np.einsum("nmis,nmis->nm", w, w))
            w /= np.where(norm > 0, norm, 1.0)[..., None, None]
            log_scale[:, s:] += np.log10(norm)  # -inf once a product is exactly zero
            rows[:, s:] = w
            out[:, s:, s - 1] = log_scale[:, s:]  # the Frobenius norm; ord 2 adds log10 sigma_max below
            if key == "2":
                pending.append((s, _gram(w)))
                pending_blocks += n * m
                if pending_blocks >= _BLOCKS_PER_BATCH or s == 1:
                    _flush(pending, out)
                    pending, pending_blocks = [], 0
    return out


def _flush(pending: list[tuple[int, np.ndarray]], out: np.ndarray) -> None:
    """Add log10 sigma_max of every pending block to out (which holds the Frobenius logs).

    sigma_max(W)^2 = lambda_max(W W^T): an r x r eigenproblem per block, solved for a few steps'
    blocks at once (NumPy's per-call cost is paid once per batch, not once per step).
    """
    rank = pending[0][1].shape[-1]
    lam = _lambda_max(np.concatenate([g.reshape(-1, rank, rank) for _, g in pending]))
    start = 0
    for s, gram in pending:
        n, m = gram.shape[:2]
        out[:, s:, s - 1] += 0.5 * np.log10(lam[start : start + n * m]).reshape(n, m)
        start += n * m
