"""Truncated BPTT as explicit, named options of bptt(truncation=...).

Notation (docs/maths.md, "Notation and equations"): state s_t (= h_t for RNN and GRU, (h_t, c_t)
for LSTM), steps t = 1..T, J_t = ds_t/ds_{t-1}, and g_s = dL_s/ds_s the direct gradient of loss step s's term (through
the read-out; zero when s carries no loss). The full gradient of a cell parameter theta is
a sum over PATHS (s -> t), t <= s, "loss step s reaches state step t":

    dL/dtheta = sum_{t=1..T} sum_{s=t..T} w[s, t] * local_t( J_{t+1}^T ... J_s^T g_s )

where local_t(ds_t) = step_param_grads(step_backward(ds_t, t).dpre, t) is step t's own
derivative (through the pre-activation at t). The full gradient has w[s, t] = 1 for every
t <= s. Each truncation keeps some paths and drops the others (w = 0); path_weights() gives w.
The read-out gradients (W_y, b_y) involve no path through time and are never truncated.

- Chunked(k), regular truncation (the course example: 5-word chunks). Steps are cut into
  chunks [1..k], [k+1..2k], ..., [.., T]; the last chunk is shorter when k does not divide T.
  The forward pass carries the state across chunk borders unchanged; the backward pass does
  not cross them, whatever T mod k (the last, short chunk too):
      w[s, t] = 1  iff  t <= s and t, s are in the same chunk  (ceil(t/k) == ceil(s/k)).
  Dropped: every term in which a loss reaches a step of an earlier chunk, i.e. all
  dependencies longer than the distance to the chunk start. k >= T gives the full gradient.
  Equivalently: run the chunks one by one, each from the carried state treated as a constant
  (detached), and sum the chunks' parameter gradients.

- TBPTT(k1, k2), Williams & Peng (1990): at every k1-th step t_b = k1, 2 k1, ... (and at T
  for a last, partial block) backpropagate k2 steps, through s_{t_b}, ..., s_{t_b-k2+1},
  injecting the losses that arrived since the previous backward pass, s in (t_b - k1, t_b]:
      w[s, t] = 1  iff  t <= s and t > b(s) - k2,  with b(s) = min(ceil(s/k1) k1, T).
  So the loss of a step at a block's end reaches k2 steps back, the first loss of a block only
  k2 - k1 + 1. k2 >= k1 is the usual choice; with k2 < k1 the losses s <= b(s) - k2 reach no
  step at all. TBPTT(k, k) == Chunked(k) when k divides T; otherwise TBPTT's last, partial
  block still reaches back k steps, across the chunk border that Chunked(k) keeps. Here the
  parameters are held fixed and the blocks' gradients are summed (what one pass accumulates);
  online TBPTT would update in between.

- Randomized(pi, seed), Tallec & Ollivier (2017) as in d2l §9.7: one weight per step,
  xi_t = 1/pi with probability pi and 0 otherwise (independent, drawn from `seed`, shared by
  the batch), multiplies the recurrent path through step t, ds_{t-1} <- xi_t J_t^T ds_t:
      w[s, t] = prod_{u=t+1..s} xi_u      (w[s, s] = 1: a loss always reaches its own step).
  E[w[s, t]] = prod E[xi_u] = 1, so the estimate is unbiased; a path of length m is either
  dropped (probability 1 - pi^m) or amplified by pi^-m: the variance grows with the distance.
  pi = 1 gives the full gradient.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .cells import cell_module
from .numerics import safe_norm
from .rng import as_generator

PAIR_STEP_LIMIT = 256  # per-path norms cost O(T^2) backward steps: skipped above this T


@dataclass(frozen=True)
class Chunked:
    """Regular truncation: chunks of k steps, no backpropagation across a chunk border."""

    k: int

    def __post_init__(self):
        _check_positive("k", self.k)


@dataclass(frozen=True)
class TBPTT:
    """Williams & Peng TBPTT(k1, k2): every k1 steps, backpropagate k2 steps."""

    k1: int
    k2: int

    def __post_init__(self):
        _check_positive("k1", self.k1)
        _check_positive("k2", self.k2)


@dataclass(frozen=True)
class Randomized:
    """Randomized truncation: recurrent path through step t weighted by xi_t in {0, 1/pi}."""

    pi: float
    seed: int = 0

    def __post_init__(self):
        if not (0.0 < float(self.pi) <= 1.0):
            raise ValueError(f"pi must be in (0, 1], not {self.pi!r}")

    def xi(self, steps: int) -> np.ndarray:
        """(T,) weights xi_1..xi_T (index t-1); xi_1 only reaches s_0, which has no parameter."""
        keep = as_generator(self.seed).random(steps) < self.pi
        return np.where(keep, 1.0 / self.pi, 0.0)


Truncation = Chunked | TBPTT | Randomized


def _check_positive(name: str, value: int) -> None:
    if not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be a positive integer, not {value!r}")


@dataclass(frozen=True)
class _Sweep:
    """One backward pass: from step top down to step bottom, injecting g_s for s in (inject_after, top]."""

    top: int
    bottom: int
    inject_after: int


def _block_bounds(block: int, steps: int) -> list[tuple[int, int]]:
    """(start, end) of the blocks (start, end] = [start+1..end]: ends at block, 2 block, ... and T."""
    ends = list(range(block, steps + 1, block))
    if not ends or ends[-1] != steps:
        ends.append(steps)
    return list(zip([0, *ends[:-1]], ends, strict=True))


def _sweeps(truncation: Truncation, steps: int) -> list[_Sweep]:
    if isinstance(truncation, Chunked):
        # each chunk's sweep stops at the chunk's first step: never below the border, even for
        # a last chunk shorter than k (TBPTT(k, k) would reach k steps back from T there)
        return [_Sweep(end, start + 1, start) for start, end in _block_bounds(truncation.k, steps)]
    if isinstance(truncation, TBPTT):
        bounds = _block_bounds(truncation.k1, steps)
        return [_Sweep(end, max(1, end - truncation.k2 + 1), start) for start, end in bounds]
    if isinstance(truncation, Randomized):
        return [_Sweep(steps, 1, 0)]
    raise TypeError(f"unknown truncation {truncation!r}; use Chunked, TBPTT or Randomized")


def _recurrent_weights(truncation: Truncation, steps: int) -> np.ndarray:
    """(T,) factor on the path s_t -> s_{t-1}, index t-1."""
    return truncation.xi(steps) if isinstance(truncation, Randomized) else np.ones(steps)


def path_weights(truncation: Truncation | None, steps: int) -> np.ndarray:
    """(T, T) w[s-1, t-1]: the factor on path (loss step s -> state step t); 0 above the diagonal."""
    w = np.zeros((steps, steps))
    if truncation is None:
        return np.tril(np.ones((steps, steps)))
    xi = _recurrent_weights(truncation, steps)
    for sweep in _sweeps(truncation, steps):
        for s in range(sweep.inject_after + 1, sweep.top + 1):
            factor = 1.0
            for t in range(s, sweep.bottom - 1, -1):
                w[s - 1, t - 1] = factor
                factor *= xi[t - 1]  # the path continues to t-1 through step t
    return w


def path_mask(truncation: Truncation | None, steps: int) -> np.ndarray:
    """(T, T) bool kept[s-1, t-1]: does loss step s still reach state step t?"""
    return path_weights(truncation, steps) != 0.0


def truncated_backward(
    cell, dout: np.ndarray, cache, truncation: Truncation
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Like cell.backward, but only along the kept paths.

    dout: (N, T, H) direct dL/dh_t from the read-out -> (grads of CELL_PARAMS, dh: (N, T, H)),
    dh being the truncated dL/dh_t: the sum of the kept paths' gradients at h_t.
    """
    g = cell.state_grad_from_hidden(dout)  # (N, T, S) direct dL_t/ds_t
    steps = g.shape[1]
    xi = _recurrent_weights(truncation, steps)
    ds_total = np.zeros_like(g)
    dpre_total: dict[int, np.ndarray] = {}
    for sweep in _sweeps(truncation, steps):
        carry = np.zeros_like(g[:, 0])
        for t in range(sweep.top, sweep.bottom - 1, -1):
            ds_t = carry + g[:, t - 1] if t > sweep.inject_after else carry  # kept losses + kept path
            ds_total[:, t - 1] += ds_t
            dpre_t, ds_prev = cell.step_backward(ds_t, cache, t)
            dpre_total[t] = dpre_total[t] + dpre_t if t in dpre_total else dpre_t
            carry = xi[t - 1] * ds_prev  # dL/ds_{t-1} via step t, weighted (1 unless Randomized)
    grads: dict[str, np.ndarray] = {}
    for (
        t,
        dpre_t,
    ) in dpre_total.items():  # step_param_grads is linear in dpre_t: sum first
        for name, term in cell.step_param_grads(dpre_t, cache, t).items():
            grads[name] = grads[name] + term if name in grads else term.copy()
    return _fill_missing(grads, cache, cell), cell.hidden_of(ds_total)


