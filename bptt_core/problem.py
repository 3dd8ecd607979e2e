"""The shared problem description: one frozen Problem builds the sequence and the models of every view.

Every view of the app looks at the same network on the same sequence; a notebook reproduces
a view with the same few scalars:

    p = Problem(steps=200, hidden=32, rho=0.9)
    model, result = p.run()            # the vanilla RNN, forward + BPTT
    lstm, lstm_result = p.run("lstm", forget_bias=1.0)

Problem is frozen and made of scalars, so it is also the cache key of the app's computations.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from .bptt import BPTTResult, bptt
from .cells.gru import init_gru
from .cells.lstm import init_lstm
from .cells.rnn import init_rnn

INPUT_SIZE = 8  # D of the views' sequences
OUTPUT_SIZE = 8  # K of the views' read-out


@dataclass(frozen=True)
class Problem:
    """A sequence of T random inputs and targets and the recurrent weights drawn for it.

    rho: spectral radius of W_h (every gate block for gated cells); activation: the vanilla
    RNN's f (gated cells have fixed sigmoid/tanh); init: name in INITIALIZERS; input_scale:
    x_t ~ input_scale * N(0, I_D); loss: "cross_entropy" or "mse"; loss_steps: "all" or "last".
    """

    steps: int = 100
    hidden: int = 32
    rho: float = 0.9
    activation: str = "tanh"
    init: str = "gaussian"
    input_scale: float = 1.0
    seed: int = 0
    loss: str = "cross_entropy"
    loss_steps: str = "all"

    def with_steps(self, steps: int) -> Problem:
        return replace(self, steps=int(steps))

    def sequence(self) -> tuple[np.ndarray, np.ndarray]:
        """xs: (1, T, D) and targets: int (1, T) for cross-entropy or float (1, T, K) for MSE.

        Separate generators for inputs and targets keep every prefix of the sequence the same
        when T changes.
        """
        xs = self.input_scale * np.random.default_rng([self.seed, 1]).standard_normal((1, self.steps, INPUT_SIZE))
        target_rng = np.random.default_rng([self.seed, 2])
        if self.loss == "cross_entropy":
            return xs, target_rng.integers(0, OUTPUT_SIZE, size=(1, self.steps))
        return xs, target_rng.standard_normal((1, self.steps, OUTPUT_SIZE))

    def model(self, cell: str = "rnn", *, forget_bias: float = 1.0, update_bias: float = 0.0):
        """The cell's weights for this problem (same seed and rho for every cell)."""
        common = dict(spectral_radius=self.rho, init=self.init, seed=self.seed)
        if cell == "rnn":
            return init_rnn(INPUT_SIZE, self.hidden, OUTPUT_SIZE, activation=self.activation, **common)
        if cell == "lstm":
            return init_lstm(INPUT_SIZE, self.hidden, OUTPUT_SIZE, forget_bias=forget_bias, **common)
        if cell == "gru":
            return init_gru(INPUT_SIZE, self.hidden, OUTPUT_SIZE, update_bias=update_bias, **common)
        raise ValueError(f"unknown cell {cell!r}; choose from rnn, lstm, gru")

    def backprop(self, model, steps: int | None = None, **bptt_kwargs) -> BPTTResult:
        """bptt() of model on the first `steps` steps of the sequence (all T by default)."""
        xs, targets = self.sequence()
        used = self.steps if steps is None else steps
        return bptt(model, xs[:, :used], targets[:, :used], loss=self.loss, loss_steps=self.loss_steps, **bptt_kwargs)

    def run(self, cell: str = "rnn", **gate_biases) -> tuple[object, BPTTResult]:
        """(model, bptt result) of one cell on the whole sequence."""
        model = self.model(cell, **gate_biases)
        return model, self.backprop(model)

    def defined_prefix(self, model, result: BPTTResult) -> BPTTResult | None:
        """result itself, or the BPTT of steps 1..s-1 where s is the first step that left float64 (None if s = 1).

        s is the forward overflow step, or an earlier step whose output o_t or read-out gradient
        W_y^T dL/do_t is not finite (with MSE, o_t can overflow a step before h_t does). Past s,
        loss and gradients are inf/NaN by arithmetic; the prefix's gradient is exactly that of the
        loss restricted to the steps before it.
        """
        first = first_undefined_step(result)
        if first is None:
            return result
        prefix = first - 1
        return None if prefix == 0 else self.backprop(model, prefix)


def first_undefined_step(result: BPTTResult) -> int | None:
    """The first step t (1-based) whose h_t, o_t or W_y^T dL/do_t left float64, or None."""
    with np.errstate(invalid="ignore"):
        bad = ~(np.isfinite(result.outputs).all(axis=(0, 2)) & np.isfinite(result.dout_direct).all(axis=(0, 2)))
    steps = [int(np.argmax(bad)) + 1] if bad.any() else []
    if result.overflow_step is not None:
        steps.append(result.overflow_step)
    return min(steps) if steps else None
