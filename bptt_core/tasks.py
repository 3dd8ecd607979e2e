"""Long-dependency tasks for the training lab: seeded generators, losses, exact chance levels.

Each task is a frozen dataclass in the registry TASKS; make_batch(name, steps, batch, rng) draws
a Batch. `steps` is the task's own T (the lag); the sequence length is task.sequence_length(T)
(T for adding and first_symbol, T + 20 for copy). The derivations of the chance levels and the
choices below are in docs/training.md ("Tasks").

Loss units. bptt() computes L = sum_t mask_t L_t with MSE L_t = 1/2 sum_k (o_tk - y_tk)^2 and
cross-entropy L_t = -log softmax(o_t)[y_t] (losses.py). A task's loss_mask carries the weights that
turn that L into the task's own units, so bptt's loss, the loss trained on and the loss reported
are one number:
- adding:        weight 2 at step T: 2 * 1/2 (o_T - y)^2 = plain squared error (chance 1/6);
- copy:          weight 1/(T+20) on the 10 answer steps: the per-step cross-entropy averaged over
                 all T + 20 steps, as in Arjovsky et al. 2016, with the blank steps counted as 0
                 (chance 10 ln 8 / (T + 20));
- first_symbol:  weight 1 at step T: the cross-entropy of the answer (chance ln K).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .rng import as_generator


@dataclass(frozen=True)
class Batch:
    """One batch of a task. Step t is stored at index t - 1 (so cue and answer indices are 0-based).

    inputs:       (N, L, D) float, L = task.sequence_length(T)
    targets:      (N, L) int (cross-entropy) or (N, L, K) float (MSE); only masked steps matter
    loss_mask:    (L,) float weights of each step's loss term (0 = no loss there), in task units
    cue_steps:    (N, C) int, indices of the steps holding the information to remember
                  (adding: the two marked steps, earliest first; copy: 0..9; first_symbol: 0)
    answer_steps: (A,) int, indices of the steps where the answer is read (loss_mask > 0)
    """

    inputs: np.ndarray
    targets: np.ndarray
    loss_mask: np.ndarray
    cue_steps: np.ndarray
    answer_steps: np.ndarray


@dataclass(frozen=True)
class AddingTask:
    """Adding problem in the form of Le, Jaitly & Hinton 2015.

    Input channel 0: values U(0, 1); channel 1: marker, 1 at exactly two steps, one drawn uniformly
    in the first half (indices 0 .. T//2 - 1) and one in the second half (T//2 .. T - 1).
    Target at step T: the sum of the two marked values. Loss: squared error at step T.
    """

    name: str = "adding"
    input_size: int = 2
    output_size: int = 1
    loss: str = "mse"
    min_steps: int = 2
    success_mse: float = 0.01

    def sequence_length(self, steps: int) -> int:
        return steps

    def chance(self, steps: int) -> float:
        """MSE of always answering E[U1 + U2] = 1: Var(U1 + U2) = 2 * 1/12 = 1/6, for every T."""
        return 1.0 / 6.0

    def succeeded(self, steps: int, test_loss: float, test_accuracy: float | None) -> bool:
        """Test MSE below 0.01 (Le et al. 2015 call a run solved below this)."""
        return bool(test_loss < self.success_mse)

    def generate(self, steps: int, batch: int, rng: np.random.Generator) -> Batch:
        half = steps // 2
        values = rng.uniform(0.0, 1.0, size=(batch, steps))
        first = rng.integers(0, half, size=batch)
        second = rng.integers(half, steps, size=batch)
        rows = np.arange(batch)
        markers = np.zeros((batch, steps))
        markers[rows, first] = 1.0
        markers[rows, second] = 1.0
        targets = np.zeros((batch, steps, 1))
        targets[:, -1, 0] = values[rows, first] + values[rows, second]
        mask = np.zeros(steps)
        mask[-1] = 2.0  # 2 * (1/2 squared error) = squared error: the task's MSE (module docstring)
        return Batch(
            inputs=np.stack([values, markers], axis=2),
            targets=targets,
            loss_mask=mask,
            cue_steps=np.stack([first, second], axis=1),
            answer_steps=np.array([steps - 1]),
        )


@dataclass(frozen=True)
class CopyTask:
    """Copy memory (Arjovsky, Shah & Bengio 2016), categories 0..9: 0..7 symbols, 8 blank, 9 delimiter.

    Input (one-hot, length T + 20): 10 symbols drawn uniformly from 0..7, T - 1 blanks, the
    delimiter, 10 blanks. Target: blank for T + 10 steps, then the 10 symbols in order.
    Loss: cross-entropy on the last 10 steps only (the blank outputs carry no memory), summed and
    divided by T + 20 (the paper's per-step average, the blank steps counted as 0).
    """

    name: str = "copy"
    input_size: int = 10
    output_size: int = 10
    loss: str = "cross_entropy"
    min_steps: int = 1
    symbols: int = 8
    length: int = 10  # how many symbols to remember
    blank: int = 8
    delimiter: int = 9
    success_fraction: float = 0.1  # success: test loss below this fraction of chance

    def sequence_length(self, steps: int) -> int:
        return steps + 2 * self.length

    def chance(self, steps: int) -> float:
        """Memoryless baseline: uniform over the 8 symbols on the 10 answer steps, exact on the blanks:
        10 ln 8 / (T + 20)."""
        return self.length * math.log(self.symbols) / self.sequence_length(steps)

    def succeeded(self, steps: int, test_loss: float, test_accuracy: float | None) -> bool:
        """Test loss below a tenth of the memoryless baseline."""
        return bool(test_loss < self.success_fraction * self.chance(steps))

    def generate(self, steps: int, batch: int, rng: np.random.Generator) -> Batch:
        length = self.sequence_length(steps)
        memory = rng.integers(0, self.symbols, size=(batch, self.length))
        tokens = np.full((batch, length), self.blank)
        tokens[:, : self.length] = memory
        tokens[:, steps + self.length - 1] = self.delimiter  # after T - 1 blanks
        targets = np.full((batch, length), self.blank)
        targets[:, -self.length :] = memory
        mask = np.zeros(length)
        mask[-self.length :] = 1.0 / length  # the paper's average over all T + 20 steps
        return Batch(
            inputs=_one_hot(tokens, self.input_size),
            targets=targets,
            loss_mask=mask,
            cue_steps=np.tile(np.arange(self.length), (batch, 1)),
            answer_steps=np.arange(length - self.length, length),
        )


@dataclass(frozen=True)
class FirstSymbolTask:
    """Remember the first symbol: one of K symbols (one-hot) at step 1, blanks at steps 2..T;
    classify the symbol at step T. Input size K + 1 (the last channel is the blank).
    Loss: cross-entropy at step T. The simplest "T - 1 steps back" dependency.
    """

    name: str = "first_symbol"
    input_size: int = 9
    output_size: int = 8
    loss: str = "cross_entropy"
    min_steps: int = 2
    symbols: int = 8
    success_accuracy: float = 0.95

    def sequence_length(self, steps: int) -> int:
        return steps

    def chance(self, steps: int) -> float:
        """Memoryless: the uniform answer over K symbols costs ln K."""
        return math.log(self.symbols)

    def succeeded(self, steps: int, test_loss: float, test_accuracy: float | None) -> bool:
        """Test accuracy above 95%."""
        return bool(test_accuracy is not None and test_accuracy > self.success_accuracy)

    def generate(self, steps: int, batch: int, rng: np.random.Generator) -> Batch:
        first = rng.integers(0, self.symbols, size=batch)
        tokens = np.full((batch, steps), self.symbols)  # index K is the blank channel
        tokens[:, 0] = first
        mask = np.zeros(steps)
        mask[-1] = 1.0
        return Batch(
            inputs=_one_hot(tokens, self.input_size),
            targets=np.repeat(first[:, None], steps, axis=1),  # only step T is scored
            loss_mask=mask,
            cue_steps=np.zeros((batch, 1), dtype=int),
            answer_steps=np.array([steps - 1]),
        )


Task = AddingTask | CopyTask | FirstSymbolTask

TASKS: dict[str, Task] = {task.name: task for task in (AddingTask(), CopyTask(), FirstSymbolTask())}


def get_task(name: str) -> Task:
    """The registered task called name (ValueError on an unknown name)."""
    if name not in TASKS:
        raise ValueError(f"unknown task {name!r}; choose from {sorted(TASKS)}")
    return TASKS[name]


def make_batch(task_name: str, steps: int, batch: int, rng: int | np.random.Generator) -> Batch:
    """A batch of `batch` sequences of the task with lag `steps` (its T), drawn from rng.

    Same rng state -> same batch. Returns Batch (shapes in its docstring).
    """
    task = get_task(task_name)
    steps, batch = int(steps), int(batch)
    if steps < task.min_steps:
        raise ValueError(f"task {task_name!r} needs steps >= {task.min_steps}, not {steps}")
    if batch < 1:
        raise ValueError(f"batch must be >= 1, not {batch}")
    return task.generate(steps, batch, as_generator(rng))


def _one_hot(tokens: np.ndarray, categories: int) -> np.ndarray:
    """(N, L) int -> (N, L, categories) float one-hot."""
    return (tokens[..., None] == np.arange(categories)).astype(float)
