"""The training lab's tasks: structure, determinism, and each exact chance level against Monte Carlo.

The chance levels are derived in docs/training.md; here they are checked against an independent
estimate: 20000 sequences, the best memoryless predictor fitted on one sample (the mean target, or
the answer frequencies) and scored on another, with plain NumPy written out below, and once more
through the loss code with the task's mask (which carries the task's units).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from bptt_core.losses import evaluate
from bptt_core.tasks import TASKS, make_batch

MC = 20_000
SUB = 2_000


def test_registry_contract():
    assert set(TASKS) == {"adding", "copy", "first_symbol"}
    for name, task in TASKS.items():
        assert task.name == name
        assert task.loss in ("mse", "cross_entropy")
        batch = make_batch(name, 12, 3, 0)
        length = task.sequence_length(12)
        assert batch.inputs.shape == (3, length, task.input_size)
        assert batch.loss_mask.shape == (length,)
        if task.loss == "mse":
            assert batch.targets.shape == (3, length, task.output_size)
        else:
            assert batch.targets.shape == (3, length) and batch.targets.max() < task.output_size
        assert np.array_equal(np.flatnonzero(batch.loss_mask), batch.answer_steps)
        assert batch.cue_steps.shape[0] == 3
        assert batch.cue_steps.max() <= batch.answer_steps.min()  # adding may mark the last step itself


@pytest.mark.parametrize("name", sorted(TASKS))
def test_generators_are_deterministic_per_seed(name):
    a, b, c = make_batch(name, 9, 5, 7), make_batch(name, 9, 5, np.random.default_rng(7)), make_batch(name, 9, 5, 8)
    for field in ("inputs", "targets", "loss_mask", "cue_steps", "answer_steps"):
        assert np.array_equal(getattr(a, field), getattr(b, field))
    assert not np.array_equal(a.inputs, c.inputs)


def test_adding_structure():
    steps = 11
    batch = make_batch("adding", steps, 2000, 1)
    values, markers = batch.inputs[..., 0], batch.inputs[..., 1]
    assert np.all((values >= 0) & (values < 1))
    assert np.all(markers.sum(axis=1) == 2)
    first, second = batch.cue_steps.T
    assert np.all(first < steps // 2) and np.all(second >= steps // 2)
    assert np.all(markers[np.arange(2000), first] == 1) and np.all(markers[np.arange(2000), second] == 1)
    # every first-half and second-half position is used
    assert set(first) == set(range(steps // 2)) and set(second) == set(range(steps // 2, steps))
    assert np.allclose(batch.targets[:, -1, 0], (values * markers).sum(axis=1))


def test_adding_chance_is_one_sixth():
    task = TASKS["adding"]
    fit, score = make_batch("adding", 30, MC, 10), make_batch("adding", 30, MC, 11)
    constant = ((fit.inputs[..., 0] * fit.inputs[..., 1]).sum(axis=1)).mean()  # best constant, fitted
    assert abs(constant - 1.0) < 0.01
    truth = (score.inputs[..., 0] * score.inputs[..., 1]).sum(axis=1)
    squared = (truth - constant) ** 2
    stderr = squared.std() / math.sqrt(MC)
    assert abs(squared.mean() - task.chance(30)) < 5 * stderr
    assert task.chance(30) == pytest.approx(1 / 6, rel=1e-15)
    # the same through the loss code with the task's mask: the reported units are plain MSE
    ones = np.ones((MC, 30, 1))
    value, _ = evaluate("mse", ones, score.targets, score.loss_mask)
    assert value == pytest.approx(((truth - 1.0) ** 2).mean(), rel=1e-12)


def _memoryless_cross_entropy(name: str, steps: int, classes: int, count: int = MC) -> tuple[float, float, float]:
    """Plug-in CE of the answer frequencies (fitted on one sample) summed over the answer steps.

    Returns (by hand on `count` sequences, by hand on the first SUB of them, through the loss code on
    those SUB): the loss code builds (N, L, K) arrays, so it runs on a subset to stay light.
    """
    fit, score = make_batch(name, steps, count, 20), make_batch(name, steps, count, 21)
    answers = fit.targets[:, fit.answer_steps]  # (N, A)
    freq = np.stack([np.bincount(answers[:, a], minlength=classes) for a in range(answers.shape[1])]) / count  # (A, K)
    freq = np.maximum(freq, 1e-12)
    scored = score.targets[:, score.answer_steps]
    per_sequence = -np.log(freq[np.arange(freq.shape[0]), scored]).sum(axis=1)  # (N,)
    logits = np.zeros((SUB, score.inputs.shape[1], classes))
    logits[:, score.answer_steps] = np.log(freq)  # softmax(log freq) = freq
    via_loss, _ = evaluate("cross_entropy", logits, score.targets[:SUB], score.loss_mask)
    return per_sequence.mean(), per_sequence[:SUB].mean(), via_loss


def test_copy_structure():
    steps = 7
    batch = make_batch("copy", steps, 500, 3)
    tokens = batch.inputs.argmax(axis=2)
    assert np.all(batch.inputs.sum(axis=2) == 1)  # one-hot
    assert batch.inputs.shape[1] == steps + 20
    assert np.all(tokens[:, :10] < 8)
    assert np.all(tokens[:, 10 : steps + 9] == 8)  # T - 1 blanks
    assert np.all(tokens[:, steps + 9] == 9)  # the delimiter
    assert np.all(tokens[:, steps + 10 :] == 8)
    assert np.all(batch.targets[:, : steps + 10] == 8)
    assert np.array_equal(batch.targets[:, steps + 10 :], tokens[:, :10])
    assert np.array_equal(batch.answer_steps, np.arange(steps + 10, steps + 20))


@pytest.mark.parametrize("steps", [5, 50])
def test_copy_chance_against_monte_carlo(steps):
    task = TASKS["copy"]
    per_answer_steps, on_subset, via_loss = _memoryless_cross_entropy("copy", steps, 10, MC // 4)
    # 5000 sequences give 50000 answer symbols; ten answer steps, each ln 8,
    # averaged over all T + 20 steps (the blanks are certain: 0)
    assert per_answer_steps / (steps + 20) == pytest.approx(task.chance(steps), rel=2e-3)
    assert via_loss == pytest.approx(on_subset / (steps + 20), rel=1e-12)  # the mask carries the 1/(T + 20)
    assert task.chance(steps) == pytest.approx(10 * math.log(8) / (steps + 20), rel=1e-15)


def test_first_symbol_structure_and_chance():
    task = TASKS["first_symbol"]
    batch = make_batch("first_symbol", 6, 400, 4)
    tokens = batch.inputs.argmax(axis=2)
    assert np.all(batch.inputs.sum(axis=2) == 1)
    assert np.all(tokens[:, 1:] == task.symbols)  # the blank channel after step 1
    assert np.array_equal(batch.targets[:, -1], tokens[:, 0])
    per_step, on_subset, via_loss = _memoryless_cross_entropy("first_symbol", 6, task.output_size)
    assert per_step == pytest.approx(task.chance(6), rel=2e-3)
    assert task.chance(6) == pytest.approx(math.log(8), rel=1e-15)
    assert via_loss == pytest.approx(on_subset, rel=1e-12)


def test_success_rules():
    adding, copy, first = TASKS["adding"], TASKS["copy"], TASKS["first_symbol"]
    assert adding.succeeded(100, 0.009, None) and not adding.succeeded(100, 0.011, None)
    limit = 10 * math.log(8) / 70 / 10
    assert copy.succeeded(50, 0.99 * limit, 0.5) and not copy.succeeded(50, 1.01 * limit, 1.0)
    assert first.succeeded(10, 9.0, 0.96) and not first.succeeded(10, 0.0, 0.95)


@pytest.mark.parametrize("name, steps", [("adding", 1), ("first_symbol", 1), ("copy", 0), ("nope", 5)])
def test_bad_requests_raise(name, steps):
    with pytest.raises(ValueError):
        make_batch(name, steps, 4, 0)
