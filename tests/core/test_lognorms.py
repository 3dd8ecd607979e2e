"""Log-domain products: golden cases, accuracy against exact SVD, overflow handling."""

import numpy as np
import pytest

import bptt_core as bc


def linear_scaled_identity(num, a: float, steps: int, size: int = 3):
    model = bc.init_rnn(2, size, 2, spectral_radius=a, activation="linear", init="identity", seed=0)
    xs, targets = num.problem(1, steps, 2, 2, "cross_entropy")
    return model, bc.bptt(model, xs, targets)


@pytest.mark.parametrize("a, steps", [(0.5, 3000), (2.0, 3000), (0.9, 50), (1.0, 10)])
def test_golden_linear_scaled_identity(num, a, steps):
    model, result = linear_scaled_identity(num, a, steps)
    expected = (steps - np.arange(steps + 1)) * np.log10(a)  # ||a^(T-t) I||_2 = a^(T-t)
    norms = bc.jacobian_log10_norms(model, result, ord=2)[0]
    np.testing.assert_allclose(norms, expected, rtol=1e-12, atol=1e-9)
    fro = bc.jacobian_log10_norms(model, result, ord="fro")[0]
    np.testing.assert_allclose(fro, expected + 0.5 * np.log10(3), rtol=1e-12, atol=1e-9)
    if a == 0.5 and steps == 3000:
        assert norms[0] == pytest.approx(-903.09, abs=0.01)  # 10^-903: far below float64


def test_golden_orthogonal_linear_has_unit_spectral_norm(num):
    model = bc.init_rnn(2, 24, 2, spectral_radius=1.0, activation="linear", init="orthogonal", seed=3)
    xs, targets = num.problem(1, 400, 2, 2, "cross_entropy")
    norms = bc.jacobian_log10_norms(model, bc.bptt(model, xs, targets), ord=2)
    np.testing.assert_allclose(norms, 0.0, atol=1e-9)


def exact_log10_norms(model, result, n=0):
    """Reference: explicit renormalised products with numpy's SVD."""
    steps = result.dh.shape[1]
    p, scale = np.eye(model.hidden_size), 0.0
    spec, fro = [0.0], [0.5 * np.log10(model.hidden_size)]
    for t in range(steps, 0, -1):
        p = p @ (result.cache.d[n, t - 1][:, None] * model.W_h)
        norm = np.linalg.norm(p)
        if norm == 0:  # an exact zero product stays zero
            spec.append(-np.inf)
            fro.append(-np.inf)
            continue
        p, scale = p / norm, scale + np.log10(norm)
        fro.append(scale)
        spec.append(scale + np.log10(np.linalg.svd(p, compute_uv=False)[0]))
    return np.array(spec[::-1]), np.array(fro[::-1])


CASES = [
    (act, init, rho, size, scale)
    for act in ("tanh", "sigmoid", "relu", "linear")
    for init in ("gaussian", "orthogonal", "identity")
    for rho, scale in ((0.9, 0.1), (1.3, 1.0))
    for size in (16, 80)  # below and above the exact-SVD size: both code paths
]


@pytest.mark.parametrize("act, init, rho, size, scale", CASES)
def test_spectral_and_frobenius_match_exact_svd(num, act, init, rho, size, scale):
    model = bc.init_rnn(4, size, 3, spectral_radius=rho, activation=act, init=init, seed=11)
    xs, targets = num.problem(2, 60, 4, 3, "cross_entropy", seed=12)
    result = bc.bptt(model, xs * scale, targets)
    both = bc.jacobian_log10_norms_both(model, result)
    for n in range(2):
        spec, fro = exact_log10_norms(model, result, n)
        zero = spec == -np.inf
        assert np.array_equal(both["2"][n] == -np.inf, zero) and np.array_equal(both["fro"][n] == -np.inf, zero)
        assert np.max(np.abs(both["fro"][n][~zero] - fro[~zero])) < 1e-9
        assert np.max(np.abs(10 ** (both["2"][n][~zero] - spec[~zero]) - 1)) < 1e-6


def test_gradient_norms_match_plain_float64_where_representable(num):
    model = bc.init_rnn(3, 8, 3, spectral_radius=1.1, activation="tanh", seed=2)
    xs, targets = num.problem(3, 40, 3, 3, "cross_entropy", seed=5)
    result = bc.bptt(model, xs, targets, loss_steps="last")
    logs = bc.log10_gradient_norms(model, result)
    np.testing.assert_allclose(logs["total"], np.log10(np.linalg.norm(result.dh, axis=2)), atol=1e-10)
    np.testing.assert_allclose(logs["last"], logs["total"], atol=1e-12)  # only the last step has a loss
    da = result.cache.d * result.dh
    expected = np.log10(np.linalg.norm(da, axis=2)[:, 1:] * np.linalg.norm(result.hs[:, 1:-1], axis=2))
    np.testing.assert_allclose(logs["weight"][:, 1:], expected, atol=1e-10)


def test_vanishing_gradient_stays_finite_far_below_float64(num):
    model = bc.init_rnn(2, 4, 2, spectral_radius=0.5, activation="linear", init="identity", seed=0)
    xs, targets = num.problem(1, 2000, 2, 2, "mse")
    result = bc.bptt(model, xs, targets, loss="mse", loss_steps="last")
    assert result.dh[0, 0].max() == 0.0  # plain float64 underflows ...
    last = bc.log10_gradient_norms(model, result)["last"][0]
    assert np.all(np.isfinite(last))  # ... the log domain does not
    np.testing.assert_allclose(np.diff(last), np.log10(2.0), atol=1e-9)  # grows by 1/a per step back


