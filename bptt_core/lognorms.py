"""Norms of products over time, computed in the log domain (docs/norms.md, docs/maths.md).

A product of T Jacobians can be 10^-900 or 10^+900: far outside float64. Every
running product here is renormalised at each step and the log10 of the scale is
accumulated, so the results stay exact where the plain product would be 0 or inf.
A true zero (W_h = 0, every ReLU unit off) is reported as -inf.
"""

from __future__ import annotations

import math

import numpy as np

from .cells import cell_module
from .numerics import log10_row_norms

# The spectral norm of every suffix product P_t = J_T ... J_{t+1}, t = T-1 .. 0 (docs/norms.md).
_BLOCK = 32  # rows of Y = U^T P carried through the chain at first: the tracked left subspace
_BLOCK_SHARE = 2  # and at most S / _BLOCK_SHARE
_MIN_BLOCK = 4  # the block halves, down to this, once its top half alone certifies every sample
_ROTATE_EVERY = 8  # failed top-half tests between two rotations of Y to the current Ritz order
_CERTIFY_TOL = 1e-9  # a certified sigma_max is below the exact one by at most this relative amount
_REFRESH_EVERY = 4  # uncertified steps before the first refresh of U; the interval then grows
_EXACT_MAX_SIZE = 48  # up to this S, an uncertified step gets an exact SVD (batched), above it Lanczos
_SVD_BATCH = 32  # uncertified products buffered per batched SVD call
_LANCZOS_MAX = 40  # Lanczos steps before an exact SVD takes over
_LANCZOS_TOL = 1e-10  # residual / theta_1 that ends the Lanczos iteration
_LANCZOS_CHECKS = frozenset({4, 6, 8, 10, 13, 16, 20, 25, 31, 39})  # steps that solve the tridiagonal
_PROBE_WEIGHT = 1e-3  # keeps every direction present in the Lanczos warm start


def _probe(size: int) -> np.ndarray:
    """A fixed, generic unit vector (a local generator: no global random state)."""
    v = np.random.default_rng(20130211).standard_normal(size)
    return v / np.linalg.norm(v)