def _fill_missing(grads: dict[str, np.ndarray], cache, cell) -> dict[str, np.ndarray]:
    """Zero gradients for parameters no kept path reaches (e.g. T = 0 steps)."""
    for name in cell.CELL_PARAMS:
        if name not in grads:
            grads[name] = np.zeros_like(getattr(cache.model, name))
    return grads


def truncated_grads(model, result, truncation: Truncation | None) -> dict[str, np.ndarray]:
    """Gradients of a finished bptt() result under another truncation, reusing its forward pass.

    The read-out gradients are copied unchanged from result.grads.
    """
    if truncation is None:
        return {name: value.copy() for name, value in result.grads.items()}
    cell = cell_module(model)
    grads, _ = truncated_backward(cell, result.dout_direct, result.cache, truncation)
    grads["W_y"], grads["b_y"] = result.grads["W_y"].copy(), result.grads["b_y"].copy()
    return {name: grads[name] for name in model.param_names}


# ---------------------------------------------------------------- comparison with the full gradient


def cosine_and_relative_error(a: np.ndarray, reference: np.ndarray) -> tuple[float, float]:
    """cos(a, reference) and ||a - reference|| / ||reference||, both finite.

    Conventions: both zero -> (1, 0); exactly one zero -> cosine 0; reference zero -> the
    relative error is ||a|| itself (an absolute error).
    """
    a, b = np.ravel(a), np.ravel(reference)
    na, nb = safe_norm(a), safe_norm(b)
    if na == 0.0 and nb == 0.0:
        return 1.0, 0.0
    cosine = 0.0 if na == 0.0 or nb == 0.0 else float(np.clip(np.dot(a / na, b / nb), -1.0, 1.0))
    error = safe_norm(a - b) / (nb if nb > 0.0 else 1.0)
    return cosine, error


