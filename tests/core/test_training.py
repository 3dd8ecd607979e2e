"""The training loop and the explicit loss mask of bptt().

- bptt with an explicit (T,) float mask: finite differences (rel. err. < 1e-6) for rnn, lstm, gru,
  and the masked loss against per-step losses written out in NumPy;
- clipping inside training equals clip_global_norm and the norm computed here by hand;
- training lowers the loss; a short deterministic run solves adding at T = 10;
- same seed -> identical arrays; a callback stops a run and leaves it consistent.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import bptt_core
from bptt_core.bptt import bptt
from bptt_core.cells.gru import init_gru
from bptt_core.cells.lstm import init_lstm
from bptt_core.cells.rnn import init_rnn
from bptt_core.clipping import clip_global_norm
from bptt_core.tasks import TASKS, make_batch
from bptt_core.training import MAX_RUN_COST, StopTraining, answer_gradient_profile, data_streams, run_cost, train

INITS = {"rnn": init_rnn, "lstm": init_lstm, "gru": init_gru}
N, T, D, H, K = 2, 6, 3, 4, 3
MASK = np.array([0.0, 0.5, 0.0, 2.0, 0.0, 1.25])


def _case(cell: str, loss: str, seed: int = 0):
    model = INITS[cell](D, H, K, spectral_radius=1.1, seed=seed)
    rng = np.random.default_rng(seed + 100)
    xs = rng.standard_normal((N, T, D))
    targets = rng.integers(0, K, size=(N, T)) if loss == "cross_entropy" else rng.standard_normal((N, T, K))
    return model, xs, targets


def _per_step_losses(o: np.ndarray, targets: np.ndarray, loss: str) -> np.ndarray:
    """(T,) batch-mean loss of each step, written out independently of losses.py."""
    if loss == "mse":
        return 0.5 * ((o - targets) ** 2).sum(axis=2).mean(axis=0)
    z = o - o.max(axis=2, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=2, keepdims=True))
    picked = np.take_along_axis(logp, targets[..., None], axis=2)[..., 0]
    return -picked.mean(axis=0)


@pytest.mark.parametrize("cell", sorted(INITS))
@pytest.mark.parametrize("loss", ["cross_entropy", "mse"])
def test_explicit_mask_matches_finite_differences(cell, loss):
    model, xs, targets = _case(cell, loss)
    result = bptt(model, xs, targets, loss=loss, loss_steps=MASK)
    assert result.loss == pytest.approx(MASK @ _per_step_losses(result.outputs, targets, loss), rel=1e-13)
    eps = 1e-6
    for name, p in model.params().items():
        fd = np.zeros_like(p)
        for idx in np.ndindex(p.shape):
            keep = p[idx]
            p[idx] = keep + eps
            up = bptt(model, xs, targets, loss=loss, loss_steps=MASK).loss
            p[idx] = keep - eps
            down = bptt(model, xs, targets, loss=loss, loss_steps=MASK).loss
            p[idx] = keep
            fd[idx] = (up - down) / (2 * eps)
        err = np.linalg.norm(fd - result.grads[name]) / max(np.linalg.norm(fd), 1e-300)
        assert err < 1e-6, (cell, loss, name, err)


@pytest.mark.parametrize("cell", sorted(INITS))
def test_strings_equal_their_masks(cell):
    model, xs, targets = _case(cell, "cross_entropy", seed=3)
    last = np.zeros(T)
    last[-1] = 1.0
    for text, mask in (("all", np.ones(T)), ("last", last)):
        a = bptt(model, xs, targets, loss_steps=text)
        b = bptt(model, xs, targets, loss_steps=mask)
        assert a.loss == b.loss
        assert all(np.array_equal(a.grads[k], b.grads[k]) for k in a.grads)


@pytest.mark.parametrize("bad", [np.ones(T - 1), np.ones((1, T)), np.array([np.nan] + [1.0] * (T - 1)), "first"])
def test_bad_masks_raise(bad):
    model, xs, targets = _case("rnn", "cross_entropy")
    with pytest.raises(ValueError):
        bptt(model, xs, targets, loss_steps=bad)


def _adding_gru(hidden: int = 16, seed: int = 0):
    task = TASKS["adding"]
    return init_gru(task.input_size, hidden, task.output_size, spectral_radius=1.0, init="orthogonal", seed=seed)


def test_clipping_inside_training_is_clip_global_norm():
    steps, threshold = 8, 0.05
    model = _adding_gru(6)
    before = {k: v.copy() for k, v in model.params().items()}
    # the first training batch, regenerated from the documented training stream
    first = make_batch("adding", steps, 4, data_streams(3)[0])
    raw = bptt(model, first.inputs, first.targets, loss="mse", loss_steps=first.loss_mask).grads
    norm = math.sqrt(sum(float((g * g).sum()) for g in raw.values()))  # by hand, all parameters concatenated
    assert norm > threshold  # so the clip acts
    expected, _ = clip_global_norm(raw, threshold)
    run = train(
        model,
        "adding",
        steps=steps,
        iterations=1,
        batch=4,
        optimizer="sgd",
        momentum=0.0,
        lr=1.0,
        clip=threshold,
        seed=3,
        eval_every=1,
    )
    assert run.grad_norms[0] == pytest.approx(norm, rel=1e-12)
    assert run.clipped_norms[0] == pytest.approx(threshold, rel=1e-12)
    for name, p in model.params().items():
        step = before[name] - p  # plain SGD with lr 1: the applied gradient itself
        assert np.allclose(step, expected[name], rtol=1e-12, atol=1e-15)
        assert np.allclose(step, raw[name] * (threshold / norm), rtol=1e-12, atol=1e-15)


def test_training_lowers_the_loss_on_a_tiny_case():
    task = TASKS["first_symbol"]
    model = init_gru(task.input_size, 8, task.output_size, spectral_radius=1.0, seed=0)
    run = train(model, "first_symbol", steps=3, iterations=60, batch=16, lr=3e-2, seed=0, eval_every=20)
    assert run.test_losses[-1] < 0.5 * run.test_losses[0]
    assert run.losses[-10:].mean() < 0.5 * run.losses[:10].mean()
    assert run.chance == pytest.approx(math.log(8))


def test_short_run_solves_adding_at_t10():
    run = train(_adding_gru(16), "adding", steps=10, iterations=150, lr=2e-2, clip=1.0, seed=0, eval_every=50)
    assert run.success and run.test_loss < 0.01
    assert run.test_losses[0] > 0.1  # it started well above
    assert run.test_accuracy is None
    assert np.array_equal(run.test_iterations, [0, 50, 100, 150])


def test_same_seed_same_arrays_and_consistent_shapes():
    def once(seed: int):
        task = TASKS["copy"]
        model = init_lstm(task.input_size, 5, task.output_size, spectral_radius=1.0, seed=1)
        return train(model, "copy", steps=4, iterations=12, batch=8, seed=seed, eval_every=5, clip=1.0)

    a, b, c = once(0), once(0), once(1)
    fields = (
        "losses",
        "grad_norms",
        "clipped_norms",
        "test_iterations",
        "test_losses",
        "test_accuracies",
        "profile_iterations",
        "profiles",
        "cue_profile",
    )
    for name in fields:
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
    assert not np.array_equal(a.losses, c.losses)
    assert a.losses.shape == a.grad_norms.shape == a.clipped_norms.shape == (12,)
    assert np.array_equal(a.test_iterations, [0, 5, 10, 12])
    assert a.profiles.shape == (4, 24) and np.all(np.isfinite(a.profiles))
    assert np.allclose(a.cue_profile, a.profiles[:, 0])  # copy: the earliest cue is step 1 for every sequence
    assert np.all(a.clipped_norms <= np.minimum(a.grad_norms, 1.0) * (1 + 1e-12))
    assert 0.0 <= a.test_accuracy <= 1.0 and a.chance == pytest.approx(10 * math.log(8) / 24)


@pytest.mark.parametrize("how", ["false", "raise"])
def test_callback_stops_and_the_run_stays_consistent(how):
    seen = []

    def callback(i, run):
        seen.append((i, run.losses.shape[0], run.iterations_done))
        if i == 7:
            if how == "raise":
                raise StopTraining
            return False
        return None

    run = train(_adding_gru(4), "adding", steps=5, iterations=30, batch=4, seed=0, eval_every=5, callback=callback)
    assert seen == [(i, i, i) for i in range(1, 8)]
    assert run.stopped_early and run.finished and run.iterations_done == 7
    assert run.losses.shape == run.grad_norms.shape == run.clipped_norms.shape == (7,)
    assert np.array_equal(run.test_iterations, [0, 5, 7])
    assert run.test_loss == run.test_losses[-1] and run.profiles.shape == (3, 5)


def test_diverging_model_stops_with_finite_arrays():
    task = TASKS["adding"]
    model = init_rnn(2, 4, 1, spectral_radius=30.0, activation="relu", init="identity", seed=0)
    model.W_x[:] = 1.0  # h_t = 30^t-ish: leaves float64 within T = 300 steps
    run = train(model, "adding", steps=300, iterations=5, batch=2, seed=0)
    assert run.diverged and not run.success and run.iterations_done == 0
    assert task.name == run.task
    for arr in (run.losses, run.grad_norms, run.test_losses, run.profiles):
        assert np.all(np.isfinite(arr))


def test_gradient_profile_golden_linear_case_far_below_float64():
    """Linear RNN, W_h = a I: dL/dh_t = a^(T-t) dL/dh_T exactly, so the profile is a straight line of
    slope log10 a, here reaching 10^-400 (below float64). dL/dh_T is computed here by hand."""
    task, steps, a = TASKS["first_symbol"], 200, 0.01
    model = init_rnn(task.input_size, 4, task.output_size, spectral_radius=a, activation="linear", init="identity")
    batch = make_batch("first_symbol", steps, 5, 0)
    profile, cue = answer_gradient_profile(model, "first_symbol", batch)
    h = np.zeros((5, 4))
    for t in range(steps):  # the forward pass written out
        h = a * h + batch.inputs[:, t] @ model.W_x.T + model.b_h
    o = h @ model.W_y.T + model.b_y
    p = np.exp(o - o.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    p[np.arange(5), batch.targets[:, -1]] -= 1.0  # dL_n/do_T for each sequence's own loss
    start = np.log10(np.linalg.norm(p @ model.W_y, axis=1)).mean()  # mean over sequences of log10 ||dL/dh_T||
    expected = start + (steps - 1 - np.arange(steps)) * np.log10(a)
    assert np.allclose(profile, expected, rtol=0, atol=1e-9)
    assert cue == pytest.approx(expected[0], abs=1e-9) and expected[0] < -390


def test_wrong_model_sizes_raise():
    with pytest.raises(ValueError):
        train(init_rnn(3, 4, 1, spectral_radius=1.0), "adding", steps=5, iterations=1)


def test_run_cost_budget():
    lstm = run_cost("lstm", 100, 32, 32, 2000)
    assert lstm <= MAX_RUN_COST  # the LSTM reproduction of adding T = 100 fits in one run
    assert run_cost("lstm", 100, 32, 32, 4000) > run_cost("lstm", 100, 32, 32, 2000)
    assert run_cost("lstm", 100, 32, 32, 2000) > run_cost("gru", 100, 32, 32, 2000) > run_cost("rnn", 100, 32, 32, 2000)
    assert run_cost("rnn", 100, 64, 32, 10**6) > MAX_RUN_COST
    # copy's sequence is T + 20 steps long
    assert run_cost("rnn", 30, 8, 4, 10, task="copy") > run_cost("rnn", 30, 8, 4, 10, task="first_symbol")


@pytest.mark.parametrize(
    "name",
    ["TASKS", "make_batch", "train", "TrainingRun", "StopTraining", "OPTIMIZERS", "run_cost", "MAX_RUN_COST"],
)
def test_public_names_are_exported(name):
    assert hasattr(bptt_core, name)
