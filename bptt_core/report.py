"""Everything the gradient-flow view shows, computed from a handful of scalars.

Usable from a notebook: gradient_flow(steps=200, hidden=32, rho=0.9).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .activations import get_activation
from .analysis import Spectrum, Verdict, fitted_log10_growth, spectrum, verdict
from .bptt import BPTTResult, bptt
from .cells.rnn import RNN, init_rnn
from .lognorms import jacobian_log10_norms_both, log10_gradient_norms, step_jacobian_log10_singular_range

INPUT_SIZE = 8
OUTPUT_SIZE = 8


def make_sequence(seed: int, steps: int, loss: str, input_scale: float) -> tuple[np.ndarray, np.ndarray]:
    """Inputs xs: (1, T, D) ~ input_scale * N(0, 1) and targets for the loss.

    Separate generators for inputs and targets keep every prefix of the sequence
    the same when T changes.
    """
    xs = input_scale * np.random.default_rng([seed, 1]).standard_normal((1, steps, INPUT_SIZE))
    target_rng = np.random.default_rng([seed, 2])
    if loss == "cross_entropy":
        return xs, target_rng.integers(0, OUTPUT_SIZE, size=(1, steps))
    return xs, target_rng.standard_normal((1, steps, OUTPUT_SIZE))


def view_problem(
    steps: int, hidden: int, rho: float, activation: str, init: str, input_scale: float, seed: int, loss: str
) -> tuple[RNN, np.ndarray, np.ndarray]:
    """The vanilla RNN and the sequence every view shows for these settings: (model, xs, targets)."""
    model = init_rnn(INPUT_SIZE, hidden, OUTPUT_SIZE, spectral_radius=rho, activation=activation, init=init, seed=seed)
    return (model, *make_sequence(seed, steps, loss, input_scale))


def defined_prefix(model, xs, targets, result: BPTTResult, *, loss: str, loss_steps: str) -> BPTTResult | None:
    """result itself, or after a forward overflow at step s the BPTT of steps 1..s-1 (None if s = 1).

    Past the overflow, loss and gradients are inf/NaN by arithmetic; the prefix's gradient is
    exactly that of the loss restricted to the steps before it.
    """
    if result.overflow_step is None:
        return result
    prefix = result.overflow_step - 1
    if prefix == 0:
        return None
    return bptt(model, xs[:, :prefix], targets[:, :prefix], loss=loss, loss_steps=loss_steps)


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


def _gradient_curves(model, xs, targets, result: BPTTResult, loss: str, loss_steps: str):
    """Per-step gradient curves; after a forward overflow, those of the defined prefix."""
    result = defined_prefix(model, xs, targets, result, loss=loss, loss_steps=loss_steps)
    if result is None:
        return 0, np.empty(0), np.empty(0), np.empty(0)
    logs = log10_gradient_norms(model, result)
    return result.dh.shape[1], logs["total"][0], logs["last"][0], logs["weight"][0]


def gradient_flow(
    steps: int = 100,
    hidden: int = 32,
    rho: float = 0.9,
    activation: str = "tanh",
    init: str = "gaussian",
    input_scale: float = 1.0,
    seed: int = 0,
    loss: str = "cross_entropy",
    loss_steps: str = "all",
    with_band: bool = True,
) -> FlowReport:
    """Run the forward pass and BPTT once and collect every curve in log10."""
    model, xs, targets = view_problem(steps, hidden, rho, activation, init, input_scale, seed, loss)
    result = bptt(model, xs, targets, loss=loss, loss_steps=loss_steps)
    norms = jacobian_log10_norms_both(model, result)
    spec = spectrum(model.W_h)
    gamma = get_activation(activation).gamma
    growth = fitted_log10_growth(norms["2"][0])
    if with_band:
        lo, hi = step_jacobian_log10_singular_range(model, result)
        band_low, band_high = _suffix_sums(lo[0]), _suffix_sums(hi[0])
    else:
        band_low = band_high = np.full(steps + 1, np.nan)
    grad_steps, total, last, weight = _gradient_curves(model, xs, targets, result, loss, loss_steps)
    return FlowReport(
        steps=steps,
        hidden=hidden,
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
