"""Every code path of the spectral norms of the suffix products (docs/norms.md), against exact SVDs.

The reference builds each J_t explicitly (cell.jacobians), multiplies the products out with
renormalisation and takes numpy's SVD of every one: nothing of the tracked subspace, the
certificate or the Lanczos iteration under test.
"""

import numpy as np
import pytest

import bptt_core as bc
from bptt_core import lognorms
from bptt_core.cells import cell_module


def run(cell="rnn", hidden=64, steps=300, rho=0.9, activation="tanh", init="gaussian", n=1, scale=1.0, seed=0):
    rng = np.random.default_rng(seed)
    if cell == "rnn":
        model = bc.init_rnn(5, hidden, 3, spectral_radius=rho, activation=activation, init=init, seed=seed)
    else:
        model = getattr(bc, f"init_{cell}")(5, hidden, 3, spectral_radius=rho, seed=seed)
    xs = scale * rng.standard_normal((n, steps, 5))
    return model, xs, rng.integers(0, 3, size=(n, steps))


def reference_log10_spectral(model, result, n=0):
    """log10 sigma_max(J_T ... J_{t+1}) for t = 0..T from explicit Jacobians and numpy's SVD."""
    cell = cell_module(model)
    steps = result.dh.shape[1]
    size = cell.state_size(model)
    p, scale, out = np.eye(size), 0.0, [0.0]
    for t in range(steps, 0, -1):
        p = p @ cell.jacobians(result.cache, t, t)[n, 0]
        norm = np.linalg.norm(p)
        if norm == 0:
            out.append(-np.inf)
            continue
        p, scale = p / norm, scale + np.log10(norm)
        out.append(scale + np.log10(np.linalg.svd(p, compute_uv=False)[0]))
    return np.array(out[::-1])


def relative_errors(got, want):
    finite = np.isfinite(want)
    assert np.array_equal(np.isfinite(got), finite)
    return np.abs(10 ** (got[finite] - want[finite]) - 1)


def checked(model, xs, targets, n=0):
    """Run the tracker, check sample n against the reference to 1e-6, return the tracker."""
    result = bc.bptt(model, xs, targets)
    fro, sigma, tracker = lognorms._suffix_norms(model, result)
    got = bc.jacobian_log10_norms(model, result, ord=2)[n]
    assert np.max(relative_errors(got, reference_log10_spectral(model, result, n))) < 1e-6
    return tracker


def test_certified_steps_then_shrinking_block_with_lanczos_before():
    tracker = checked(*run(hidden=64, steps=300))  # S = 64 > _EXACT_MAX_SIZE: Lanczos path
    counts = tracker.counts
    assert counts["lanczos"] > 0 and counts["refresh"] > 0 and counts["svd"] == 0
    assert counts["shrink"] >= 2 and tracker.rows == lognorms._MIN_BLOCK  # 32 -> 16 -> 8 -> 4 rows
    assert np.mean(tracker.rows_at > 0) > 0.6  # most steps certified


def test_small_state_uses_batched_exact_svd_before_certification():
    tracker = checked(*run(hidden=32, steps=200))
    assert tracker.counts["svd"] > 0 and tracker.counts["lanczos"] == 0
    assert np.mean(tracker.rows_at > 0) > 0.5


def test_certified_values_are_lower_bounds_within_the_tolerance():
    model, xs, targets = run(hidden=64, steps=300, seed=3)
    result = bc.bptt(model, xs, targets)
    fro, sigma, tracker = lognorms._suffix_norms(model, result)
    want = reference_log10_spectral(model, result)
    certified = np.append(tracker.rows_at[0] > 0, False)
    got = fro[0] + np.log10(sigma[0])
    ratio = 10 ** (got[certified] - want[certified])
    assert certified.sum() > 100
    assert np.all(ratio <= 1 + 1e-12) and np.all(ratio >= 1 - 2 * lognorms._CERTIFY_TOL)


