"""The dynamics core (bptt_core/dynamics, docs/dynamics.md) against independent computations.

Golden cases with a known answer (a I, rho times an orthogonal matrix), explicit products of the
explicit Jacobians (np.linalg.norm(., 2) is an exact SVD), determinants by LU (slogdet), the
same network built one cell at a time, and Monte Carlo for the mean field.
"""

from __future__ import annotations

import numpy as np
import pytest

import bptt_core
from bptt_core.activations import get_activation
from bptt_core.bptt import bptt
from bptt_core.cells import CELLS
from bptt_core.cells.rnn import init_rnn
from bptt_core.dynamics import (
    influence_log10_norms,
    lyapunov_log10_exponents,
    mean_field_chi,
    mean_field_edge,
    mean_field_q,
    phase_grid,
    phase_inputs,
    sigma_w_per_rho,
)
from bptt_core.lognorms import jacobian_log10_norms

PUBLIC_NAMES = [
    "influence_log10_norms",
    "lyapunov_log10_exponents",
    "phase_grid",
    "phase_inputs",
    "mean_field_q",
    "mean_field_chi",
    "mean_field_edge",
    "sigma_w_per_rho",
]


def run(cell: str, hidden: int, steps: int, *, rho: float, n: int = 1, seed: int = 0, **kwargs):
    """(model, bptt result) of a cell on random inputs, D = K = 3."""
    init = getattr(CELLS[cell], f"init_{cell}")
    model = init(3, hidden, 3, spectral_radius=rho, seed=seed, **kwargs)
    rng = np.random.default_rng(seed + 1)
    xs = rng.standard_normal((n, steps, 3))
    return model, bptt(model, xs, rng.integers(0, 3, size=(n, steps)))


def explicit_influence(model, result, ord) -> np.ndarray:
    """(N, T+1, T+1) by brute force: every product J_t ... J_{s+1} formed explicitly, then its norm."""
    cell = CELLS[model.cell]
    jac = cell.jacobians(result.cache, 1, result.dh.shape[1])  # (N, T, S, S)
    n, steps, size = jac.shape[:3]
    out = np.full((n, steps + 1, steps + 1), np.nan)
    for b in range(n):
        for s in range(steps + 1):
            product = np.eye(size)
            out[b, s, s] = 0.0
            for t in range(s + 1, steps + 1):
                product = jac[b, t - 1] @ product
                out[b, t, s] = np.log10(np.linalg.norm(product, ord))
    return out


@pytest.mark.parametrize("name", PUBLIC_NAMES)
def test_exported_from_package(name):
    assert hasattr(bptt_core, name)


# ---- golden cases -------------------------------------------------------------------------


@pytest.mark.parametrize("a", [0.5, 2.0])
def test_scaled_identity_exponents_and_map_are_exact_far_outside_float64(a):
    """Linear f, W_h = a I: J_t = a I, so every exponent is log10 a and ||ds_t/ds_s|| = a^(t-s),
    here up to 10^(+-903): far outside float64."""
    steps = 3000
    model, result = run("rnn", 2, steps, rho=a, activation="linear", init="identity")
    exponents = lyapunov_log10_exponents(model, result, k=2)
    np.testing.assert_allclose(exponents, np.log10(a), rtol=0, atol=1e-12)
    influence = influence_log10_norms(model, result)[0]
    assert abs(influence[steps, 0]) > 900
    lag = np.subtract.outer(np.arange(steps + 1), np.arange(steps + 1))  # t - s
    lower = lag >= 0
    assert np.isnan(influence[~lower]).all()
    assert np.max(np.abs(influence[lower] - lag[lower] * np.log10(a))) < 1e-9


@pytest.mark.parametrize("a", [1e-40, 1e-5, 0.5, 3.0])
def test_top_exponent_alone_is_exact_whether_batched_or_redone_step_by_step(a):
    """k = 1 normalises every few steps; a^8 = 1e-320 leaves float64's normal range, so that
    batch is redone one step at a time: either way lambda_1 = log10 a exactly."""
    model, result = run("rnn", 3, 50, rho=a, activation="linear", init="identity")
    np.testing.assert_allclose(lyapunov_log10_exponents(model, result, k=1), np.log10(a), rtol=0, atol=1e-12)