def gradient_agreement(
    grads: dict[str, np.ndarray], reference: dict[str, np.ndarray]
) -> dict[str, tuple[float, float]]:
    """(cosine, relative error) per parameter and "all" (every parameter concatenated)."""
    out = {name: cosine_and_relative_error(grads[name], reference[name]) for name in reference}
    flat = [np.ravel(grads[name]) for name in reference]
    out["all"] = cosine_and_relative_error(
        np.concatenate(flat), np.concatenate([np.ravel(v) for v in reference.values()])
    )
    return out


def agreement_over_k(model, result, ks, *, kind: str = "chunked") -> dict[str, dict[str, np.ndarray]]:
    """Cosine and relative error of Chunked(k) (kind "chunked") or TBPTT(k, k2=2k) vs the full gradient.

    result: a full-gradient bptt() result. Returns {"cosine": {name: (len(ks),)}, "relative_error": {...}},
    names = model.param_names + ("all",).
    """
    makers = {"chunked": Chunked, "tbptt": lambda k: TBPTT(k, 2 * k)}
    if kind not in makers:
        raise ValueError(f"unknown kind {kind!r}; choose from {sorted(makers)}")
    rows = [gradient_agreement(truncated_grads(model, result, makers[kind](int(k))), result.grads) for k in ks]
    names = [*model.param_names, "all"]
    return {
        "cosine": {name: np.array([row[name][0] for row in rows]) for name in names},
        "relative_error": {name: np.array([row[name][1] for row in rows]) for name in names},
    }


def randomized_spread(model, result, pi: float, seeds: int, *, param: str = "all", first_seed: int = 0) -> dict:
    """Bias vs variance of Randomized(pi) over `seeds` seeds, against the full gradient.

    Returns per-seed "cosine" and "relative_error" (seeds,), and "mean_relative_error" (seeds,):
    relative error of the mean of the first n estimates (n = 1..seeds), which shrinks like
    1/sqrt(n) for an unbiased estimate. param: a parameter name or "all".
    """
    names = list(model.param_names) if param == "all" else [param]
    full = np.concatenate([np.ravel(result.grads[name]) for name in names])
    running = np.zeros_like(full)
    cos, err, mean_err = (np.empty(seeds) for _ in range(3))
    for i in range(seeds):
        grads = truncated_grads(model, result, Randomized(pi, first_seed + i))
        sample = np.concatenate([np.ravel(grads[name]) for name in names])
        running += sample
        cos[i], err[i] = cosine_and_relative_error(sample, full)
        mean_err[i] = cosine_and_relative_error(running / (i + 1), full)[1]
    return {"cosine": cos, "relative_error": err, "mean_relative_error": mean_err}


