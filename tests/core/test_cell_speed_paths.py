"""The cells' fast forward/backward paths (docs/speed.md) against independent references.

References: the per-step functions step_forward / step_backward / step_param_grads (the
straightforward one-step code the fast paths must equal), explicit formulas written out here,
and centred finite differences of the loss. Backward runs in blocks of steps; BLOCK_NUMBERS is
shrunk so that a short sequence spans several blocks, ragged last block included.
"""

from __future__ import annotations

import numpy as np
import pytest

from bptt_core.activations import ACTIVATIONS, get_activation
from bptt_core.bptt import bptt
from bptt_core.cells import common, gru, lstm, rnn

MODULES = {"rnn": rnn, "lstm": lstm, "gru": gru}


def make(cell: str, d: int = 3, h: int = 4, k: int = 2, rho: float = 0.9, seed: int = 1, activation: str = "tanh"):
    if cell == "rnn":
        return rnn.init_rnn(d, h, k, spectral_radius=rho, activation=activation, seed=seed)
    model = MODULES[cell].__dict__[f"init_{cell}"](d, h, k, spectral_radius=rho, seed=seed)
    rng = np.random.default_rng(seed + 100)
    model.b_x += rng.normal(0, 0.3, model.b_x.shape)
    model.b_h += rng.normal(0, 0.3, model.b_h.shape)  # b_x and b_h differ
    return model


def problem(n: int, steps: int, d: int = 3, k: int = 2, seed: int = 0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, steps, d)), rng.standard_normal((n, steps, k))


def initial_state(cell: str, n: int, h: int = 4, seed: int = 5) -> np.ndarray:
    size = 2 * h if cell == "lstm" else h
    return 0.5 * np.random.default_rng(seed).standard_normal((n, size))


def rel_error(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.max(np.abs(a - b)) / max(np.max(np.abs(a)), np.max(np.abs(b)), 1e-300))


def stepwise_states(cell: str, model, xs: np.ndarray, s0: np.ndarray) -> np.ndarray:
    """(N, T+1, S) by calling step_forward once per step."""
    mod = MODULES[cell]
    act = get_activation(model.activation) if cell == "rnn" else None
    states = [s0]
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(xs.shape[1]):
            states.append(mod.step_forward(model, act, xs[:, t], states[-1])[0])
    return np.stack(states, axis=1)


