"""The derivation lesson (bptt_core.lessons.derivation): per-step terms, finite differences, Jacobian chain, warm-up."""

from __future__ import annotations

import numpy as np
import pytest

from bptt_core import bptt, init_rnn
from bptt_core.lessons import derivation as dv

SIZES = [(steps, hidden) for steps in range(2, 7) for hidden in (1, 2, 3)]


def _rel(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.max(np.abs(a - b)) / max(np.max(np.abs(a) + np.abs(b)), np.finfo(float).tiny))


def _setup(steps, hidden, loss="cross_entropy", batch=1, seed=0, activation="tanh"):
    rng = np.random.default_rng(seed)
    model = init_rnn(2, hidden, 3, spectral_radius=0.9, activation=activation, seed=rng)
    model.b_h = 0.1 * rng.standard_normal(hidden)  # nonzero biases: every term is exercised
    model.b_y = 0.1 * rng.standard_normal(3)
    xs = rng.standard_normal((batch, steps, 2))
    h0 = 0.5 * rng.standard_normal((batch, hidden))  # nonzero h_0: step 1's W_h term is not trivially zero
    if loss == "cross_entropy":
        targets = rng.integers(0, 3, size=(batch, steps))
    else:
        targets = rng.standard_normal((batch, steps, 3))
    return model, xs, targets, h0


@pytest.mark.parametrize("loss_steps", ["last", "all"])
@pytest.mark.parametrize(("steps", "hidden"), SIZES)
def test_step_terms_sum_to_bptt(steps, hidden, loss_steps):
    model, xs, targets, h0 = _setup(steps, hidden)
    walk = dv.backward_steps(model, xs, targets, loss="cross_entropy", loss_steps=loss_steps, h0=h0)
    result = bptt(model, xs, targets, loss="cross_entropy", loss_steps=loss_steps, h0=h0)
    for name, grad in result.grads.items():
        summed = sum(s.product for s in walk if s.param == name)  # the terms themselves
        assert _rel(summed, grad) < 1e-12, name
        assert _rel(walk[-1].grads[name], grad) < 1e-12, name  # the running sum at the end
        assert walk[-1].grads[name].dtype == np.float64
    # every step of every loss step is there, in the documented order
    loss_count = steps if loss_steps == "all" else 1
    assert len(walk) == 4 * loss_count + 5 * steps
    assert walk[0].edge == (f"L{steps}", f"o{steps}")
    assert walk[-1].edge == ("a1", "h0")


@pytest.mark.parametrize("loss", ["cross_entropy", "mse"])
@pytest.mark.parametrize("batch", [1, 3])
def test_step_products_and_hidden_gradients(loss, batch):
    model, xs, targets, h0 = _setup(4, 3, loss=loss, batch=batch, seed=3)
    walk = dv.backward_steps(model, xs, targets, loss=loss, loss_steps="all", h0=h0)
    result = bptt(model, xs, targets, loss=loss, loss_steps="all", h0=h0)
    for s in walk:
        assert s.kind in dv.STEP_KINDS and s.op in dv.STEP_OPS
        if s.op in ("scale", "elementwise"):
            expected = s.incoming * s.local
        elif s.op == "matmul":
            expected = s.incoming @ s.local
        elif s.op == "outer":
            expected = s.incoming.T @ s.local
        else:
            expected = s.incoming.sum(axis=0)
        assert _rel(expected, s.product) < 1e-12, (s.kind, s.edge)
        if s.kind == "preact":  # the gradient arriving at h_t is bptt()'s total dL/dh_t
            assert _rel(s.incoming, result.dh[:, s.t - 1]) < 1e-12


def test_output_step_uses_the_loss_gradient_by_value():
    model, xs, targets, _ = _setup(3, 2, loss="mse", seed=5)
    result = bptt(model, xs, targets, loss="mse", loss_steps="last")
    first = dv.backward_steps(model, xs, targets, loss="mse", loss_steps="last")[0]
    np.testing.assert_allclose(first.product, result.outputs[:, -1] - targets[:, -1], rtol=1e-14)  # dL/do_T = o_T - y_T
    assert first.incoming[0, 0] == 1.0


@pytest.mark.parametrize("loss_steps", ["last", "all"])
@pytest.mark.parametrize("loss", ["cross_entropy", "mse"])
@pytest.mark.parametrize(("steps", "hidden"), [(2, 1), (4, 2), (6, 3)])
def test_finite_differences_agree_with_bptt(steps, hidden, loss, loss_steps):
    model, xs, targets, h0 = _setup(steps, hidden, loss=loss, seed=steps)
    fd = dv.finite_difference_grads(model, xs, targets, loss=loss, loss_steps=loss_steps, h0=h0)
    result = bptt(model, xs, targets, loss=loss, loss_steps=loss_steps, h0=h0)
    for name, grad in result.grads.items():
        assert fd[name].shape == grad.shape
        assert _rel(fd[name], grad) < 1e-6, name
    assert dv.relative_error(fd["W_h"], result.grads["W_h"]) < 1e-6


