"""One BPTT entry point for every cell: forward, read-out, loss, backward."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from . import losses
from .cells import cell_module
from .truncation import Truncation, truncated_backward


@dataclass
class BPTTResult:
    """Everything a view needs from one forward + backward pass."""

    loss: float  # sum over loss steps (weighted by the loss mask), mean over the batch
    grads: dict[str, np.ndarray]  # keyed like model.params(), same shapes
    dh: np.ndarray  # (N, T, H) total dL/dh_t
    hs: np.ndarray  # (N, T+1, H) h_0 .. h_T
    a: np.ndarray  # (N, T, H) pre-activations (gated cells: their gate pre-activations)
    outputs: np.ndarray  # (N, T, K) o_t
    dout_direct: np.ndarray  # (N, T, H) W_y^T dL/do_t, the read-out's own share of dL/dh_t
    cache: Any  # the cell's forward cache
    overflow_step: int | None  # first t whose h_t left float64, else None
    truncation: Truncation | None = None  # the truncation the cell gradients (and dh) follow; None = full


def bptt(
    model,
    xs: np.ndarray,
    targets: np.ndarray,
    *,
    loss: str = "cross_entropy",
    loss_steps: str | np.ndarray = "all",
    h0: np.ndarray | None = None,
    truncation: Truncation | None = None,
) -> BPTTResult:
    """Exact gradient of L for any cell.

    xs: (N, T, D); targets: int (N, T) for cross-entropy or float (N, T, K) for MSE;
    loss_steps: "all", "last" or an explicit float mask (T,) weighting each step's loss term
    (0 = no loss at that step); see losses.loss_mask.
    h0: (N, S) initial state or None (zeros). See losses.py for the exact loss.
    truncation: None (the full gradient) or Chunked / TBPTT / Randomized from truncation.py;
    it changes the cell-parameter gradients and dh only (read-out gradients stay exact).
    """
    cell = cell_module(model)
    out, cache = cell.forward(model, xs, h0)  # out: (N, T, H)
    # Past an overflow (result.overflow_step) the values below are inf/NaN by
    # arithmetic, not by accident: the views read overflow_step and show what stays defined.
    with np.errstate(over="ignore", invalid="ignore"):
        o = out @ model.W_y.T + model.b_y  # o_t = W_y h_t + b_y
        value, do = losses.evaluate(loss, o, targets, losses.loss_mask(xs.shape[1], loss_steps))
        dout = do @ model.W_y  # W_y^T dL/do_t
        if truncation is None:
            grads, dh = cell.backward(dout, cache)
        else:
            grads, dh = truncated_backward(cell, dout, cache, truncation)
        k, h = do.shape[-1], out.shape[-1]
        grads["W_y"] = do.reshape(-1, k).T @ out.reshape(-1, h)  # dL/dW_y = sum_t dL/do_t h_t^T, one GEMM
        grads["b_y"] = do.sum(axis=(0, 1))  # dL/db_y = sum_t dL/do_t
    return BPTTResult(
        loss=value,
        grads={name: grads[name] for name in model.param_names},
        dh=dh,
        hs=cell.hidden_of(cache.states),  # h_0 .. h_T: a view of the states, no copy
        a=cache.a,
        outputs=o,
        dout_direct=dout,
        cache=cache,
        overflow_step=cache.overflow_step,
        truncation=truncation,
    )