@pytest.mark.parametrize("rho", [0.7, 1.0, 1.6])
def test_orthogonal_times_rho_has_every_exponent_log10_rho(rho):
    model, result = run("rnn", 6, 400, rho=rho, activation="linear", init="orthogonal")
    np.testing.assert_allclose(lyapunov_log10_exponents(model, result, k=6), np.log10(rho), rtol=0, atol=1e-12)


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_exponents_sum_to_mean_log_determinant(cell):
    """Sum of all S exponents = mean of log10 |det J_t|, the determinants by LU (slogdet)."""
    model, result = run(cell, 4, 150, rho=1.2, n=2)
    size = CELLS[cell].state_size(model)
    exponents = lyapunov_log10_exponents(model, result, k=size)
    _, logabsdet = np.linalg.slogdet(CELLS[cell].jacobians(result.cache, 1, 150))  # (N, T), natural log
    np.testing.assert_allclose(exponents.sum(axis=1), logabsdet.mean(axis=1) / np.log(10), rtol=0, atol=1e-10)
    assert np.all(np.diff(exponents, axis=1) <= 0)  # descending


def test_top_exponent_is_the_slope_of_long_products():
    """lambda_1 against the slope of log10 ||ds_T/ds_t|| (jacobian_log10_norms) over a long run."""
    model, result = run("rnn", 8, 4000, rho=1.5)
    lam = lyapunov_log10_exponents(model, result, k=3)
    norms = jacobian_log10_norms(model, result)[0]
    slope = (norms[0] - norms[2000]) / 2000  # per step, in log10
    assert abs(lam[0, 0] - slope) < 0.01
    assert lam[0, 0] > lam[0, 1] > lam[0, 2]


# ---- the influence map --------------------------------------------------------------------


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("ord", [2, "fro"])
def test_influence_map_equals_explicit_products(cell, ord):
    model, result = run(cell, 3, 25, rho=1.3, n=2)
    influence = influence_log10_norms(model, result, ord=ord)
    expected = explicit_influence(model, result, ord)
    assert influence.shape == (2, 26, 26)
    np.testing.assert_allclose(influence, expected, rtol=0, atol=1e-10)  # NaN above the diagonal in both


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("ord", [2, "fro"])
def test_influence_row_T_equals_jacobian_log10_norms(cell, ord):
    model, result = run(cell, 5, 120, rho=0.9, n=2)
    influence = influence_log10_norms(model, result, ord=ord)
    expected = jacobian_log10_norms(model, result, ord=ord)
    np.testing.assert_allclose(influence[:, -1, :-1], expected[:, :-1], rtol=0, atol=1e-9)
    assert np.all(influence[:, -1, -1] == 0.0)


def test_truncated_rows_are_a_lower_bound_that_becomes_exact_far_from_the_diagonal():
    """rank r < S: log10 ||U_t^T ds_t/ds_s|| <= the exact value, equal once t - s is large (docs/dynamics.md).

    Measured here: 2e-14 at t - s >= 60, at most 0.11 next to the diagonal."""
    model, result = run("rnn", 12, 150, rho=1.1, n=2)
    exact = explicit_influence(model, result, 2)
    approx = influence_log10_norms(model, result, rank=5)
    lag = np.subtract.outer(np.arange(151), np.arange(151))
    lower = lag >= 0
    assert np.all(approx[:, lower] <= exact[:, lower] + 1e-9)
    assert np.max(np.abs(approx - exact)[:, lag >= 60]) < 1e-6
    assert np.max(np.abs(approx - exact)[:, lower]) < 0.5


