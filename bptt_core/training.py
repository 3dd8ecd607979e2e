"""Training loop for the long-dependency lab: bptt() + global-norm clipping + an optimiser.

train(model, task_name, steps=T, iterations=...) trains a model from init_rnn / init_lstm /
init_gru (with the task's input and output sizes) in place and returns a TrainingRun with the
loss and gradient-norm curves, the held-out test curve, and snapshots of how far back the
gradient of the answer's loss reaches (log10 ||dL/dh_t|| over t). Design notes, units and the
measured reproductions: docs/training.md.

Randomness: one int seed is split (np.random.SeedSequence.spawn) into a stream for the training
batches and a separate stream for the fixed held-out test batch, so the same seed gives the same
arrays, and the test set never overlaps the training stream. The model's own initialisation is
the caller's (init_* take their own seed).

The work of one run is bounded in ONE place: MAX_RUN_COST and run_cost() below.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .bptt import BPTTResult, bptt
from .cells import cell_module
from .clipping import clip_global_norm, no_clip
from .lognorms import log10_gradient_norms
from .optim import make_optimizer
from .tasks import Batch, get_task, make_batch

TEST_SIZE = 256  # sequences in the fixed held-out test batch
PROFILE_SIZE = 16  # of those, how many the log10 ||dL/dh_t|| snapshots average over

# Work budget of one run, in multiply-adds (run_cost below): the one place the page reads to refuse or
# flag an oversize link. Measured: 1.3 to 1.4e9 multiply-adds per second of one core (LSTM, GRU, RNN
# at N = 32, T = 100, H = 32, a whole training iteration), so 2e11 is about 2.5 minutes of one core.
# It holds the reproductions: LSTM H = 32 on adding T = 100 for 3000 iterations (1.6e11), GRU H = 64
# on copy T = 50 for 1500 iterations (1.7e11) (docs/training.md, "Budget").
MAX_RUN_COST = 2.0e11

_GATES = {"rnn": 1, "gru": 3, "lstm": 4}  # H x (H + D) blocks per step


def data_streams(seed: int) -> tuple[np.random.Generator, np.random.Generator]:
    """(training stream, test stream): two independent generators spawned from one int seed."""
    train_seq, test_seq = np.random.SeedSequence(int(seed)).spawn(2)
    return np.random.default_rng(train_seq), np.random.default_rng(test_seq)


class StopTraining(Exception):
    """Raise from a callback to stop training early; train() returns the run cut to the iterations done."""


def run_cost(
    cell: str,
    steps: int,
    hidden: int,
    batch: int,
    iterations: int,
    *,
    task: str = "adding",
    eval_every: int = 50,
) -> float:
    """Multiply-adds of one run ("flops-ish" units), to compare with MAX_RUN_COST.

    Per sequence and step the cell does gates * H * (H + D + 1) multiply-adds forward (its
    matrix products) plus the read-out K * H; backward costs about twice the forward. Training
    does that for batch * L * iterations sequence-steps (L = the task's sequence length), the
    test evaluations for TEST_SIZE + 3 * PROFILE_SIZE sequences about every eval_every iterations.
    """
    if cell not in _GATES:
        raise ValueError(f"unknown cell {cell!r}; choose from {sorted(_GATES)}")
    spec = get_task(task)
    length = spec.sequence_length(int(steps))
    per_step = _GATES[cell] * hidden * (hidden + spec.input_size + 1) + spec.output_size * hidden
    evaluations = iterations // max(int(eval_every), 1) + 2
    sequences = batch * iterations + evaluations * (TEST_SIZE + 3 * PROFILE_SIZE)
    return float(3.0 * per_step * length * sequences)


@dataclass
class TrainingRun:
    """What one training run recorded. Arrays indexed by iteration store iteration i at index i - 1.

    losses:           (I,) training loss of each iteration's batch, in the task's units
    grad_norms:       (I,) global gradient norm before clipping
    clipped_norms:    (I,) after clipping (equal to grad_norms without clipping)
    test_iterations:  (E,) int, iterations after which the test batch was evaluated (0 = at start)
    test_losses:      (E,) test loss at those iterations; test_accuracies (E,) or None
    profile_iterations: (S,) int, iterations of the gradient snapshots (the test iterations)
    profiles:         (S, L) mean over PROFILE_SIZE test sequences of log10 ||dL/dh_t|| for the loss
                      at the answer step(s), per sequence (the batch mean's 1/N undone)
    cue_profile:      (S,) the same at each sequence's earliest cue step (mean of log10)
    I = iterations done (fewer than planned if stopped or diverged), L = sequence length.
    While training (inside a callback) the arrays are views of growing buffers: copy to keep.
    """

    task: str
    cell: str
    steps: int  # the task's T
    sequence_length: int  # L
    seed: int
    iterations_planned: int
    chance: float
    losses: np.ndarray
    grad_norms: np.ndarray
    clipped_norms: np.ndarray
    test_iterations: np.ndarray
    test_losses: np.ndarray
    test_accuracies: np.ndarray | None
    profile_iterations: np.ndarray
    profiles: np.ndarray
    cue_profile: np.ndarray
    test_loss: float = math.nan  # final (at the last test iteration, always the last iteration done)
    test_accuracy: float | None = None  # classification tasks only
    success: bool = False
    iterations_done: int = 0
    finished: bool = False  # True once train() has returned
    stopped_early: bool = False  # a callback asked to stop
    diverged: bool = False  # the loss or gradient left float64: stopped before using it
    seconds: float = 0.0  # wall time (the only field that differs between identical runs)
    settings: dict = field(default_factory=dict)


def evaluate_batch(model, task_name: str, batch: Batch) -> tuple[float, float | None, BPTTResult]:
    """Loss (task units) and accuracy (classification tasks, else None) of model on a batch.

    Accuracy: share of (sequence, answer step) pairs whose arg-max output is the target.
    """
    task = get_task(task_name)
    result = bptt(model, batch.inputs, batch.targets, loss=task.loss, loss_steps=batch.loss_mask)
    accuracy = None
    if task.loss == "cross_entropy":
        answers = batch.answer_steps
        picked = result.outputs[:, answers].argmax(axis=-1)  # (N, A)
        accuracy = float(np.mean(picked == batch.targets[:, answers]))
    return result.loss, accuracy, result


def answer_gradient_profile(model, task_name: str, batch: Batch) -> tuple[np.ndarray, float]:
    """log10 ||dL/dh_t|| for the loss on the answer step(s), mean over the batch's sequences.

    batch: a Batch of n sequences. Returns (profile (L,), value at the earliest cue step).
    Each sequence's gradient is that of its own loss (the batch mean's 1/n is undone: + log10 n).
    Computed in the log domain (lognorms.log10_gradient_norms); a true zero is -inf.
    """
    task = get_task(task_name)
    result = bptt(model, batch.inputs, batch.targets, loss=task.loss, loss_steps=batch.loss_mask)
    n = batch.inputs.shape[0]
    with np.errstate(invalid="ignore"):  # -inf + finite stays -inf; nothing else can be NaN here
        logs = log10_gradient_norms(model, result)["total"] + math.log10(n)  # (n, L)
        cue = logs[np.arange(n), batch.cue_steps.min(axis=1)]
        return logs.mean(axis=0), float(cue.mean())


def _subset(batch: Batch, count: int) -> Batch:
    return Batch(
        batch.inputs[:count], batch.targets[:count], batch.loss_mask, batch.cue_steps[:count], batch.answer_steps
    )


def _check_model(model, task) -> None:
    sizes = (model.W_x.shape[1], model.W_y.shape[0])
    if sizes != (task.input_size, task.output_size):
        raise ValueError(
            f"task {task.name!r} needs a model with input size {task.input_size} and output size "
            f"{task.output_size}, not {sizes[0]} and {sizes[1]}"
        )


class _Recorder:
    """Growing buffers behind a TrainingRun; publish() points the run's arrays at the filled part."""

    def __init__(self, run: TrainingRun, iterations: int, classify: bool):
        self.run = run
        self.curves = np.full((3, iterations), np.nan)  # losses, grad_norms, clipped_norms
        self.test_iterations: list[int] = []
        self.test_losses: list[float] = []
        self.test_accuracies: list[float] | None = [] if classify else None
        self.profiles: list[np.ndarray] = []
        self.cue: list[float] = []

    def record_step(self, i: int, loss: float, before: float, after: float) -> None:
        self.curves[:, i - 1] = (loss, before, after)
        self.run.iterations_done = i

    def record_test(self, i: int, loss: float, accuracy: float | None, profile: np.ndarray, cue: float) -> None:
        self.test_iterations.append(i)
        self.test_losses.append(loss)
        if self.test_accuracies is not None:
            self.test_accuracies.append(float(accuracy))
        self.profiles.append(profile)
        self.cue.append(cue)

    def publish(self, copy: bool = False) -> TrainingRun:
        run, n = self.run, self.run.iterations_done
        curves = self.curves[:, :n].copy() if copy else self.curves[:, :n]
        run.losses, run.grad_norms, run.clipped_norms = curves
        run.test_iterations = np.array(self.test_iterations, dtype=int)
        run.test_losses = np.array(self.test_losses)
        run.test_accuracies = None if self.test_accuracies is None else np.array(self.test_accuracies)
        run.profile_iterations = run.test_iterations.copy()
        run.profiles = np.array(self.profiles).reshape(len(self.profiles), run.sequence_length)
        run.cue_profile = np.array(self.cue)
        if self.test_losses:
            run.test_loss = self.test_losses[-1]
            run.test_accuracy = None if self.test_accuracies is None else self.test_accuracies[-1]
        return run


def train(
    model,
    task_name: str,
    *,
    steps: int,
    iterations: int,
    batch: int = 32,
    optimizer: str = "adam",
    lr: float = 1e-2,
    clip: float | None = None,
    seed: int = 0,
    eval_every: int = 50,
    callback: Callable[[int, TrainingRun], bool | None] | None = None,
    momentum: float = 0.9,
) -> TrainingRun:
    """Train model in place on task_name with lag T = steps; returns the TrainingRun.

    Each iteration: a fresh batch of `batch` sequences, bptt() with the task's loss mask, global-
    norm clipping at `clip` (clipping.clip_global_norm; None = no clipping), one optimiser step
    (optim.OPTIMIZERS[optimizer]; momentum is used by "sgd" only). The test batch (TEST_SIZE
    sequences, its own random stream) is evaluated at iteration 0, every eval_every iterations and
    after the last iteration done, together with a gradient-profile snapshot.

    callback(i, run) runs after iteration i (1..iterations) with the run's arrays cut to i; it
    may return False or raise StopTraining to stop: the model keeps its last update, a final
    test evaluation is added, and the run is returned consistent (run.stopped_early = True).
    If a loss or gradient leaves float64 the iteration is dropped, no update is made and training
    stops (run.diverged = True). Same arguments and the same model -> identical arrays.
    """
    task = get_task(task_name)
    _check_model(model, task)
    steps, iterations, batch, eval_every = int(steps), int(iterations), int(batch), int(eval_every)
    if iterations < 0 or batch < 1 or eval_every < 1:
        raise ValueError("need iterations >= 0, batch >= 1 and eval_every >= 1")
    if clip is not None and not (math.isfinite(clip) and clip > 0):
        raise ValueError(f"clip must be None or a positive finite number, not {clip!r}")
    options = {"momentum": momentum} if optimizer == "sgd" else {}
    opt = make_optimizer(optimizer, lr, **options)
    train_stream, test_stream = data_streams(seed)
    test_batch = make_batch(task_name, steps, TEST_SIZE, test_stream)
    probe = _subset(test_batch, PROFILE_SIZE)
    length = task.sequence_length(steps)
    empty = np.zeros(0)
    run = TrainingRun(
        task=task_name,
        cell=cell_module(model).NAME,
        steps=steps,
        sequence_length=length,
        seed=seed,
        iterations_planned=iterations,
        chance=task.chance(steps),
        losses=empty,
        grad_norms=empty,
        clipped_norms=empty,
        test_iterations=np.zeros(0, dtype=int),
        test_losses=empty,
        test_accuracies=None,
        profile_iterations=np.zeros(0, dtype=int),
        profiles=np.zeros((0, length)),
        cue_profile=empty,
        settings=dict(batch=batch, optimizer=optimizer, lr=lr, clip=clip, eval_every=eval_every, momentum=momentum),
    )
    recorder = _Recorder(run, iterations, classify=task.loss == "cross_entropy")
    started = time.perf_counter()

    def evaluate(i: int) -> bool:
        """Test loss and profile after iteration i; False if the test loss left float64."""
        loss, accuracy, _ = evaluate_batch(model, task_name, test_batch)
        if not math.isfinite(loss):
            return False
        profile, cue = answer_gradient_profile(model, task_name, probe)
        recorder.record_test(i, loss, accuracy, profile, cue)
        return True

    healthy = evaluate(0)
    run.diverged = not healthy
    i = 0
    while healthy and i < iterations:
        data = make_batch(task_name, steps, batch, train_stream)
        result = bptt(model, data.inputs, data.targets, loss=task.loss, loss_steps=data.loss_mask)
        params = model.params()
        if not (math.isfinite(result.loss) and all(np.isfinite(g).all() for g in result.grads.values())):
            run.diverged = True  # an update from inf/NaN would poison every parameter: stop before it
            break
        grads, report = no_clip(result.grads) if clip is None else clip_global_norm(result.grads, clip)
        opt.step(params, grads)
        i += 1
        recorder.record_step(i, result.loss, report.norm_before, report.norm_after)
        if i % eval_every == 0 and not evaluate(i):
            run.diverged = True
            break
        if callback is not None:
            try:
                keep_going = callback(i, recorder.publish())
            except StopTraining:
                keep_going = False
            if keep_going is False:
                run.stopped_early = i < iterations
                break
    if run.iterations_done > 0 and run.iterations_done % eval_every != 0 and not evaluate(run.iterations_done):
        run.diverged = True
    recorder.publish(copy=True)
    run.success = bool(not run.diverged and task.succeeded(steps, run.test_loss, run.test_accuracy))
    run.finished = True
    run.seconds = time.perf_counter() - started
    return run
