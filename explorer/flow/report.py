"""Everything the gradient-flow view shows, computed from one Problem (NumPy only).

Usable from a notebook: gradient_flow(bptt_core.Problem(steps=200, hidden=32, rho=0.9)).
The compare mode runs it twice (the second setting may be an LSTM: gradient_flow(p, cell="lstm")).

Every curve is a log10 (docs/maths.md, "Numbers that leave float64"). Where a curve cannot be
drawn, the report says why in numbers (grad_limit, jac_zero_from, weight_zero_h) so the page
can replace the chart by a sentence computed from them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from bptt_core import (
    BPTTResult,
    Problem,
    Spectrum,
    Verdict,
    fitted_log10_growth,
    get_activation,
    jacobian_log10_norms_both,
    log10_gradient_norms,
    log10_row_norms,
    spectrum,
    step_jacobian_log10_singular_range,
    verdict,
)
from bptt_core.analysis import EDGE_TOLERANCE
from bptt_core.dynamics import lyapunov_log10_exponents
from bptt_core.problem import first_undefined_step

CELLS = ("rnn", "lstm")
# The measured-rate verdict fits a line through the far half of the distances; below this T
# the far half holds fewer than 3 points and the "rate" is one or two single-step ratios.
MIN_RATE_STEPS = 4


@dataclass
class FlowReport:
    """Log10 curves for one sequence (N = 1); t runs 1..T, distance T - t runs 0..T.

    cell "rnn" or "lstm"; for the LSTM the state is s_t = (h_t, c_t) (size 2H), the Jacobian
    products are those of the state, and gamma / spectrum (of the vanilla RNN's W_h) are None.
    """

    steps: int
    hidden: int
    cell: str
    gamma: float | None
    spectrum: Spectrum | None
    verdict: Verdict
    log10_growth: float  # fitted log10 growth per step of ||ds_T/ds_t||_2 (nan when too short to fit)
    jac_spectral: np.ndarray  # (T+1,) log10 ||ds_T/ds_t||_2, index t
    jac_frobenius: np.ndarray  # (T+1,) log10 ||ds_T/ds_t||_F, index t
    band_low: np.ndarray  # (T+1,) sum of log10 sigma_min(J_s), s = t+1..T
    band_high: np.ndarray  # (T+1,) sum of log10 sigma_max(J_s), s = t+1..T
    grad_steps: int  # steps with defined gradients (T, or fewer: see grad_limit)
    grad_total: np.ndarray  # (grad_steps,) log10 ||dL/dh_t||
    grad_last: np.ndarray  # (grad_steps,) log10 ||dL_T'/dh_t||, T' = grad_steps
    weight_terms: np.ndarray  # (grad_steps,) log10 ||dL/da_t h_{t-1}^T||_F
    h_prev_log10: np.ndarray  # (grad_steps,) log10 ||h_{t-1}|| (-inf where h_{t-1} = 0)
    loss: float
    overflow_step: int | None  # first t whose h_t left float64 (forward pass)
    grad_limit: str | None = None  # None, "forward" (h_t overflowed) or "readout" (o_t or dL/do_t did)
    readout_step: int | None = None  # with grad_limit "readout": the first t whose o_t or dL/do_t left float64
    lyapunov: float = math.nan  # lambda_1 of the trajectory, log10 per step (the dynamics view's exponent)

    @property
    def horizon(self) -> float | None:
        """Memory horizon: steps over which a gradient falls tenfold, 1 / |lambda_1|, when lambda_1 < 0."""
        if not math.isfinite(self.lyapunov) or self.lyapunov >= 0:
            return None
        return 1.0 / -self.lyapunov

    @property
    def jac_zero_from(self) -> int | None:
        """The first distance T - t at which the Jacobian product is exactly zero, else None."""
        zero = np.flatnonzero(self.jac_spectral[::-1] == -np.inf)
        return int(zero[0]) if zero.size else None

    @property
    def weight_zero(self) -> int:
        """How many steps' terms of dL/dW_h are exactly zero (log10 = -inf)."""
        return int(np.count_nonzero(self.weight_terms == -np.inf))

    @property
    def weight_zero_h(self) -> int:
        """How many of those are zero because h_{t-1} = 0 (t = 1 always: h_0 = 0)."""
        return int(np.count_nonzero((self.weight_terms == -np.inf) & (self.h_prev_log10 == -np.inf)))

    @property
    def has_rate(self) -> bool:
        return bool(np.isfinite(self.log10_growth))


def _suffix_sums(x: np.ndarray) -> np.ndarray:
    """(T,) per-step values -> (T+1,) sums over s = t+1..T, index t."""
    return np.concatenate([np.cumsum(x[::-1])[::-1], [0.0]])


def _gradient_curves(problem: Problem, model, result: BPTTResult):
    """(steps, total, last, weight, h_prev, limit, readout_step) over the steps whose gradients are numbers.

    After a forward overflow at step s: the BPTT of steps 1..s-1 (Problem.defined_prefix). After
    a read-out overflow at step r (o_t = W_y h_t or dL/do_t leaves float64 while h_t is still
    finite): the BPTT of steps 1..r-1, the gradient of the loss restricted to those steps.
    """
    first = first_undefined_step(result)
    limit = None if first is None else ("forward" if first == result.overflow_step else "readout")
    readout_step = first if limit == "readout" else None
    result = problem.defined_prefix(model, result)  # cuts at the first of the two
    if result is None:
        empty = np.empty(0)
        return 0, empty, empty, empty, empty, limit, readout_step
    logs = log10_gradient_norms(model, result)  # exact in the log domain, also for MSE on an exploding pass
    with np.errstate(divide="ignore", invalid="ignore"):
        h_prev = log10_row_norms(result.hs[0, :-1])  # -inf where h_{t-1} = 0
    steps = result.dh.shape[1]
    return steps, logs["total"][0], logs["last"][0], logs["weight"][0], h_prev, limit, readout_step


def _top_exponent(model, result: BPTTResult) -> float:
    """lambda_1 (log10 per step) of a trajectory that stayed inside float64, else NaN (not drawn)."""
    if result.overflow_step is not None:
        return math.nan
    with np.errstate(all="ignore"):
        value = float(lyapunov_log10_exponents(model, result, k=1)[0, 0])
    return value if math.isfinite(value) else math.nan


def flow_verdict(steps: int, cell: str, gamma: float | None, sigma_max: float | None, log10_growth: float) -> Verdict:
    """The core's verdict, with two cases it does not know.

    - T < MIN_RATE_STEPS and the Pascanu bound does not decide: kind "undecided", rule "too_short"
      (a single step's norm is not a growth rate). The bound itself holds at every T.
    - the LSTM: no Pascanu bound of this form; the measured rate alone decides (rule "measured_rate_lstm").
    """
    if cell == "rnn":
        v = verdict(gamma, sigma_max, log10_growth)
        if v.rule == "measured_rate" and steps < MIN_RATE_STEPS:
            return Verdict("undecided", "too_short", math.nan, v.bound)
        return v
    if steps < MIN_RATE_STEPS:
        return Verdict("undecided", "too_short", math.nan, math.nan)
    growth = float(10.0**log10_growth) if np.isfinite(log10_growth) else 0.0
    kind = "vanishing" if growth < 1 - EDGE_TOLERANCE else "exploding" if growth > 1 + EDGE_TOLERANCE else "edge"
    return Verdict(kind, "measured_rate_lstm", growth, math.nan)


def gradient_flow(problem: Problem, with_band: bool = True, cell: str = "rnn", forget_bias: float = 1.0) -> FlowReport:
    """Run the forward pass and BPTT once and collect every curve in log10.

    cell: "rnn" (the sidebar's vanilla RNN) or "lstm" (forget-gate bias forget_bias; the
    activation of the problem does not apply to it).
    """
    if cell not in CELLS:
        raise ValueError(f"unknown cell {cell!r}; choose from {CELLS}")
    model, result = problem.run(cell, forget_bias=forget_bias) if cell == "lstm" else problem.run()
    norms = jacobian_log10_norms_both(model, result)
    steps = problem.steps
    if cell == "rnn":
        spec, gamma = spectrum(model.W_h), get_activation(problem.activation).gamma
        sigma_max = spec.sigma_max
    else:
        spec = gamma = sigma_max = None
    growth = fitted_log10_growth(norms["2"][0]) if steps >= MIN_RATE_STEPS else math.nan
    if with_band:
        lo, hi = step_jacobian_log10_singular_range(model, result)
        band_low, band_high = _suffix_sums(lo[0]), _suffix_sums(hi[0])
    else:
        band_low = band_high = np.full(steps + 1, np.nan)
    grad_steps, total, last, weight, h_prev, limit, readout_step = _gradient_curves(problem, model, result)
    return FlowReport(
        lyapunov=_top_exponent(model, result),
        steps=steps,
        hidden=problem.hidden,
        cell=cell,
        gamma=gamma,
        spectrum=spec,
        verdict=flow_verdict(steps, cell, gamma, sigma_max, fitted_log10_growth(norms["2"][0])),
        log10_growth=growth,
        jac_spectral=norms["2"][0],
        jac_frobenius=norms["fro"][0],
        band_low=band_low,
        band_high=band_high,
        grad_steps=grad_steps,
        grad_total=total,
        grad_last=last,
        weight_terms=weight,
        h_prev_log10=h_prev,
        loss=result.loss,
        overflow_step=result.overflow_step,
        grad_limit=limit,
        readout_step=readout_step,
    )
