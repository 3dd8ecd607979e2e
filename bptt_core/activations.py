"""Activation registry: f, f' and gamma = sup |f'| (the Pascanu bound's factor).

f' is computed from the cached pre-activation a and output h = f(a), so the
backward pass never re-evaluates an exponential it already has.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

LEAKY_SLOPE = 0.01


@dataclass(frozen=True)
class Activation:
    name: str
    f: Callable[[np.ndarray], np.ndarray]
    # df(a, h) -> f'(a), given h = f(a) from the forward pass.
    df: Callable[[np.ndarray, np.ndarray], np.ndarray]
    gamma: float
    # f(c a) = c f(a) for c > 0: the forward pass can be renormalised when h overflows.
    homogeneous: bool


def _sigmoid(a: np.ndarray) -> np.ndarray:
    # Two branches so that exp never overflows.
    e = np.exp(-np.abs(a))
    return np.where(a >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


ACTIVATIONS: dict[str, Activation] = {
    "tanh": Activation("tanh", np.tanh, lambda a, h: 1.0 - h * h, 1.0, False),
    "sigmoid": Activation("sigmoid", _sigmoid, lambda a, h: h * (1.0 - h), 0.25, False),
    "relu": Activation("relu", lambda a: np.maximum(a, 0.0), lambda a, h: (a > 0).astype(a.dtype), 1.0, True),
    "leaky_relu": Activation(
        "leaky_relu",
        lambda a: np.where(a > 0, a, LEAKY_SLOPE * a),
        lambda a, h: np.where(a > 0, 1.0, LEAKY_SLOPE),
        1.0,
        True,
    ),
    "linear": Activation("linear", lambda a: a.copy(), lambda a, h: np.ones_like(a), 1.0, True),
}


def get_activation(name: str) -> Activation:
    try:
        return ACTIVATIONS[name]
    except KeyError:
        raise ValueError(f"unknown activation {name!r}; choose from {sorted(ACTIVATIONS)}") from None