def stepwise_backward(cell: str, dout: np.ndarray, cache) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Gradients and dL/dh_t from step_backward + step_param_grads, one step at a time."""
    mod = MODULES[cell]
    g = mod.state_grad_from_hidden(dout)
    carry = np.zeros_like(g[:, 0])
    grads: dict[str, np.ndarray] = {}
    dh = np.empty_like(dout)
    for t in range(dout.shape[1], 0, -1):
        ds = g[:, t - 1] + carry
        dh[:, t - 1] = mod.hidden_of(ds)
        dpre, carry = mod.step_backward(ds, cache, t)
        for name, term in mod.step_param_grads(dpre, cache, t).items():
            grads[name] = grads.get(name, 0.0) + term
    return grads, dh


@pytest.fixture
def small_blocks(monkeypatch):
    """Blocks of 3 steps for N = 2 and 4H = 16 (so T = 7 gives blocks 3, 3, 1) or 12 = 3H (GRU: 4, 3)."""
    monkeypatch.setattr(common, "BLOCK_NUMBERS", 100)


# ---------------------------------------------------------------- forward


@pytest.mark.parametrize("cell", ["lstm", "gru"])
@pytest.mark.parametrize("with_h0", [False, True])
def test_forward_equals_the_step_recursion_gated(cell, with_h0):
    model = make(cell)
    xs, _ = problem(3, 9)
    h0 = initial_state(cell, 3) if with_h0 else None
    out, cache = MODULES[cell].forward(model, xs, h0)
    s0 = h0 if with_h0 else np.zeros((3, MODULES[cell].state_size(model)))
    expected = stepwise_states(cell, model, xs, s0)
    np.testing.assert_allclose(cache.states, expected, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(out, MODULES[cell].hidden_of(expected[:, 1:]), rtol=1e-12, atol=1e-14)
    assert cache.states.shape == expected.shape and cache.a.shape[:2] == (3, 9)


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_forward_equals_the_step_recursion_rnn(activation):
    model = make("rnn", activation=activation)
    xs, _ = problem(2, 8)
    h0 = initial_state("rnn", 2)
    out, cache = rnn.forward(model, xs, h0)
    expected = stepwise_states("rnn", model, xs, h0)
    np.testing.assert_allclose(cache.states, expected, rtol=1e-12, atol=1e-14)
    act = get_activation(activation)
    a = cache.a
    np.testing.assert_allclose(cache.d, act.df(a, act.f(a)), rtol=1e-12, atol=1e-14)


def test_lstm_gates_and_derivatives_equal_explicit_formulas():
    model = make("lstm")
    xs, _ = problem(2, 6)
    _, cache = lstm.forward(model, xs, initial_state("lstm", 2))
    z = cache.a
    i, f, g, o = (z[..., k * 4 : (k + 1) * 4] for k in range(4))
    sig = get_activation("sigmoid").f
    expected_gates = np.concatenate([sig(i), sig(f), np.tanh(g), sig(o)], axis=-1)
    np.testing.assert_allclose(cache.gates, expected_gates, rtol=1e-14, atol=1e-15)
    i, f, g, o = (expected_gates[..., k * 4 : (k + 1) * 4] for k in range(4))
    c_prev, c = cache.states[:, :-1, 4:], cache.states[:, 1:, 4:]
    tc = np.tanh(c)
    np.testing.assert_allclose(cache.tanh_c, tc, rtol=1e-14, atol=1e-15)
    dc_dz = np.concatenate([g * i * (1 - i), c_prev * f * (1 - f), i * (1 - g * g), 0 * o], axis=-1)
    dh_dz = np.concatenate([np.tile(o * (1 - tc * tc), 3) * dc_dz[..., :12], tc * o * (1 - o)], axis=-1)
    np.testing.assert_allclose(cache.d, np.stack([dh_dz, dc_dz], axis=-2), rtol=1e-12, atol=1e-15)


def test_gru_row_scalings_equal_explicit_formulas():
    model = make("gru")
    xs, _ = problem(2, 6)
    _, cache = gru.forward(model, xs, initial_state("gru", 2))
    r, z, n = (cache.gates[..., k * 4 : (k + 1) * 4] for k in range(3))
    h_prev = cache.states[:, :-1]
    dn = (1 - z) * (1 - n * n)
    expected = np.concatenate([dn * cache.hn * r * (1 - r), (h_prev - n) * z * (1 - z), dn * r], axis=-1)
    np.testing.assert_allclose(cache.d, expected, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_sigmoid_gates_stay_exact_far_below_zero(cell):
    """Pre-activations below -700: exp(-z) overflows, the cached gate keeps the exact tiny value."""
    model = make(cell)
    hidden = model.hidden_size
    model.b_x[hidden : 2 * hidden] = [-705.0, -720.0, -740.0, -800.0]  # f (LSTM) or z (GRU) block
    model.W_x[hidden : 2 * hidden] = 0.0
    model.W_h[hidden : 2 * hidden] = 0.0
    model.b_h[hidden : 2 * hidden] = 0.0
    xs, _ = problem(2, 3)
    _, cache = MODULES[cell].forward(model, xs)
    gate = cache.gates[..., hidden : 2 * hidden]
    expected = np.exp(np.array([-705.0, -720.0, -740.0, -800.0]))  # sigmoid(z) = e^z / (1 + e^z) here
    np.testing.assert_array_equal(gate, np.broadcast_to(expected, gate.shape))
    assert (gate[..., :3] > 0).all()


def test_rnn_overflow_step_and_homogeneous_derivatives_unchanged():
    model = make("rnn", rho=30.0, activation="relu", h=4)
    xs, targets = problem(2, 400)
    result = bptt(model, xs, targets, loss="mse")
    states = stepwise_states("rnn", model, xs, np.zeros((2, 4)))
    finite = np.isfinite(states[:, 1:]).all(axis=(0, 2))
    assert not finite.all()
    assert result.overflow_step == int(np.argmin(finite)) + 1
    assert np.isfinite(result.cache.d).all()  # f'(a_t) from the renormalised recursion


# ---------------------------------------------------------------- backward in blocks


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("numbers", [1, 100, 1 << 16])  # blocks of 1 step, of 3-4 steps, one block
def test_backward_equals_the_step_by_step_reference(cell, numbers, monkeypatch):
    monkeypatch.setattr(common, "BLOCK_NUMBERS", numbers)
    model = make(cell)
    xs, _ = problem(2, 7)
    _, cache = MODULES[cell].forward(model, xs, initial_state(cell, 2))
    dout = np.random.default_rng(3).standard_normal((2, 7, 4))
    grads, dh = MODULES[cell].backward(dout, cache)
    expected, expected_dh = stepwise_backward(cell, dout, cache)
    np.testing.assert_allclose(dh, expected_dh, rtol=1e-12, atol=1e-14)
    for name in MODULES[cell].CELL_PARAMS:
        assert rel_error(grads[name], expected[name]) < 1e-12, name


@pytest.mark.parametrize(("steps", "per_step"), [(7, 16), (12, 12), (5, 1000), (1, 8), (0, 8)])
def test_step_blocks_cover_every_step_once_latest_first(steps, per_step, small_blocks):
    size, blocks = common.step_blocks(steps, per_step)
    covered = [t for start, stop in blocks for t in range(stop - 1, start - 1, -1)]
    assert covered == list(range(steps - 1, -1, -1))
    assert all(0 < stop - start <= size for start, stop in blocks)


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("loss_steps", ["all", "last"])
def test_blocked_gradients_match_finite_differences(cell, loss_steps, small_blocks):
    model = make(cell, seed=4)
    xs, targets = problem(2, 7, seed=6)
    h0 = initial_state(cell, 2)
    result = bptt(model, xs, targets, loss="mse", loss_steps=loss_steps, h0=h0)
    eps = 1e-6
    for name, w in model.params().items():
        numeric = np.zeros_like(w)
        for idx in np.ndindex(w.shape):
            old = w[idx]
            w[idx] = old + eps
            up = bptt(model, xs, targets, loss="mse", loss_steps=loss_steps, h0=h0).loss
            w[idx] = old - eps
            down = bptt(model, xs, targets, loss="mse", loss_steps=loss_steps, h0=h0).loss
            w[idx] = old
            numeric[idx] = (up - down) / (2 * eps)
        assert rel_error(result.grads[name], numeric) < 1e-6, name


def test_lazy_derivatives_can_be_replaced():
    _, cache = lstm.forward(make("lstm"), problem(1, 3)[0])
    replacement = np.zeros_like(cache.d)
    cache.d = replacement
    assert cache.d is replacement