def test_influence_reports_exact_zero_as_minus_inf():
    """ReLU with every unit off (h_0 = 0, negative drive): J_t = 0, the products are truly 0."""
    model = init_rnn(3, 4, 3, spectral_radius=0.9, activation="relu", seed=0)
    model.W_x[:] = 0.0
    model.b_h[:] = -1.0
    result = bptt(model, np.zeros((1, 10, 3)), np.zeros((1, 10), dtype=int))
    influence = influence_log10_norms(model, result)[0]
    lag = np.subtract.outer(np.arange(11), np.arange(11))
    assert np.all(influence[lag > 0] == -np.inf)
    assert np.all(np.diagonal(influence) == 0.0)
    assert np.all(lyapunov_log10_exponents(model, result, k=2) == -np.inf)


# ---- the phase grid -----------------------------------------------------------------------


def test_phase_inputs_are_the_apps_sequence():
    from bptt_core.problem import Problem

    xs, _ = Problem(steps=30, seed=4, input_scale=1.7).sequence()
    np.testing.assert_array_equal(xs[0], 1.7 * phase_inputs(30, 4))


@pytest.mark.parametrize(
    ("activation", "init"), [("tanh", "gaussian"), ("relu", "orthogonal"), ("sigmoid", "gaussian")]
)
def test_phase_grid_cell_equals_the_network_built_alone(activation, init):
    rhos, scales = np.array([0.5, 1.0, 1.3]), np.array([0.0, 0.5, 2.0])
    steps, hidden, seed = 80, 8, 3
    grid = phase_grid(rhos, scales, activation=activation, init=init, hidden=hidden, steps=steps, seed=seed)
    assert grid.shape == (3, 3)
    for i, scale in enumerate(scales):
        for j, rho in enumerate(rhos):
            model = init_rnn(8, hidden, 8, spectral_radius=rho, activation=activation, init=init, seed=seed)
            xs = scale * phase_inputs(steps, seed)[None]
            result = bptt(model, xs, np.zeros((1, steps), dtype=int))
            alone = lyapunov_log10_exponents(model, result, k=1)[0, 0]
            if alone == -np.inf:  # ReLU with no input: every unit off, J_t = 0
                assert grid[i, j] == -np.inf
            else:
                assert abs(grid[i, j] - alone) < 1e-9


def test_phase_grid_of_linear_orthogonal_net_is_log10_rho():
    rhos = np.array([0.5, 1.0, 2.0])
    grid = phase_grid(rhos, np.array([0.0, 1.0]), activation="linear", init="orthogonal", hidden=6, steps=3000)
    np.testing.assert_allclose(grid, np.broadcast_to(np.log10(rhos), (2, 3)), rtol=0, atol=1e-12)


# ---- the mean field -----------------------------------------------------------------------


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "relu"])
@pytest.mark.parametrize(("sigma_w", "input_scale"), [(0.8, 0.5), (1.5, 1.0), (2.5, 0.0)])
def test_chi_against_monte_carlo(activation, sigma_w, input_scale):
    """chi = sigma_w^2 E[f'(a)^2], a ~ N(0, q*) sampled directly (within 5 standard errors)."""
    chi = mean_field_chi(sigma_w, input_scale, activation)
    q = mean_field_q(sigma_w, input_scale, activation)
    if not np.isfinite(q):  # relu past its edge: chi does not depend on the scale of a
        q = 1.0
    act = bptt_core.get_activation(activation)
    a = np.sqrt(q) * np.random.default_rng(7).standard_normal(1_000_000)
    samples = sigma_w**2 * act.df(a, act.f(a)) ** 2
    assert abs(chi - samples.mean()) < 5 * samples.std() / np.sqrt(a.size) + 1e-12