def test_jacobian_chain_is_the_explicit_product():
    model, xs, targets, h0 = _setup(5, 3, seed=7)
    result = bptt(model, xs, targets, h0=h0)
    chain = dv.jacobian_chain(model, result, 5, 1)
    d = result.cache.d[0]
    explicit = [np.diag(d[t - 1]) @ model.W_h for t in (5, 4, 3, 2)]  # J_t = diag(f'(a_t)) W_h
    np.testing.assert_array_equal(chain.steps, [5, 4, 3, 2])
    np.testing.assert_allclose(chain.factors, explicit, rtol=1e-14)
    product = explicit[0] @ explicit[1] @ explicit[2] @ explicit[3]
    assert _rel(chain.product, product) < 1e-13
    assert chain.product_norm == pytest.approx(np.linalg.norm(product, 2), rel=1e-12)
    assert 10**chain.log10_product_norm == pytest.approx(chain.product_norm, rel=1e-12)
    norms = [np.linalg.norm(j, 2) for j in explicit]
    np.testing.assert_allclose(chain.factor_norms, norms, rtol=1e-12)
    assert chain.log10_bound == pytest.approx(np.sum(np.log10(norms)), rel=1e-12)
    assert chain.log10_product_norm <= chain.log10_bound + 1e-12
    # the chain carries dL_T/dh_T back: dL_T/dh_1 = (dh_5/dh_1)^T dL_T/dh_5
    last = bptt(model, xs, targets, loss_steps="last", h0=h0)
    assert _rel(last.dh[0, 4] @ chain.product, last.dh[0, 0]) < 1e-12


def test_jacobian_chain_golden_linear_case():
    model = init_rnn(1, 2, 2, spectral_radius=0.5, activation="linear", init="identity", seed=0)
    xs = np.ones((1, 6, 1))
    result = bptt(model, xs, np.zeros((1, 6), dtype=int))
    chain = dv.jacobian_chain(model, result, 6, 2)
    np.testing.assert_allclose(chain.product, 0.5**4 * np.eye(2), rtol=1e-15)  # W_h = a I: a^(T-t)
    assert dv.jacobian_chain(model, result, 3, 3).product_norm == 1.0  # empty product: identity
    np.testing.assert_allclose(dv.repeated_factor_log10(0.5, 4), np.arange(5) * np.log10(0.5))
    with pytest.raises(ValueError):
        dv.jacobian_chain(model, result, 2, 3)


def test_warmup_by_value():
    w = dv.warmup()
    assert (w.x, w.y, w.z) == (-2.0, 5.0, -4.0)
    assert (w.q, w.f) == (-7.0, 28.0)
    assert (w.dq_dx, w.dq_dy, w.df_dq, w.df_dz) == (1.0, -1.0, -4.0, -7.0)
    assert (w.df_dx, w.df_dy) == (-4.0, 4.0)  # df/dx = z, df/dy = -z
    assert (w.x_new, w.y_new, w.z_new) == pytest.approx((-1.6, 4.6, -3.3), abs=1e-15)
    assert w.f_new == pytest.approx(20.46, abs=1e-12)
    assert w.decrease == pytest.approx(7.54, abs=1e-12) and w.f_new < w.f
    # the gradients agree with centred differences of f = (x - y) z
    eps, f = 1e-6, lambda x, y, z: (x - y) * z
    fd = [(f(-2 + eps, 5, -4) - f(-2 - eps, 5, -4)) / (2 * eps), (f(-2, 5 + eps, -4) - f(-2, 5 - eps, -4)) / (2 * eps)]
    assert fd == pytest.approx([w.df_dx, w.df_dy], rel=1e-8)
    assert dv.warmup(1.0, 2.0, 3.0, lr=0.01).decrease > 0
    assert set(w.as_dict()) >= {"x", "q", "f", "df_dx", "df_dq", "f_new", "decrease"}


def test_small_example_is_seeded_and_matches_the_losses():
    m1, x1, t1 = dv.small_example(3, 2, seed=4)
    m2, x2, t2 = dv.small_example(3, 2, seed=4)
    np.testing.assert_array_equal(m1.W_h, m2.W_h)
    np.testing.assert_array_equal(x1, x2)
    np.testing.assert_array_equal(t1, t2)
    assert x1.shape == (1, 3, 2) and t1.shape == (1, 3) and t1.dtype.kind == "i"
    _, _, t_mse = dv.small_example(3, 2, loss="mse")
    assert t_mse.shape == (1, 3, 3)


def test_helpers_name_the_steps():
    model, xs, targets = dv.small_example(3, 2)
    walk = dv.backward_steps(model, xs, targets, loss_steps="last")
    assert {(s.kind, s.param) for s in walk} == {
        ("output", None),
        ("hidden", None),
        ("weight", "W_y"),
        ("bias", "b_y"),
        ("preact", None),
        ("weight", "W_h"),
        ("weight", "W_x"),
        ("bias", "b_h"),
        ("carry", None),
    }
    assert list(dv.terms_by_step(walk)) == [3, 2, 1]
    assert np.all(dv.terms_by_step(walk)[1] == 0.0)  # h_0 = 0: step 1's W_h term vanishes
    norms = dv.hidden_gradient_norms(walk)
    assert list(norms) == [3, 2, 1, 0] and all(v > 0 for v in norms.values())
