"""Running products of the gates that carry memory, in the log domain.

LSTM: the direct cell path dc_T/dc_t = diag(f_T ... f_{t+1}) (element-wise product of the
forget gates). GRU: the direct copy path of dh_T/dh_t is diag(z_T ... z_{t+1}) (update gates).
Products of thousands of gates leave float64 (docs/maths.md, "Numbers that leave float64"), so every log10 gate value is
computed from the gate pre-activation (log sigmoid(a) = min(a, 0) - log(1 + e^-|a|)),
which is finite for every finite a: even a gate that rounds to 0.0 in float64 keeps its
exact log.
"""

from __future__ import annotations

import numpy as np

_MEMORY_GATE = {
    "lstm": "f",
    "gru": "z",
}  # both are the second H-block of the pre-activations


def _log10_sigmoid(a: np.ndarray) -> np.ndarray:
    """log10 sigmoid(a), finite for every finite a."""
    return (np.minimum(a, 0.0) - np.log1p(np.exp(-np.abs(a)))) / np.log(10.0)


def _log10_mean_over_units(x: np.ndarray) -> np.ndarray:
    """log10 mean_i 10^x_i over the last axis, without leaving float64 (x finite)."""
    top = x.max(axis=-1)
    return top + np.log10(np.mean(10.0 ** (x - top[..., None]), axis=-1))


def log10_gate_products(model, result) -> dict:
    """Log10 running products of the memory gate (LSTM f_t, GRU z_t) over distance.

    Returns a dict:
    - "gate":     "f" (LSTM) or "z" (GRU);
    - "step":     (N, T, H) log10 of the gate at step t (index t - 1);
    - "per_unit": (N, T+1, H) entry t = log10 prod_{s=t+1..T} gate_s per unit (entry T = 0);
    - "max":      (N, T+1) log10 of the largest product over units;
    - "mean":     (N, T+1) log10 of the mean product over units.
    Raises ValueError for a cell without a memory gate (the vanilla RNN).
    """
    gate = _MEMORY_GATE.get(model.cell)
    if gate is None:
        raise ValueError(f"cell {model.cell!r} has no memory gate; expected one of {sorted(_MEMORY_GATE)}")
    hidden = model.hidden_size
    step = _log10_sigmoid(result.a[..., hidden : 2 * hidden])  # (N, T, H)
    n, steps, _ = step.shape
    per_unit = np.zeros((n, steps + 1, hidden))
    # entry t = sum of log10 gate_s for s = t+1..T: a reversed cumulative sum
    per_unit[:, :steps] = np.cumsum(step[:, ::-1], axis=1)[:, ::-1]
    return {
        "gate": gate,
        "step": step,
        "per_unit": per_unit,
        "max": per_unit.max(axis=-1),
        "mean": _log10_mean_over_units(per_unit),
    }


def cell_path_log10_norms(model, result) -> np.ndarray:
    """LSTM only: log10 ||dc_T/dc_t|| along the direct c -> c path, (N, T+1).

    That block is diag(prod_{s=t+1..T} f_s), whose spectral norm is the largest
    product over units: log10 max_i prod f_{s,i}. Entry T is 0 (the identity).
    """
    if model.cell != "lstm":
        raise ValueError(f"the cell path exists in the LSTM only, not in {model.cell!r}")
    return log10_gate_products(model, result)["max"]