def _log10(x: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore"):
        return np.log10(x)


def _diagonal_sigma(p: np.ndarray) -> float | None:
    """max |P_ii| when P: (S, S) is exactly diagonal (W_h = rho I keeps every product diagonal), else None.

    Two diagonal entries trade places without warning, which no warm start can follow; a
    diagonal P needs no iteration. ||P||_F = 1, so P can only be diagonal if its diagonal
    carries (nearly) all of that: an O(S) test first, the exact O(S^2) one only then.
    """
    diagonal = np.diagonal(p)
    if diagonal @ diagonal < 0.999:
        return None
    if np.count_nonzero(p) != np.count_nonzero(diagonal):
        return None
    return float(np.max(np.abs(diagonal)))


def _certifies(y: np.ndarray, lower: float) -> bool:
    """Whether rows y = U^T P: (m, S) of an orthonormal U pin sigma_max(P) within _CERTIFY_TOL (||P||_F = 1).

    With theta_1 = ||Y||_2^2 and eps = 1 - ||Y||_F^2, the mass of P outside span(U),
    theta_1 <= sigma_max^2 <= theta_1 + eps (docs/norms.md), so sqrt(theta_1) is low by at most
    eps / (2 theta_1). lower <= theta_1 (a diagonal entry of Y Y^T) stands in for theta_1.
    """
    flat = y.reshape(-1)
    eps = 1.0 - flat @ flat
    return eps <= 2.0 * _CERTIFY_TOL * lower


class _SpectralTracker:
    """sigma_max of each normalised product P_t (||P_t||_F = 1), fed in order t = T-1 .. 0.

    The chain carries k extra rows Y_t = U^T P_t for an orthonormal U: (S, k) in the left space
    (that of s_T, the same for every t): [P_{t-1}; Y_{t-1}] = [P_t; Y_t] J_t, k more rows in
    the chain's GEMM. The Ritz values theta of P P^T on span(U) are the eigenvalues of
    G = Y Y^T: (k, k). The products soon become numerically low-rank with a converging left
    space, so after a while U holds all but a negligible part of every P_t and sigma_max =
    sqrt(theta_1) is certified (_certifies) for the price of G; then k halves down to
    _MIN_BLOCK. A step the bound does not settle gets an exact value (batched SVD for small S,
    warm-started Lanczos otherwise), and every few such steps a subspace iteration
    U <- orth(P P^T U) moves U towards the top singular directions.
    """

    def __init__(self, n: int, size: int, steps: int, out: np.ndarray):
        self.size, self.steps = size, steps
        self.rows = min(_BLOCK, size // _BLOCK_SHARE)  # k, the current block size
        self.out = out  # (N, T+1) receives sigma
        self.exact = size <= _EXACT_MAX_SIZE
        self.grams: dict[int, np.ndarray] = {}  # k -> (N, T, k, k): G_t of the steps certified with k rows
        self.rows_at = np.zeros((n, steps), dtype=np.intp)  # k of each certified step, 0 elsewhere
        self.fed = self.shrinkable = 0  # this step: samples fed, and those whose top half certifies
        self.half_tries = [0] * n  # failed top-half tests
        self.uncertified = [0] * n  # uncertified steps since the last refresh of U
        self.failed_refreshes = [0] * n  # refreshes since the last certified step
        self.pending: list[tuple[int, int, np.ndarray]] = []  # (sample, t, P_t) awaiting an exact SVD
        self.probe = _probe(size)
        self.u = np.broadcast_to(self.probe, (n, size)).copy()  # Lanczos warm starts
        self.basis = np.empty((_LANCZOS_MAX, size))
        names = ("refresh", "rotate", "shrink", "svd", "lanczos", "lanczos_steps", "checks", "lanczos_svd")
        self.counts = dict.fromkeys(names, 0)  # what each path did, for the tests and the benchmark

    def initial_rows(self) -> np.ndarray:
        """Y_T = U^T P_T = U^T for a fixed generic orthonormal U: (k, S)."""
        basis = np.random.default_rng(20130212).standard_normal((self.size, self.rows))
        return np.linalg.qr(basis)[0].T

    def start_step(self) -> None:
        self.fed = self.shrinkable = 0

    def shrink(self) -> bool:
        """Halve k after a step where every sample fed was certified by its top k/2 rows alone."""
        if self.fed and self.shrinkable == self.fed:
            self.rows //= 2
            self.counts["shrink"] += 1
            return True
        return False

    def add(self, i: int, t: int, p: np.ndarray) -> None:
        """p: (S + k, S), sample i's P_t over its Y_t; a refresh or rotation rewrites the Y_t rows."""
        self.fed += 1
        head, y = p[: self.size], p[self.size :]
        if self._certify(i, t, y):
            return
        self.uncertified[i] += 1
        if self.rows and self.uncertified[i] >= _REFRESH_EVERY + self.failed_refreshes[i] // 4:
            self.uncertified[i] = 0
            self._refresh(i, head, y)
            if self._certify(i, t, y):
                return
            self.failed_refreshes[i] += 1  # refresh less often where the bound cannot hold (equal sigmas)
        if self.exact:
            self.counts["svd"] += 1
            self.pending.append((i, t, head.copy()))
            if len(self.pending) == _SVD_BATCH:
                self._flush_pending()
        else:
            self.out[i, t] = self._lanczos(head, i)

    def _certify(self, i: int, t: int, y: np.ndarray) -> bool:
        """Keep G_t = Y_t Y_t^T if it pins sigma_max; (G_t)_00 <= theta_1 is the lower bound of the test."""
        rows = self.rows
        if not rows:
            return False
        if rows not in self.grams:
            self.grams[rows] = np.empty((len(self.u), self.steps, rows, rows))
        gram = np.dot(y, y.T, out=self.grams[rows][i, t])
        if not _certifies(y, gram[0, 0]):
            return False
        self.rows_at[i, t] = rows
        self.failed_refreshes[i] = 0
        if rows // 2 >= _MIN_BLOCK:
            self.shrinkable += self._top_half_certifies(i, y, gram)
        return True

    def _top_half_certifies(self, i: int, y: np.ndarray, gram: np.ndarray) -> bool:
        """The test on the top half of the rows alone (U's first k/2 columns are orthonormal too).

        Every _ROTATE_EVERY failures, Y is rotated to the current Ritz vectors first: the top
        directions drift away from the row order of the last refresh.
        """
        half = y[: len(y) // 2]
        if _certifies(half, gram[0, 0]):
            return True
        self.half_tries[i] += 1
        if self.half_tries[i] % _ROTATE_EVERY:
            return False
        self.counts["rotate"] += 1
        vectors = np.linalg.eigh(gram)[1][:, ::-1]  # decreasing Ritz values
        y[:] = vectors.T @ y  # the same span, so G_t's eigenvalues stay; the top Ritz directions first
        return _certifies(half, half[0] @ half[0])

    def _refresh(self, i: int, head: np.ndarray, y: np.ndarray) -> None:
        """One subspace iteration U <- orth(P P^T U), rotated to Ritz vectors; rewrites y = U^T P."""
        self.counts["refresh"] += 1
        q = np.linalg.qr(head @ y.T)[0]  # P (P^T U) = P Y^T: (S, k), orthonormalised
        y[:] = q.T @ head
        vectors = np.linalg.eigh(y @ y.T)[1][:, ::-1]  # decreasing Ritz values
        y[:] = vectors.T @ y  # row 0: the top Ritz direction
        self.u[i] = q @ vectors[:, 0]  # the next Lanczos warm start

    def _flush_pending(self) -> None:
        if self.pending:
            samples, steps, products = zip(*self.pending, strict=True)
            self.out[list(samples), list(steps)] = np.linalg.svd(np.stack(products), compute_uv=False)[:, 0]
            self.pending = []

    def flush(self) -> None:
        """The exact SVDs still buffered, and sqrt(theta_1) of every stored G: batched calls."""
        self._flush_pending()
        for rows, grams in self.grams.items():
            certified = np.nonzero(self.rows_at == rows)
            if certified[0].size:
                theta = np.linalg.eigvalsh(grams[certified])[:, -1]
                self.out[certified] = np.sqrt(np.maximum(theta, 0.0))

    def _lanczos(self, p: np.ndarray, n: int) -> float:
        """sigma_max of p: (S, S) by Lanczos on P P^T from the warm start, fully reorthogonalised.

        Stops when the residual r = ||P P^T z - theta_1 z|| of the top Ritz pair is at most
        _LANCZOS_TOL theta_1: an eigenvalue of P P^T lies within r of theta_1. The probe mixed
        into the warm start gives every direction a part, so the top one is in the Krylov space.
        """
        diagonal = _diagonal_sigma(p)
        if diagonal is not None:
            return diagonal
        self.counts["lanczos"] += 1
        basis = self.basis
        x = self.u[n] + _PROBE_WEIGHT * self.probe
        basis[0] = x / math.sqrt(x @ x)
        tri = np.zeros((_LANCZOS_MAX, _LANCZOS_MAX))  # Q^T P P^T Q, tridiagonal
        for j in range(_LANCZOS_MAX):
            w = p @ (basis[j] @ p)  # P P^T q_j
            self.counts["lanczos_steps"] += 1
            before = math.sqrt(w @ w)
            done = basis[: j + 1]
            coeffs = done @ w
            w -= coeffs @ done  # orthogonal to every q so far: the three-term recursion, exact in rounding
            tri[j, j] = coeffs[j]
            beta = math.sqrt(w @ w)
            if beta < 0.5 * before:  # cancellation: a second pass keeps q_{j+1} orthogonal ("twice is enough")
                again = done @ w
                w -= again @ done
                tri[j, j] += again[j]
                beta = math.sqrt(w @ w)
            if beta <= 1e-12 * before:  # the Krylov space is invariant: its Ritz values are eigenvalues
                beta = 0.0
            if j == 0 and beta <= _LANCZOS_TOL * tri[0, 0]:  # the warm start is a singular vector already
                return math.sqrt(tri[0, 0])
            if j + 1 < _LANCZOS_MAX:
                tri[j, j + 1] = tri[j + 1, j] = beta
            if j in _LANCZOS_CHECKS or beta == 0.0:
                self.counts["checks"] += 1
                theta, vectors = np.linalg.eigh(tri[: j + 1, : j + 1])
                if theta[-1] <= 0.0:  # P^T q = 0 for a q carrying the probe: P = 0 (the caller reports -inf)
                    return 0.0
                if beta * abs(vectors[-1, -1]) <= _LANCZOS_TOL * theta[-1]:  # the residual of the Ritz pair
                    self.u[n] = vectors[:, -1] @ done
                    return math.sqrt(theta[-1])
            if beta == 0.0 or j + 1 == _LANCZOS_MAX:
                break
            basis[j + 1] = w / beta
        # Not converged (close singular values): the exact value. The last Lanczos
        # vector stays as the next warm start.
        self.counts["lanczos_svd"] += 1
        return float(np.linalg.svd(p, compute_uv=False)[0])


def _suffix_norms(model, result) -> tuple[np.ndarray, np.ndarray, _SpectralTracker]:
    """log10 ||P_t||_F: (N, T+1) and sigma_max(P_t / ||P_t||_F): (N, T+1), with the tracker (its counts)."""
    cell = cell_module(model)
    cache = result.cache
    n, steps = result.dh.shape[:2]
    size = cell.state_size(model)
    fro = np.empty((n, steps + 1))
    fro[:, steps] = 0.5 * np.log10(size)
    sigma = np.ones((n, steps + 1))
    tracker = _SpectralTracker(n, size, steps, sigma)
    p = np.empty((n, size + tracker.rows, size))  # [P_t; Y_t] of each sample
    p[:, :size] = np.eye(size)
    p[:, size:] = tracker.initial_rows()
    log_scale = [0.0] * n
    with np.errstate(invalid="ignore", divide="ignore"):
        for t in range(steps, 0, -1):
            p = np.ascontiguousarray(cell.rmul_jacobian(p, cache, t))  # [P_{t-1}; Y_{t-1}] = [P_t; Y_t] J_t
            tracker.start_step()
            for i in range(n):
                flat = p[i].reshape(-1)  # a view: p is contiguous
                head = flat[: size * size]
                norm = math.sqrt(head @ head)
                if norm > 0:  # renormalise P (and Y with it) to ||P||_F = 1, keep the scale in log10
                    flat *= 1.0 / norm
                    log_scale[i] += math.log10(norm)
                    if log_scale[i] > -math.inf:
                        tracker.add(i, t - 1, p[i])
                else:  # the product is exactly zero from here on
                    log_scale[i] = -math.inf
            fro[:, t - 1] = log_scale
            if tracker.shrink():  # drop the bottom half of Y: fewer rows in every later GEMM
                p = p[:, : size + tracker.rows].copy()
        tracker.flush()
    return fro, sigma, tracker


def jacobian_log10_norms_both(model, result) -> dict[str, np.ndarray]:
    """log10 ||ds_T/ds_t|| for t = 0..T, spectral ("2") and Frobenius ("fro"): each (N, T+1).

    ds_T/ds_t = J_T ... J_{t+1}; entry t = T is the identity. The spectral norms agree with
    an exact SVD of each product to about 1e-9 (relative) and cost little more than the chain
    of products itself (docs/norms.md).
    """
    fro, sigma, _ = _suffix_norms(model, result)
    spec = np.where(np.isfinite(fro), fro + _log10(sigma), -np.inf)
    spec[:, -1] = 0.0
    return {"2": spec, "fro": fro}


def jacobian_log10_norms(model, result, *, ord: int | str = 2) -> np.ndarray:
    """(N, T+1): entry [n, t] is log10 ||ds_T/ds_t|| for sample n (ord 2 or "fro")."""
    key = {2: "2", "2": "2", "fro": "fro"}.get(ord)
    if key is None:
        raise ValueError(f"ord must be 2 or 'fro', not {ord!r}")
    return jacobian_log10_norms_both(model, result)[key]


def _scaled_backward(cell, cache, g: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The BPTT recursion ds_t = g_t + J_{t+1}^T ds_{t+1}, carried as 10^e * unit vector.

    g: (N, T, S) direct gradient into each state. Returns log10 ||dL/dh_t|| and
    log10 ||dpre_t|| (the pre-activation gradient), each (N, T).
    """
    n, steps, size = g.shape
    log_dh = np.empty((n, steps))
    log_dpre = np.empty((n, steps))
    carry, carry_log = np.zeros((n, size)), np.full(n, -np.inf)
    state_is_hidden = size == cell.hidden_of(g[:, 0]).shape[1]
    with np.errstate(invalid="ignore", divide="ignore", under="ignore", over="ignore"):
        # Rescaled norms: with MSE on an exploding forward pass g_t can be 1e180, finite, but its
        # squares are not (docs/maths.md, "Numbers that leave float64").
        g_log = log10_row_norms(g)  # (N, T), -inf where g_t = 0
        g_top = np.max(np.abs(g), axis=2, keepdims=True)
        g_unit = g / np.where(g_top > 0, g_top, 1.0)
        g_unit /= np.maximum(np.sqrt(np.einsum("nts,nts->nt", g_unit, g_unit)), np.finfo(float).tiny)[..., None]
        for t in range(steps, 0, -1):
            top = np.maximum(g_log[:, t - 1], carry_log)
            top = np.where(np.isfinite(top), top, 0.0)
            # ds_t / 10^top = unit g_t 10^(log|g_t| - top) + (J_{t+1}^T unit ds_{t+1}) 10^(e_{t+1} - top);
            # every exponent is <= 0, and 10^-inf = 0 drops an absent term.
            ds = g_unit[:, t - 1] * (10.0 ** (g_log[:, t - 1] - top))[:, None]
            ds += carry * (10.0 ** (carry_log - top))[:, None]
            norm = np.sqrt(np.einsum("ns,ns->n", ds, ds))
            ds /= np.where(norm > 0, norm, 1.0)[:, None]
            e = top + np.log10(norm)  # -inf once both terms are exactly zero
            hidden_norm = 1.0 if state_is_hidden else np.linalg.norm(cell.hidden_of(ds), axis=1)
            log_dh[:, t - 1] = e + np.log10(hidden_norm)
            dpre, carry = cell.step_backward(ds, cache, t)
            log_dpre[:, t - 1] = e + np.log10(np.sqrt(np.einsum("ns,ns->n", dpre, dpre)))
            carry_log = e
    return log_dh, log_dpre


def log10_gradient_norms(model, result) -> dict[str, np.ndarray]:
    """Per-step gradient magnitudes in log10, each (N, T), for sample n:

    - "total":  log10 ||dL/dh_t||, through all later steps;
    - "last":   log10 ||dL_T/dh_t||, from the last step's loss alone;
    - "weight": log10 ||dL/dpre_t h_{t-1}^T||_F, step t's term of dL/dW_h
                (= ||dL/dpre_t|| ||h_{t-1}||, a rank-one outer product).
    Defined when result.overflow_step is None (the forward pass stayed finite).
    """
    cell = cell_module(model)
    h_prev_log = log10_row_norms(result.hs[:, :-1])
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        fast = _plain_float64_norms(cell, model, result)
    if fast is not None:
        total, last, dpre = fast
    else:
        g = cell.state_grad_from_hidden(result.dout_direct)
        g_last = np.zeros_like(g)
        g_last[:, -1] = g[:, -1]
        # "total" and "last" share one loop: the samples stacked twice on the batch axis.
        log_dh, log_dpre = _scaled_backward(cell, _RepeatedBatch(result.cache, 2), np.concatenate([g, g_last]))
        n = g.shape[0]
        total, last, dpre = log_dh[:n], log_dh[n:], log_dpre[:n]
    return {"total": total, "last": last, "weight": dpre + h_prev_log}


# Plain float64 keeps full relative precision while every norm stays inside this range.
_SAFE_LOG10 = (-280.0, 280.0)


def _plain_float64_norms(cell, model, result):
    """The same three curves from ordinary BPTT when nothing nears under- or overflow, else None.

    Much cheaper than the renormalised recursion, and exact to rounding in that case.
    Needs the state to be h itself: result.dh misses the LSTM's dL/dc_t.
    """
    dh = result.dh
    if cell.state_size(model) != dh.shape[2]:
        return None
    dpre = np.stack([cell.step_backward(dh[:, t - 1], result.cache, t)[0] for t in range(1, dh.shape[1] + 1)], 1)
    dout_last = np.zeros_like(result.dout_direct)
    dout_last[:, -1] = result.dout_direct[:, -1]
    _, dh_last = cell.backward(dout_last, result.cache)
    logs = [np.log10(np.linalg.norm(x, axis=2)) for x in (dh, dh_last, dpre)]
    lo, hi = _SAFE_LOG10
    if all(np.all((x > lo) & (x < hi)) for x in logs):
        return logs
    return None


class _RepeatedBatch:
    """A cell cache whose per-sample arrays are repeated `times` along the batch axis."""

    def __init__(self, cache, times: int):
        self._cache, self._times = cache, times
        self._batch = cache.xs.shape[0]
        self._tiled: dict[str, np.ndarray] = {}

    def __getattr__(self, name):
        value = getattr(self._cache, name)
        if isinstance(value, np.ndarray) and value.ndim >= 2 and value.shape[0] == self._batch:
            if name not in self._tiled:
                self._tiled[name] = np.concatenate([value] * self._times)
            return self._tiled[name]
        return value


def step_jacobian_log10_singular_range(model, result, chunk: int = 64) -> tuple[np.ndarray, np.ndarray]:
    """log10 sigma_min(J_t) and log10 sigma_max(J_t) of each single-step Jacobian: (N, T) each.

    Their running sums bound the product: prod sigma_min <= sigma(ds_T/ds_t) <= prod sigma_max.
    """
    cell = cell_module(model)
    n, steps = result.dh.shape[:2]
    lo, hi = np.empty((n, steps)), np.empty((n, steps))
    for first in range(1, steps + 1, chunk):
        last = min(first + chunk - 1, steps)
        sv = np.linalg.svd(cell.jacobians(result.cache, first, last), compute_uv=False)
        lo[:, first - 1 : last] = _log10(sv[..., -1])
        hi[:, first - 1 : last] = _log10(sv[..., 0])
    return lo, hi