# ---------------------------------------------------------------- per-path contributions


@dataclass(frozen=True)
class StepContributions:
    """Which backward paths a truncation keeps, and how large each path's term is.

    Indices are step - 1. log10 values are -inf for an exact zero (and for t > s).
    """

    weights: np.ndarray  # (T, T) w[s, t], path factor (0 dropped, 1 kept, xi product if Randomized)
    kept: np.ndarray  # (T, T) bool, weights != 0
    loss_steps: np.ndarray  # (T,) bool, s carries a loss term (nonzero direct gradient)
    param: str  # the parameter whose terms are measured ("W_h")
    log10_pair: np.ndarray | None  # (T, T) log10 ||term of d(L_s)/d param through step t||_F, None if T too large
    log10_kept: np.ndarray | None  # (T,) log10 ||sum_s w[s, t] term(s, t)||_F: step t's truncated term
    log10_dropped: np.ndarray | None  # (T,) log10 ||sum_s (1 - w[s, t]) term(s, t)||_F: what truncation misses


class _LogAccumulator:
    """A sum of matrices kept as 10^e * M with ||M|| = 1, so terms of any magnitude add safely."""

    def __init__(self, shape: tuple[int, ...]):
        self.e, self.m = -np.inf, np.zeros(shape)

    def add(self, e: float, m: np.ndarray) -> None:
        if not np.isfinite(e):
            return
        top = max(self.e, e)
        scale_old = 10.0 ** (self.e - top) if np.isfinite(self.e) else 0.0
        self.m = self.m * scale_old + m * 10.0 ** (e - top)
        norm = np.linalg.norm(self.m)
        self.e = top + np.log10(norm) if norm > 0 else -np.inf
        self.m = self.m / norm if norm > 0 else self.m

    def log10_norm(self) -> float:
        return float(self.e)


def per_step_contributions(model, result, truncation: Truncation | None, *, param: str = "W_h") -> StepContributions:
    """Path mask of `truncation` and, for T <= PAIR_STEP_LIMIT, log10 norms of every path's term.

    result: any bptt() result for these inputs (only its forward cache and read-out gradient are used).
    Norms are computed in the log domain (each loss step's backward sweep is renormalised per
    step), so vanishing terms show their true exponent. Defined when result.overflow_step is None.
    """
    cell = cell_module(model)
    g = cell.state_grad_from_hidden(result.dout_direct)  # (N, T, S)
    steps = g.shape[1]
    weights = path_weights(truncation, steps)
    loss_steps = np.abs(g).sum(axis=(0, 2)) > 0
    if steps > PAIR_STEP_LIMIT:
        return StepContributions(weights, weights != 0, loss_steps, param, None, None, None)
    sweep = _sweeps_one_sequence if g.shape[0] == 1 else _sweeps_each
    with np.errstate(divide="ignore", under="ignore"):
        pair, log_kept, log_dropped = sweep(cell, result.cache, g, weights, loss_steps, param)
    return StepContributions(weights, weights != 0, loss_steps, param, pair, log_kept, log_dropped)


def _sweeps_each(cell, cache, g: np.ndarray, weights: np.ndarray, loss_steps: np.ndarray, param: str):
    """Per-path log10 norms, one backward sweep per loss step s (any batch size N).

    g: (N, T, S) direct gradients; weights: (T, T) w[s, t]; loss_steps: (T,) bool.
    Returns (pair: (T, T), log_kept: (T,), log_dropped: (T,)).
    """
    steps = g.shape[1]
    pair = np.full((steps, steps), -np.inf)
    shape = getattr(cache.model, param).shape
    kept = [_LogAccumulator(shape) for _ in range(steps)]
    dropped = [_LogAccumulator(shape) for _ in range(steps)]
    for s in np.flatnonzero(loss_steps) + 1:
        ds, e = _unit(g[:, s - 1])
        for t in range(s, 0, -1):
            dpre_t, ds_prev = cell.step_backward(ds, cache, t)
            term = cell.step_param_grads(dpre_t, cache, t)[param]
            norm = np.linalg.norm(term)
            if norm > 0 and np.isfinite(e):
                pair[s - 1, t - 1] = e + np.log10(norm)
                w = weights[s - 1, t - 1]
                unit = term / norm
                kept[t - 1].add(pair[s - 1, t - 1] + _log10_abs(w), np.sign(w) * unit)
                dropped[t - 1].add(pair[s - 1, t - 1] + _log10_abs(1.0 - w), np.sign(1.0 - w) * unit)
            ds, de = _unit(ds_prev)
            e += de
    return pair, np.array([acc.log10_norm() for acc in kept]), np.array([acc.log10_norm() for acc in dropped])


