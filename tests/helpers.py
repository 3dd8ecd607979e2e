"""Shared test helpers: random problems and centred finite differences."""

from __future__ import annotations

import numpy as np

import bptt_core as bc


def problem(n: int, steps: int, d: int, k: int, loss: str, seed: int = 0):
    """Random inputs (N, T, D) and targets for the named loss."""
    rng = np.random.default_rng(seed)
    xs = rng.standard_normal((n, steps, d))
    if loss == "cross_entropy":
        return xs, rng.integers(0, k, size=(n, steps))
    return xs, rng.standard_normal((n, steps, k))


def numeric_grads(model, xs, targets, eps: float = 1e-6, **kwargs) -> dict[str, np.ndarray]:
    """Centred finite differences of bptt(...).loss for every parameter."""
    grads = {}
    for name, w in model.params().items():
        g = np.zeros_like(w)
        for idx in np.ndindex(w.shape):
            old = w[idx]
            w[idx] = old + eps
            up = bc.bptt(model, xs, targets, **kwargs).loss
            w[idx] = old - eps
            down = bc.bptt(model, xs, targets, **kwargs).loss
            w[idx] = old
            g[idx] = (up - down) / (2 * eps)
        grads[name] = g
    return grads


def rel_error(a: np.ndarray, b: np.ndarray) -> float:
    """max |a - b| / max(|a| + |b|) over the array (0 when both vanish)."""
    scale = np.max(np.abs(a) + np.abs(b))
    return 0.0 if scale == 0 else float(np.max(np.abs(a - b)) / scale)
