"""Everything the gradient-flow view shows, computed from one Problem (NumPy only).

Usable from a notebook: gradient_flow(bptt_core.Problem(steps=200, hidden=32, rho=0.9)).
"""

from __future__ import annotations

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
    spectrum,
    step_jacobian_log10_singular_range,
    verdict,
)

@dataclass
class FlowReport:
    """Log10 curves for one sequence (N = 1); t runs 1..T, distance T - t runs 0..T."""

    steps: int
    hidden: int
    gamma: float
    spectrum: Spectrum
    verdict: Verdict
    log10_growth: float  # fitted log10 growth per step of ||dh_T/dh_t||_2
    jac_spectral: np.ndarray  # (T+1,) log10 ||dh_T/dh_t||_2, index t
    jac_frobenius: np.ndarray  # (T+1,) log10 ||dh_T/dh_t||_F, index t
    band_low: np.ndarray  # (T+1,) sum of log10 sigma_min(J_s), s = t+1..T
    band_high: np.ndarray  # (T+1,) sum of log10 sigma_max(J_s), s = t+1..T
    grad_steps: int  # steps with defined gradients (T, or overflow_step - 1)
    grad_total: np.ndarray  # (grad_steps,) log10 ||dL/dh_t||
    grad_last: np.ndarray  # (grad_steps,) log10 ||dL_T'/dh_t||, T' = grad_steps
    weight_terms: np.ndarray  # (grad_steps,) log10 ||dL/da_t h_{t-1}^T||_F
    loss: float
    overflow_step: int | None


def _suffix_sums(x: np.ndarray) -> np.ndarray:
    """(T,) per-step values -> (T+1,) sums over s = t+1..T, index t."""
    return np.concatenate([np.cumsum(x[::-1])[::-1], [0.0]])


def _gradient_curves(problem: Problem, model, result: BPTTResult):
    """Per-step gradient curves; after a forward overflow, those of the defined prefix."""
    result = problem.defined_prefix(model, result)
    if result is None:
        return 0, np.empty(0), np.empty(0), np.empty(0)
    logs = log10_gradient_norms(model, result)
    return result.dh.shape[1], logs["total"][0], logs["last"][0], logs["weight"][0]


def gradient_flow(problem: Problem, with_band: bool = True) -> FlowReport:
    """Run the forward pass and BPTT once and collect every curve in log10."""
    model, result = problem.run()
    norms = jacobian_log10_norms_both(model, result)
    spec = spectrum(model.W_h)
    gamma = get_activation(problem.activation).gamma
    growth = fitted_log10_growth(norms["2"][0])
    steps = problem.steps
    if with_band:
        lo, hi = step_jacobian_log10_singular_range(model, result)
        band_low, band_high = _suffix_sums(lo[0]), _suffix_sums(hi[0])
    else:
        band_low = band_high = np.full(steps + 1, np.nan)
    grad_steps, total, last, weight = _gradient_curves(problem, model, result)
    return FlowReport(
        steps=steps,
        hidden=problem.hidden,
        gamma=gamma,
        spectrum=spec,
        verdict=verdict(gamma, spec.sigma_max, growth),
        log10_growth=growth,
        jac_spectral=norms["2"][0],
        jac_frobenius=norms["fro"][0],
        band_low=band_low,
        band_high=band_high,
        grad_steps=grad_steps,
        grad_total=total,
        grad_last=last,
        weight_terms=weight,
        loss=result.loss,
        overflow_step=result.overflow_step,
    )