@pytest.mark.parametrize(("sigma_w", "input_scale"), [(0.9, 1.0), (1.6, 0.5), (3.0, 0.2)])
def test_variance_fixed_point_against_a_wide_random_network(sigma_w, input_scale):
    """q* against the pre-activation variance of a wide tanh RNN built like init_rnn (W_x ~ N(0, 1/D)).

    With D = 8 the input's share of the variance is a chi-square with 8 degrees of freedom at each
    step: averaged over 32 sequences and 40 steps (about 1% noise). tanh only: with a non-zero
    mean (sigmoid, ReLU) the offset mean(h) sum_j W_ij is frozen per unit, and one network of
    1000 units samples its variance with ~4.5% noise (measured 4.5% for sigmoid)."""
    activation = "tanh"
    hidden, d, n, steps = 1000, 8, 32, 60
    rng = np.random.default_rng(11)
    w_h = rng.standard_normal((hidden, hidden)) * sigma_w / np.sqrt(hidden)
    w_x = rng.standard_normal((hidden, d)) / np.sqrt(d)
    act = bptt_core.get_activation(activation)
    h = np.zeros((n, hidden))
    variances = []
    for t in range(steps):
        a = h @ w_h.T + input_scale * rng.standard_normal((n, d)) @ w_x.T
        h = act.f(a)
        if t >= 20:
            variances.append(np.mean(a * a))
    q = mean_field_q(sigma_w, input_scale, activation)
    assert abs(np.mean(variances) / q - 1) < 0.03


def test_mean_field_golden_values():
    np.testing.assert_allclose(mean_field_chi(1.0, 0.0, "tanh"), 1.0, atol=1e-12)  # q* = 0: f'(0) = 1
    np.testing.assert_allclose(mean_field_chi(np.sqrt(2.0), 3.0, "relu"), 1.0, atol=1e-12)  # E[1{a>0}] = 1/2
    np.testing.assert_allclose(mean_field_q(0.5, 1.0, "linear"), 1.0 / 0.75, rtol=1e-12)  # s^2 / (1 - sigma_w^2)
    assert mean_field_q(1.5, 1.0, "relu") == np.inf  # sigma_w^2 / 2 > 1: the variance grows without bound
    np.testing.assert_allclose(mean_field_edge([0.0, 1.0], "relu"), np.sqrt(2.0), rtol=1e-12)
    np.testing.assert_allclose(mean_field_edge([0.0], "tanh"), 1.0, atol=1e-9)
    assert sigma_w_per_rho("orthogonal", 16, 0) == pytest.approx(1.0, abs=1e-12)
    assert abs(sigma_w_per_rho("gaussian", 256, 0) - 1.0) < 0.1


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "relu", "leaky_relu"])
def test_edge_has_chi_one_and_moves_right_with_input(activation):
    scales = np.array([0.0, 0.5, 1.0, 2.0, 4.0])
    rho = mean_field_edge(scales, activation, sigma_w_per_rho=0.9)
    chi = mean_field_chi(0.9 * rho, scales, activation)
    np.testing.assert_allclose(chi, 1.0, atol=1e-8)
    assert np.all(np.diff(rho) >= -1e-12)  # input noise pushes the edge to larger rho (or leaves it)


@pytest.mark.parametrize("cell", sorted(CELLS))
def test_lmul_jacobian_is_the_directional_derivative_of_one_step(num, cell):
    """J_t q from lmul_jacobian against centred differences of step_forward along each column of q."""
    model, result = run(cell, 4, 6, rho=1.1, n=2, seed=3)
    mod, cache = CELLS[cell], result.cache
    act = get_activation(model.activation) if cell == "rnn" else None
    q = np.random.default_rng(4).standard_normal((2, mod.state_size(model), 3))
    eps = 1e-6
    for t in range(1, 7):
        pushed = mod.lmul_jacobian(q, cache, t)  # (N, S, k)
        s_prev, x_t = cache.states[:, t - 1], cache.xs[:, t - 1]
        for j in range(q.shape[2]):
            up = mod.step_forward(model, act, x_t, s_prev + eps * q[:, :, j])[0]
            down = mod.step_forward(model, act, x_t, s_prev - eps * q[:, :, j])[0]
            assert num.rel_error(pushed[:, :, j], (up - down) / (2 * eps)) < 1e-6, (t, j)
        np.testing.assert_allclose(pushed, mod.jacobians(cache, t, t)[:, 0] @ q, rtol=1e-12, atol=1e-14)
