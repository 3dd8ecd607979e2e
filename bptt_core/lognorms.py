"""Norms of products over time, computed in the log domain (NOTES §2).

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

_EXACT_MAX_SIZE = 24  # up to this state size, exact singular values (batched LAPACK) are cheap
_SVD_BATCH = 32  # normalised products buffered per batched SVD call
_POWER_TOL = 1e-14  # relative change of the sigma estimate over one iteration that ends the power iteration
_POWER_MAX_ITER = 40  # past this, the step falls back to an exact SVD
_PROBE_WEIGHT = 1e-3  # keeps every direction present in the warm start


def _probe(size: int) -> np.ndarray:
    """A fixed, generic unit vector (a local generator: no global random state)."""
    v = np.random.default_rng(20130211).standard_normal(size)
    return v / np.linalg.norm(v)


def _log10(x: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore"):
        return np.log10(x)


class _SpectralTracker:
    """sigma_max of each normalised product P_t: (N, S, S), fed in order t = T-1 .. 0.

    Small S: exact singular values, computed in batches. Large S: power iteration on
    P P^T warm-started from the previous product's left singular vector (the left
    space, that of s_T, is the same for every t); a step that has not converged
    within _POWER_MAX_ITER iterations (close or crossing singular values) falls back
    to an exact SVD, which also reseeds the warm start.
    """

    def __init__(self, n: int, size: int, out: np.ndarray):
        self.exact = size <= _EXACT_MAX_SIZE
        self.out = out  # (N, T+1) receives sigma
        self.probe = _probe(size)
        self.u = np.broadcast_to(self.probe, (n, size)).copy()
        self.pending: list[tuple[int, np.ndarray]] = []
        self.fallbacks = 0

    def add(self, t: int, p: np.ndarray) -> None:
        if self.exact:
            self.pending.append((t, p.copy()))
            if len(self.pending) == _SVD_BATCH:
                self.flush()
        else:
            self.out[:, t] = self._power(p)

    def flush(self) -> None:
        if self.pending:
            steps = [t for t, _ in self.pending]
            sv = np.linalg.svd(np.stack([p for _, p in self.pending], axis=1), compute_uv=False)
            self.out[:, steps] = sv[..., 0]
            self.pending = []

    def _power(self, p: np.ndarray) -> np.ndarray:
        """sigma_max of each p[n]: (S, S), one sample at a time (2-D BLAS calls are cheapest)."""
        sigma = np.empty(p.shape[0])
        for n in range(p.shape[0]):
            sigma[n] = self._power_one(p[n], n)
        return sigma

    def _diagonal_sigma(self, p: np.ndarray) -> float | None:
        """max |P_ii| when P is exactly diagonal (W_h = rho I keeps every product diagonal), else None.

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

    def _power_one(self, p: np.ndarray, n: int) -> float:
        """Power iteration on [[0, P], [P^T, 0]]: x <- P^T x, then x <- P x, and so on.

        Each half-step's norm ratio ||x_{k+1}|| / ||x_k|| is a lower bound of sigma_max that
        never decreases; it stops when the ratio changed by at most _POWER_TOL over a full
        iteration (two half-steps).
        """
        diagonal = self._diagonal_sigma(p)
        if diagonal is not None:
            return diagonal
        x = self.u[n] + _PROBE_WEIGHT * self.probe
        x /= math.sqrt(x @ x)
        ratios = [0.0, 0.0]
        for half_step in range(2 * _POWER_MAX_ITER):
            y = x @ p if half_step % 2 == 0 else p @ x  # P^T x, or P x
            norm = math.sqrt(y @ y)
            if norm == 0.0:  # P^T u = 0 exactly: P is zero (the caller reports -inf)
                return 0.0
            ratios.append(norm)  # x is a unit vector: the ratio is the norm
            x = y / norm
            if abs(ratios[-1] - ratios[-3]) <= _POWER_TOL * ratios[-1]:
                if half_step % 2 == 1:
                    self.u[n] = x  # a left vector (in the space of s_T): the next warm start
                return ratios[-1]
            if half_step % 2 == 1:
                self.u[n] = x
        # Not converged: close or crossing singular values. Exact value; the
        # partly converged u stays as the next warm start.
        self.fallbacks += 1
        return float(np.linalg.svd(p, compute_uv=False)[0])


def jacobian_log10_norms_both(model, result) -> dict[str, np.ndarray]:
    """log10 ||ds_T/ds_t|| for t = 0..T, spectral ("2") and Frobenius ("fro"): each (N, T+1).

    ds_T/ds_t = J_T ... J_{t+1}; entry t = T is the identity.
    """
    cell = cell_module(model)
    cache = result.cache
    n, steps = result.dh.shape[:2]
    size = cell.state_size(model)
    fro = np.empty((n, steps + 1))
    fro[:, steps] = 0.5 * np.log10(size)
    p = np.broadcast_to(np.eye(size), (n, size, size)).copy()
    log_scale = [0.0] * n
    sigma = np.ones((n, steps + 1))  # sigma_max of the normalised product
    tracker = _SpectralTracker(n, size, sigma)
    flat = p.reshape(n, -1)
    with np.errstate(invalid="ignore", divide="ignore"):
        for t in range(steps, 0, -1):
            p = cell.rmul_jacobian(p, cache, t)  # P_{t-1} = P_t J_t
            flat = p.reshape(n, -1)
            for i in range(n):  # renormalise to ||P||_F = 1 and keep the scale in log10
                norm = math.sqrt(flat[i] @ flat[i])
                if norm > 0:
                    flat[i] *= 1.0 / norm
                    log_scale[i] += math.log10(norm)
                else:  # the product is exactly zero from here on
                    log_scale[i] = -math.inf
            fro[:, t - 1] = log_scale
            tracker.add(t - 1, p)
        tracker.flush()
        spec = np.where(np.isfinite(fro), fro + _log10(sigma), -np.inf)
    spec[:, steps] = 0.0
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
        g_norm = np.linalg.norm(g, axis=2)
        g_log = np.log10(g_norm)  # (N, T), -inf where g_t = 0
        g_unit = g / np.where(g_norm > 0, g_norm, 1.0)[..., None]
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
