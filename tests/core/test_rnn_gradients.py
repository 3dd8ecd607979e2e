"""Finite-difference checks of the vanilla RNN's BPTT for every parameter."""

import numpy as np
import pytest

import bptt_core as bc


@pytest.mark.parametrize("activation", sorted(bc.ACTIVATIONS))
@pytest.mark.parametrize("loss", bc.LOSSES)
@pytest.mark.parametrize("loss_steps", bc.LOSS_STEPS)
@pytest.mark.parametrize("n", [1, 3])
def test_gradients_match_finite_differences(num, activation, loss, loss_steps, n):
    model = bc.init_rnn(3, 4, 3, spectral_radius=0.9, activation=activation, seed=1)
    model.b_h += 0.1  # keep ReLU pre-activations away from the kink at 0
    xs, targets = num.problem(n, 5, 3, 3, loss, seed=2)
    kwargs = dict(loss=loss, loss_steps=loss_steps)
    result = bc.bptt(model, xs, targets, **kwargs)
    numeric = num.numeric_grads(model, xs, targets, **kwargs)
    for name in model.param_names:
        assert num.rel_error(result.grads[name], numeric[name]) < 1e-6, name


def test_dh_is_the_jacobian_chain_applied_to_output_gradients(num):
    model = bc.init_rnn(3, 4, 3, spectral_radius=1.2, seed=3)
    xs, targets = num.problem(2, 6, 3, 3, "cross_entropy", seed=4)
    result = bc.bptt(model, xs, targets)
    steps = xs.shape[1]
    for n in range(2):
        for t in range(1, steps + 1):
            expected = np.zeros(4)
            for s in range(t, steps + 1):
                chain = np.eye(4)  # dh_s/dh_t = J_s ... J_{t+1}
                for r in range(s, t, -1):
                    chain = chain @ (result.cache.d[n, r - 1][:, None] * model.W_h)
                expected += chain.T @ result.dout_direct[n, s - 1]
            np.testing.assert_allclose(result.dh[n, t - 1], expected, rtol=1e-12, atol=1e-14)


def test_loss_definitions(num):
    model = bc.init_rnn(2, 3, 2, spectral_radius=0.5, seed=0)
    xs, y = num.problem(2, 3, 2, 2, "mse", seed=1)
    result = bc.bptt(model, xs, y, loss="mse", loss_steps="all")
    expected = 0.5 * ((result.outputs - y) ** 2).sum() / 2  # 1/2 sum of squares, mean over batch
    assert np.isclose(result.loss, expected)
    xs, labels = num.problem(2, 3, 2, 2, "cross_entropy", seed=1)
    result = bc.bptt(model, xs, labels, loss_steps="last")
    o = result.outputs[:, -1]
    logp = o - np.log(np.exp(o).sum(axis=1, keepdims=True))
    assert np.isclose(result.loss, -logp[np.arange(2), labels[:, -1]].mean())


def test_shapes_and_no_global_random_state(num):
    state = np.random.get_state()[1].copy()
    model = bc.init_rnn(5, 7, 4, spectral_radius=1.0, init="orthogonal", seed=9)
    xs, targets = num.problem(2, 8, 5, 4, "cross_entropy")
    result = bc.bptt(model, xs, targets)
    assert result.dh.shape == (2, 8, 7) and result.hs.shape == (2, 9, 7) and result.a.shape == (2, 8, 7)
    assert {k: v.shape for k, v in result.grads.items()} == {k: v.shape for k, v in model.params().items()}
    assert np.array_equal(np.random.get_state()[1], state)
    again = bc.init_rnn(5, 7, 4, spectral_radius=1.0, init="orthogonal", seed=9)
    assert np.array_equal(again.W_h, model.W_h)


@pytest.mark.parametrize("init", sorted(bc.INITIALIZERS))
@pytest.mark.parametrize("rho", [0.0, 0.37, 1.0, 2.5])
def test_initialisers_hit_the_spectral_radius(init, rho):
    model = bc.init_rnn(3, 16, 3, spectral_radius=rho, init=init, seed=5)
    assert np.isclose(np.max(np.abs(np.linalg.eigvals(model.W_h))), rho, rtol=1e-12, atol=1e-15)