@pytest.mark.parametrize("tail", [1e-14, 1e-11, 1e-9, 1e-7, 1e-5])
def test_certificate_never_accepts_a_wrong_value(tail):
    """_certifies on random products P = U_true diag(s) V^T with a subspace close to the top one."""
    rng = np.random.default_rng(int(-np.log10(tail)))
    size, rows = 40, 6
    accepted = 0
    for _ in range(40):
        s = np.concatenate([np.sort(rng.random(rows))[::-1] + 0.01, np.sqrt(tail) * rng.random(size - rows)])
        left = np.linalg.qr(rng.standard_normal((size, size)))[0]
        right = np.linalg.qr(rng.standard_normal((size, size)))[0]
        p = (left * s) @ right.T
        p /= np.linalg.norm(p)
        tilt = 10.0 ** -rng.uniform(3, 9)  # U: the top rows directions, slightly tilted
        u = np.linalg.qr(left[:, :rows] + tilt * rng.standard_normal((size, rows)))[0]
        y = u.T @ p
        theta = np.linalg.eigvalsh(y @ y.T)[-1]
        if lognorms._certifies(y, (y @ y.T).diagonal().max()):
            accepted += 1
            exact = np.linalg.svd(p, compute_uv=False)[0]
            assert 1 - 1e-14 - lognorms._CERTIFY_TOL <= np.sqrt(theta) / exact <= 1 + 1e-14
    assert accepted > 0 if tail <= 1e-11 else True
    assert accepted < 40 if tail >= 1e-7 else True


def test_orthogonal_linear_products_have_equal_singular_values_and_norm_one():
    """Never certifiable (all sigma equal): every step is a Lanczos run ending at its first step."""
    model, xs, targets = run(hidden=64, steps=400, rho=1.0, activation="linear", init="orthogonal")
    result = bc.bptt(model, xs, targets)
    norms = bc.jacobian_log10_norms(model, result, ord=2)
    np.testing.assert_allclose(norms, 0.0, atol=1e-9)
    _, _, tracker = lognorms._suffix_norms(model, result)
    assert tracker.counts["lanczos"] == 400 and tracker.counts["lanczos_svd"] == 0
    assert tracker.counts["refresh"] < 100  # refreshes back off


@pytest.mark.parametrize("a", [0.25, 4.0])
def test_products_beyond_float64_on_the_iterative_path(a):
    """||(a Q)^n||_2 = a^n for orthogonal Q: 10^-903 and 10^+903 at n = 1500."""
    model, xs, targets = run(hidden=64, steps=1500, rho=a, activation="linear", init="orthogonal", scale=0.0)
    norms = bc.jacobian_log10_norms(model, bc.bptt(model, xs, targets), ord=2)[0]
    expected = (1500 - np.arange(1501)) * np.log10(a)
    assert np.max(np.abs(10 ** (norms - expected) - 1)) < 1e-6
    assert abs(norms[0]) > 900


def test_overflowing_forward_pass_on_the_iterative_path():
    model, xs, targets = run(hidden=64, steps=500, rho=8.0, activation="relu", seed=1)
    model.b_h += 1.0  # h_t leaves float64 at t = 444
    result = bc.bptt(model, xs, targets)
    assert result.overflow_step is not None
    got = bc.jacobian_log10_norms(model, result, ord=2)[0]
    assert got[0] > 308  # the product itself is beyond float64
    assert np.max(relative_errors(got, reference_log10_spectral(model, result))) < 1e-6


def test_diagonal_products_with_crossing_entries():
    tracker = checked(*run(hidden=64, steps=300, rho=1.0, activation="sigmoid", init="identity", seed=1))
    assert tracker.counts["lanczos"] == 0  # diagonal: exact without iterating


@pytest.mark.parametrize(
    "cell, hidden, activation, init, rho",
    [
        ("rnn", 64, "sigmoid", "orthogonal", 1.3),  # close top singular values for hundreds of steps
        ("rnn", 56, "relu", "orthogonal", 1.0),
        ("rnn", 80, "tanh", "gaussian", 1.5),
        ("lstm", 32, "tanh", "gaussian", 0.9),  # S = 2H = 64
        ("gru", 64, "tanh", "gaussian", 0.9),
    ],
)
def test_long_chains_match_exact_svd(cell, hidden, activation, init, rho):
    checked(*run(cell, hidden=hidden, steps=320, rho=rho, activation=activation, init=init, seed=7))


def test_a_zero_product_in_one_sample_leaves_the_other_exact():
    """relu'(0) = 0: with no input sample 0's Jacobians are zero; sample 1 still shrinks the block."""
    model, xs, targets = run(hidden=64, steps=300, activation="relu", n=2, seed=5)
    xs[0] = 0.0
    result = bc.bptt(model, xs, targets)
    norms = bc.jacobian_log10_norms(model, result, ord=2)
    assert norms[0, -1] == 0.0 and np.all(norms[0, :-1] == -np.inf)
    assert np.max(relative_errors(norms[1], reference_log10_spectral(model, result, 1))) < 1e-6
    _, _, tracker = lognorms._suffix_norms(model, result)
    assert tracker.counts["shrink"] > 0
