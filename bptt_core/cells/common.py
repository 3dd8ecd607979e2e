"""What the cell modules share: the params() accessor and stacked gate blocks."""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from ..initializers import recurrent_matrix


class Weights:
    """Mixin for the model dataclasses: params() in the order of param_names."""

    param_names: ClassVar[tuple[str, ...]]

    def params(self) -> dict[str, np.ndarray]:
        return {name: getattr(self, name) for name in self.param_names}


def gate_slice(gates: tuple[str, ...], name: str, hidden_size: int) -> slice:
    """Rows of a stacked (len(gates) * H, .) array that belong to gate name."""
    k = gates.index(name)
    return slice(k * hidden_size, (k + 1) * hidden_size)


def stacked_recurrent(init: str, rng: np.random.Generator, hidden_size: int, rho: float, count: int) -> np.ndarray:
    """W_h: (count * H, H), one H x H block per gate, each with max|eig| = rho."""
    return np.concatenate([recurrent_matrix(init, rng, hidden_size, rho) for _ in range(count)])
