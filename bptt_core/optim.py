"""Optimisers: small explicit classes, each updating a parameter dict in place.

Every optimiser is built as OPTIMIZERS[name](lr=..., **options) and used as
opt.step(params, grads), where params and grads are dicts {name: array} with matching keys and
shapes (params: the model's own arrays, from model.params(), so the model changes in place).
State (momentum buffers, moment estimates) is kept per parameter name and starts at zero.
The update rules match torch.optim.SGD(momentum=mu) and torch.optim.Adam (docs/training.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


def _check_lr(lr: float) -> None:
    if not (np.isfinite(lr) and lr > 0):
        raise ValueError(f"the learning rate must be a positive finite number, not {lr!r}")


@dataclass
class SGDMomentum:
    """SGD with heavy-ball momentum: v <- mu v + g;  p <- p - lr v  (v starts at 0).

    With mu = 0 this is plain SGD. This is torch.optim.SGD's form; Sutskever et al. 2013 write
    v <- mu v - lr g, p <- p + v, the same iterates for a constant lr.
    """

    lr: float = 0.01
    momentum: float = 0.9
    velocity: dict[str, np.ndarray] = field(default_factory=dict)

    def __post_init__(self) -> None:
        _check_lr(self.lr)
        if not 0.0 <= self.momentum < 1.0:
            raise ValueError(f"momentum must be in [0, 1), not {self.momentum!r}")

    def step(self, params: dict[str, np.ndarray], grads: dict[str, np.ndarray]) -> None:
        """Update every params[name] in place from grads[name] (same shapes)."""
        for name, p in params.items():
            g = grads[name]
            v = self.velocity.get(name)
            if v is None:
                v = self.velocity[name] = np.zeros_like(p)
            v *= self.momentum
            v += g  # v_t = mu v_{t-1} + g_t
            p -= self.lr * v  # p_t = p_{t-1} - lr v_t


@dataclass
class Adam:
    """Adam (Kingma & Ba 2015) with bias correction, eps outside the square root (as torch):

    m <- b1 m + (1 - b1) g;   v <- b2 v + (1 - b2) g^2;
    p <- p - lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps),   t = 1, 2, ...
    """

    lr: float = 1e-3
    beta1: float = 0.9
    beta2: float = 0.999
    eps: float = 1e-8
    t: int = 0
    m: dict[str, np.ndarray] = field(default_factory=dict)
    v: dict[str, np.ndarray] = field(default_factory=dict)

    def __post_init__(self) -> None:
        _check_lr(self.lr)
        if not (0.0 <= self.beta1 < 1.0 and 0.0 <= self.beta2 < 1.0 and self.eps > 0):
            raise ValueError("Adam needs 0 <= beta1, beta2 < 1 and eps > 0")

    def step(self, params: dict[str, np.ndarray], grads: dict[str, np.ndarray]) -> None:
        """Update every params[name] in place from grads[name] (same shapes)."""
        self.t += 1
        correction1 = 1.0 - self.beta1**self.t
        correction2 = 1.0 - self.beta2**self.t
        for name, p in params.items():
            g = grads[name]
            if name not in self.m:
                self.m[name] = np.zeros_like(p)
                self.v[name] = np.zeros_like(p)
            m, v = self.m[name], self.v[name]
            m *= self.beta1
            m += (1.0 - self.beta1) * g  # first moment
            v *= self.beta2
            v += (1.0 - self.beta2) * (g * g)  # second moment
            p -= self.lr * (m / correction1) / (np.sqrt(v / correction2) + self.eps)


Optimizer = SGDMomentum | Adam

OPTIMIZERS: dict[str, type[SGDMomentum] | type[Adam]] = {"sgd": SGDMomentum, "adam": Adam}


def make_optimizer(name: str, lr: float, **options: float) -> Optimizer:
    """OPTIMIZERS[name](lr=lr, **options); ValueError on an unknown name."""
    if name not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {name!r}; choose from {sorted(OPTIMIZERS)}")
    return OPTIMIZERS[name](lr=float(lr), **options)