def test_forward_overflow_is_located_and_jacobians_stay_defined(num):
    model = bc.init_rnn(2, 6, 2, spectral_radius=3.0, activation="relu", seed=1)
    model.b_h += 1.0
    xs, targets = num.problem(1, 800, 2, 2, "cross_entropy")
    result = bc.bptt(model, xs, targets)
    assert result.overflow_step is not None and 600 < result.overflow_step < 800
    both = bc.jacobian_log10_norms_both(model, result)
    assert not np.isnan(both["2"]).any() and not np.isnan(both["fro"]).any()
    assert both["2"][0, 0] > 300  # the product itself is beyond 1e308, and still known


def test_exact_zero_product_is_minus_infinity_not_nan(num):
    model = bc.init_rnn(2, 4, 2, spectral_radius=0.0, seed=0)
    xs, targets = num.problem(1, 5, 2, 2, "cross_entropy")
    norms = bc.jacobian_log10_norms(model, bc.bptt(model, xs, targets))
    assert norms[0, -1] == 0.0 and np.all(norms[0, :-1] == -np.inf)


def test_step_jacobian_singular_range_bounds_the_product(num):
    model = bc.init_rnn(3, 10, 3, spectral_radius=1.2, seed=4)
    xs, targets = num.problem(1, 30, 3, 3, "cross_entropy")
    result = bc.bptt(model, xs, targets)
    lo, hi = bc.step_jacobian_log10_singular_range(model, result)
    spec = bc.jacobian_log10_norms(model, result)[0]
    upper = np.concatenate([np.cumsum(hi[0][::-1])[::-1], [0.0]])
    lower = np.concatenate([np.cumsum(lo[0][::-1])[::-1], [0.0]])
    assert np.all(spec <= upper + 1e-9) and np.all(spec >= lower - 1e-9)


def test_plain_and_renormalised_gradient_norms_agree(num):
    from bptt_core import lognorms

    model = bc.init_rnn(3, 6, 3, spectral_radius=1.4, activation="tanh", seed=8)
    xs, targets = num.problem(2, 30, 3, 3, "cross_entropy", seed=9)
    result = bc.bptt(model, xs, targets)
    cell = bc.cell_module(model)
    plain = lognorms._plain_float64_norms(cell, model, result)
    assert plain is not None
    g = result.dout_direct
    g_last = np.zeros_like(g)
    g_last[:, -1] = g[:, -1]
    total, dpre = lognorms._scaled_backward(cell, result.cache, g)
    last, _ = lognorms._scaled_backward(cell, result.cache, g_last)
    for a, b in zip(plain, (total, last, dpre), strict=True):
        np.testing.assert_allclose(a, b, atol=1e-10)


@pytest.mark.parametrize(
    "act, init, size, seed",
    [
        ("sigmoid", "identity", 48, 1),  # two diagonal entries cross at t = 131 (0.34% apart)
        ("sigmoid", "orthogonal", 48, 2),
        ("tanh", "gaussian", 64, 3),
        ("relu", "orthogonal", 64, 4),
    ],
)
def test_spectral_norm_on_long_chains_of_the_iterative_path(act, init, size, seed):
    model = bc.init_rnn(5, size, 3, spectral_radius=1.3, activation=act, init=init, seed=seed)
    xs = np.random.default_rng(2).standard_normal((1, 300, 5))
    result = bc.bptt(model, xs, np.zeros((1, 300), dtype=int))
    spec, _ = exact_log10_norms(model, result)
    got = bc.jacobian_log10_norms(model, result, ord=2)[0]
    zero = spec == -np.inf
    assert np.max(np.abs(10 ** (got[~zero] - spec[~zero]) - 1)) < 1e-6


def test_row_norms_survive_overflow_and_zero():
    from bptt_core.numerics import log10_row_norms

    got = log10_row_norms(np.array([[1e200, 1e200], [0.0, 0.0], [3.0, 4.0]]))
    np.testing.assert_allclose(got[[0, 2]], [200 + 0.5 * np.log10(2), np.log10(5)], rtol=1e-14)
    assert got[1] == -np.inf  # np.linalg.norm gives inf for the first row (docs/maths.md, "Numbers that leave float64")


def test_gradient_norms_survive_a_read_out_gradient_whose_squares_overflow(num):
    """MSE on an exploding forward pass: o_t - y_t ~ 1e180 is finite, its square is not.

    Checked against the same curves with the read-out gradient scaled down by an exact power of
    two first (every curve is linear in it), which keeps the squares inside float64.
    """
    from dataclasses import replace

    problem = bc.Problem(steps=300, hidden=4, rho=4.0, activation="linear", loss="mse")
    model, result = problem.run()
    assert np.max(np.abs(result.dout_direct)) > 1e160
    logs = bc.log10_gradient_norms(model, result)
    shift = 600
    scaled = replace(result, dout_direct=np.ldexp(result.dout_direct, -shift))
    reference = bc.log10_gradient_norms(model, scaled)
    for key in ("total", "last"):
        assert np.all(np.isfinite(logs[key]))
        np.testing.assert_allclose(logs[key], reference[key] + shift * np.log10(2.0), rtol=0, atol=1e-9)
