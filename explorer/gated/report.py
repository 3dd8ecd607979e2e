"""Everything the gated-cells view shows, computed from one Problem (NumPy only).

One input sequence (Problem.sequence) through a vanilla RNN, an LSTM and a GRU of the same
hidden size; every curve in log10. Usable from a notebook:
gated_flow(bptt_core.Problem(steps=200, hidden=16, rho=0.9), forget_bias=3.0).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from bptt_core import Problem, cell_path_log10_norms, jacobian_log10_norms, log10_gate_products, log10_gradient_norms
from bptt_core.numerics import log10_row_norms

CELL_NAMES = ("rnn", "lstm", "gru")
GATED = ("lstm", "gru")  # the cells with a memory gate: LSTM f_t, GRU z_t


@dataclass
class GatedReport:
    """Log10 curves for one sequence (N = 1); t runs 1..T, distance T - t runs 0..T.

    Dicts are keyed by cell name ("rnn", "lstm", "gru"; gate entries by "lstm", "gru").
    """

    steps: int
    hidden: int
    grad_last: dict[str, np.ndarray]  # (G,) log10 ||dL_G/dh_t||, t = 1..G; G = grad_steps[cell]
    grad_steps: dict[str, int]  # T, or for an RNN whose forward pass overflowed, overflow_step - 1
    jac_spectral: dict[str, np.ndarray]  # (T+1,) log10 ||ds_T/ds_t||_2, index t (LSTM: 2H x 2H)
    gate_max: dict[str, np.ndarray]  # (T+1,) log10 max_i prod_{s=t+1..T} gate_{s,i}, index t
    gate_mean: dict[str, np.ndarray]  # (T+1,) log10 mean_i prod_{s=t+1..T} gate_{s,i}, index t
    gate_average: dict[str, float]  # mean of the gate value (f_t or z_t) over steps and units
    cell_path: np.ndarray  # (T+1,) log10 ||dc_T/dc_t||_2 of the LSTM's direct c -> c path, index t
    lstm_exit: float  # mean_i o_T,i tanh'(c_T,i): the gate the gradient passes to enter c at T
    loss: dict[str, float]
    rnn_overflow_step: int | None
    # log10 of the factor dL/do was divided by before the backward pass, per cell: 0.0 unless the
    # loss itself left float64 while the states stayed finite (squared error of huge outputs).
    grad_rescale: dict[str, float]
    # log10 of the largest output norm of each cell whose loss left float64 while its states stayed
    # finite (the squared error of huge outputs), else None: its loss reads as inf, its gradient is drawn.
    loss_overflow: dict[str, float | None]

    def missing(self, cell: str) -> bool:
        """True when the cell's gradient curve has no finite point to draw."""
        return not np.any(np.isfinite(self.grad_last[cell]))


def gated_models(problem: Problem, forget_bias: float, update_bias: float) -> dict:
    """The three models of the gated-cells comparison, keyed "rnn", "lstm", "gru"."""
    biases = dict(forget_bias=forget_bias, update_bias=update_bias)
    return {cell: problem.model(cell, **biases) for cell in CELL_NAMES}


def _last_loss_gradient(problem: Problem, model, result) -> tuple[np.ndarray, float]:
    """(G,) log10 ||dL_G/dh_t|| and the log10 rescale used (0.0 if none).

    After a forward overflow (RNN only) the curve covers the defined prefix. When the loss itself
    overflows while the states stay finite (the squared error of outputs above ~1e154), the
    backward pass is still defined: it is linear in dL/do, so dL/do is divided by its largest
    entry, propagated, and the log10 shifted back (docs/maths.md, "Numbers that leave float64").
    """
    result = problem.defined_prefix(model, result)
    if result is None:
        return np.empty(0), 0.0
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        curve = log10_gradient_norms(model, result)["last"][0]
    if np.all(np.isfinite(curve)):
        return curve, 0.0
    largest = float(np.max(np.abs(result.dout_direct))) if result.dout_direct.size else 0.0
    if not (math.isfinite(largest) and largest > 0):
        return curve, 0.0
    shift = math.log10(largest)
    scaled = replace(result, dout_direct=result.dout_direct / largest, dh=result.dh / largest)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        curve = log10_gradient_norms(model, scaled)["last"][0] + shift
    return curve, shift


def _loss_overflow(result) -> float | None:
    """log10 of the largest output norm when the loss is not finite but the forward pass is, else None."""
    if math.isfinite(result.loss) or result.overflow_step is not None:
        return None
    return float(np.max(log10_row_norms(result.outputs)))


def _lstm_exit(result) -> float:
    """mean over units of o_T * tanh'(c_T) = o_T (1 - tanh^2 c_T): dh_T/dc_T, diagonal."""
    cache = result.cache
    hidden = cache.tanh_c.shape[-1]
    o_last = cache.gates[0, -1, 3 * hidden :]  # gate order (i, f, g, o)
    return float(np.mean(o_last * (1.0 - cache.tanh_c[0, -1] ** 2)))


def gated_flow(problem: Problem, forget_bias: float = 1.0, update_bias: float = 0.0) -> GatedReport:
    """Run the three cells on the same sequence and collect every curve in log10.

    problem.activation applies to the vanilla RNN only (the gated cells have fixed sigmoid/tanh).
    """
    models = gated_models(problem, forget_bias, update_bias)
    steps = problem.steps
    grad_last, jac, losses, results, rescale = {}, {}, {}, {}, {}
    for name, model in models.items():
        result = problem.backprop(model)
        results[name] = result
        grad_last[name], rescale[name] = _last_loss_gradient(problem, model, result)
        with np.errstate(invalid="ignore", over="ignore"):  # an overflowed RNN: non-finite entries, dropped later
            jac[name] = jacobian_log10_norms(model, result, ord=2)[0]
        losses[name] = float(result.loss)
    products = {name: log10_gate_products(models[name], results[name]) for name in GATED}
    return GatedReport(
        steps=steps,
        hidden=problem.hidden,
        grad_last=grad_last,
        grad_steps={name: curve.shape[0] for name, curve in grad_last.items()},
        jac_spectral=jac,
        gate_max={name: p["max"][0] for name, p in products.items()},
        gate_mean={name: p["mean"][0] for name, p in products.items()},
        gate_average={name: float(np.mean(10.0 ** p["step"][0])) for name, p in products.items()},
        cell_path=cell_path_log10_norms(models["lstm"], results["lstm"])[0],
        lstm_exit=_lstm_exit(results["lstm"]),
        loss=losses,
        rnn_overflow_step=results["rnn"].overflow_step,
        grad_rescale=rescale,
        loss_overflow={name: _loss_overflow(result) for name, result in results.items()},
    )


def exact_zero_distance(values: np.ndarray, last: int) -> int | None:
    """Smallest distance last - t at which a log10 curve is -inf (an exact zero), else None.

    values: (M,) log10 values at t = last - M + 1 .. last (a gradient curve t = 1..T, or a
    Jacobian curve t = 0..T). An exact zero, not an underflow: the curves are log-domain.
    """
    values = np.asarray(values, dtype=float)
    distances = last - np.arange(last - values.size + 1, last + 1)
    zero = values == -np.inf
    return int(distances[zero].min()) if np.any(zero) else None


def first_step(curve: np.ndarray) -> float:
    """log10 value at t = 1 (the farthest step back), NaN for an empty curve."""
    return float(curve[0]) if curve.size else math.nan