def _sweeps_one_sequence(cell, cache, g: np.ndarray, weights: np.ndarray, loss_steps: np.ndarray, param: str):
    """The same for N = 1, every loss step's sweep at once: one step_backward per step t.

    With one sequence the batch axis is free: row m carries the sweep of loss step s_m, each row
    kept at unit norm with its own log10 scale e_m. A row joins at t = s_m. The kept and dropped
    sums of step t are linear in the sweeps' dpre_t (step_param_grads is linear in it), so they
    are summed as rows, sum_m w[s_m, t] 10^e_m dpre_m, and mapped to the parameter once per step.
    Same shapes and results as _sweeps_each (tests/core/test_truncation_clipping.py).
    """
    steps = g.shape[1]
    sources = np.flatnonzero(loss_steps)  # s_m - 1
    pair = np.full((steps, steps), -np.inf)
    log_kept, log_dropped = np.full(steps, -np.inf), np.full(steps, -np.inf)
    rows = np.zeros((sources.size, g.shape[2]))  # (M, S) the sweeps' unit dL/ds_t
    e = np.full(sources.size, -np.inf)  # (M,) log10 scale of each row
    for t in range(steps, 0, -1):
        if loss_steps[t - 1]:  # loss step t's sweep joins
            joining = sources == t - 1
            rows[joining], e[joining] = _row_units(g[0, t - 1][None])
        live = sources >= t - 1  # sweeps that have started (s_m >= t)
        dpre, ds_prev = cell.step_backward(rows[live], cache, t)  # (A, G), (A, S)
        scale, s_live = e[live], sources[live]
        norms = np.array([np.linalg.norm(cell.step_param_grads(d[None], cache, t)[param]) for d in dpre])
        counted = (norms > 0) & np.isfinite(scale)
        pair[s_live[counted], t - 1] = scale[counted] + np.log10(norms[counted])
        w = weights[s_live, t - 1]
        for out, coef in ((log_kept, w), (log_dropped, 1.0 - w)):
            out[t - 1] = _log10_norm_of_sum(cell, cache, t, param, dpre[counted], scale[counted], coef[counted])
        rows[live], de = _row_units(ds_prev)
        e[live] = scale + de
    return pair, log_kept, log_dropped


def _row_units(v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each row of v (M, S) as (row / ||row||, log10 ||row||): _unit row by row (NaN counts as 0)."""
    v = np.where(np.isnan(v), 0.0, v)
    top = np.max(np.abs(v), axis=1) if v.shape[1] else np.zeros(v.shape[0])
    ok = (top > 0) & np.isfinite(top)
    norm = np.where(ok, top * np.linalg.norm(v / np.where(ok, top, 1.0)[:, None], axis=1), top)
    units = np.where(ok[:, None], v / np.where(ok, norm, 1.0)[:, None], v)
    return units, np.log10(norm)


def _log10_norm_of_sum(cell, cache, t: int, param: str, dpre: np.ndarray, scale: np.ndarray, coef: np.ndarray) -> float:
    """log10 || sum_m coef_m 10^scale_m term_t(dpre_m) ||, the terms summed before the map (it is linear).

    dpre: (A, G) unit rows; scale: (A,) finite log10 scales; coef: (A,) weights (0 drops a row).
    """
    logs = scale + np.log10(np.abs(coef))
    if not np.any(np.isfinite(logs)):
        return -np.inf
    top = np.max(logs[np.isfinite(logs)])
    mix = np.where(np.isfinite(logs), np.sign(coef) * 10.0 ** (logs - top), 0.0) @ dpre
    norm = np.linalg.norm(cell.step_param_grads(mix[None], cache, t)[param])
    return float(top + np.log10(norm)) if norm > 0 else -np.inf


def _unit(v: np.ndarray) -> tuple[np.ndarray, float]:
    """v (N, S) as (v / ||v||_F, log10 ||v||_F); the scale is shared by the batch (grads sum over it)."""
    norm = safe_norm(v)
    if norm == 0.0 or not np.isfinite(norm):
        return v, (-np.inf if norm == 0.0 else np.inf)
    return v / norm, float(np.log10(norm))


def _log10_abs(x: float) -> float:
    return float(np.log10(abs(x))) if x != 0 else -np.inf
