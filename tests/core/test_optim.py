"""Optimisers against numbers worked out by hand (two steps each), and their in-place contract."""

from __future__ import annotations

import numpy as np
import pytest

from bptt_core.optim import OPTIMIZERS, Adam, SGDMomentum, make_optimizer


def test_sgd_momentum_two_steps_by_hand():
    # lr 0.1, mu 0.9, p = (1, -2)
    # step 1: g = (0.5, -1):  v = (0.5, -1);                      p = (1 - 0.05, -2 + 0.1)   = (0.95, -1.9)
    # step 2: g = (1, 2):     v = 0.9 (0.5, -1) + (1, 2) = (1.45, 1.1); p = (0.95 - 0.145, -1.9 - 0.11) = (0.805, -2.01)
    p = np.array([1.0, -2.0])
    params = {"w": p}
    opt = OPTIMIZERS["sgd"](lr=0.1, momentum=0.9)
    opt.step(params, {"w": np.array([0.5, -1.0])})
    assert np.allclose(p, [0.95, -1.9], rtol=0, atol=1e-15)
    opt.step(params, {"w": np.array([1.0, 2.0])})
    assert np.allclose(p, [0.805, -2.01], rtol=0, atol=1e-15)
    assert params["w"] is p  # updated in place


def test_adam_two_steps_by_hand():
    # lr 0.1, beta1 0.9, beta2 0.999, eps 1e-8, p = 1
    # step 1, g = 0.5:  m = 0.05, v = 0.00025; m^ = 0.05 / 0.1 = 0.5, v^ = 0.00025 / 0.001 = 0.25
    #                   p = 1 - 0.1 * 0.5 / (0.5 + 1e-8) = 0.900000002 (to 1e-16)
    # step 2, g = -1:   m = 0.045 - 0.1 = -0.055, v = 0.00024975 + 0.001 = 0.00124975
    #                   m^ = -0.055 / 0.19 = -0.28947368421..., v^ = 0.00124975 / 0.001999 = 0.62518759379...
    #                   sqrt(v^) = 0.79068805... ; p = 0.900000002 + 0.1 * 0.28947368 / 0.79068805 = 0.93661035424...
    p = np.array([1.0])
    opt = Adam(lr=0.1)
    opt.step({"w": p}, {"w": np.array([0.5])})
    assert p[0] == pytest.approx(0.900000002, abs=1e-15)
    opt.step({"w": p}, {"w": np.array([-1.0])})
    assert p[0] == pytest.approx(0.93661035424, abs=1e-10)
    assert opt.t == 2


def test_adam_first_step_is_lr_times_sign():
    # bias correction makes the first step lr * g / (|g| + eps): the size of g does not matter
    p = np.array([0.0, 0.0, 0.0])
    Adam(lr=0.01).step({"w": p}, {"w": np.array([1e-3, -50.0, 0.0])})
    assert np.allclose(p, [-0.01, 0.01, 0.0], atol=1e-10)


def test_state_is_kept_per_parameter_and_shapes_survive():
    params = {"A": np.ones((2, 3)), "b": np.zeros(3)}
    grads = {"A": np.full((2, 3), 0.5), "b": np.array([1.0, 0.0, -1.0])}
    for name in OPTIMIZERS:
        opt = make_optimizer(name, 0.1)
        copy = {k: v.copy() for k, v in params.items()}
        opt.step(copy, grads)
        assert copy["A"].shape == (2, 3) and copy["b"].shape == (3,)
        assert copy["b"][1] == 0.0 and copy["b"][0] < 0 < copy["b"][2]


@pytest.mark.parametrize("bad", [0.0, -1.0, float("nan"), float("inf")])
def test_bad_learning_rates_raise(bad):
    for cls in (SGDMomentum, Adam):
        with pytest.raises(ValueError):
            cls(lr=bad)
    with pytest.raises(ValueError):
        make_optimizer("rmsprop", 0.1)
