"""Truncated BPTT, gradient clipping and Pascanu's cliff.

Truncated gradients are checked against brute-force sums of explicitly built path terms
(products of the cells' explicit Jacobians), never against the code under test.
"""

from __future__ import annotations

import numpy as np
import pytest

import bptt_core as bc
from bptt_core import cliff
from bptt_core.cells import CELLS
from bptt_core.clipping import CLIPPERS, clip_global_norm, clip_value, no_clip
from bptt_core.truncation import (
    TBPTT,
    Chunked,
    Randomized,
    path_mask,
    path_weights,
    per_step_contributions,
    truncated_grads,
)

N, T, D, H, K = 3, 6, 2, 3, 3


def make_case(cell: str, n: int = N, steps: int = T, seed: int = 0):
    init = getattr(CELLS[cell], f"init_{cell}")
    model = init(D, H, K, spectral_radius=1.2, seed=seed)
    rng = np.random.default_rng(seed + 1)
    xs = rng.standard_normal((n, steps, D))
    targets = rng.integers(0, K, size=(n, steps))
    return model, xs, targets


def rel_error(a: np.ndarray, b: np.ndarray) -> float:
    scale = np.max(np.abs(a) + np.abs(b))
    return 0.0 if scale == 0 else float(np.max(np.abs(a - b)) / scale)


def path_terms(model, result) -> dict[tuple[int, int], dict[str, np.ndarray]]:
    """Brute force: term (s, t) = local_t( (J_s ... J_{t+1})^T g_s ) from explicit Jacobian matrices."""
    cell = CELLS[model.cell]
    cache = result.cache
    g = cell.state_grad_from_hidden(result.dout_direct)
    steps = g.shape[1]
    jac = {t: cell.jacobians(cache, t, t)[:, 0] for t in range(1, steps + 1)}  # (N, S, S) ds_t/ds_{t-1}
    terms = {}
    for s in range(1, steps + 1):
        ds = g[:, s - 1]
        for t in range(s, 0, -1):
            dpre, _ = cell.step_backward(ds, cache, t)
            terms[s, t] = cell.step_param_grads(dpre, cache, t)
            ds = np.einsum("nij,ni->nj", jac[t], ds)  # ds_{t-1} = J_t^T ds_t
    return terms


def weighted_sum(model, terms, weights) -> dict[str, np.ndarray]:
    out = {name: np.zeros_like(getattr(model, name)) for name in CELLS[model.cell].CELL_PARAMS}
    for (s, t), term in terms.items():
        for name, value in out.items():
            out[name] = value + weights[s - 1, t - 1] * term[name]
    return out


@pytest.mark.parametrize("cell", sorted(CELLS))
def test_brute_force_paths_sum_to_full_gradient(cell):
    model, xs, y = make_case(cell)
    full = bc.bptt(model, xs, y)
    brute = weighted_sum(model, path_terms(model, full), np.tril(np.ones((T, T))))
    for name in brute:
        assert rel_error(brute[name], full.grads[name]) < 1e-12


@pytest.mark.parametrize("cell", sorted(CELLS))
@pytest.mark.parametrize("k", [T, T + 5, 100])
def test_chunk_at_least_T_is_the_full_gradient(cell, k):
    model, xs, y = make_case(cell)
    full = bc.bptt(model, xs, y)
    trunc = bc.bptt(model, xs, y, truncation=Chunked(k))
    for name in model.param_names:
        np.testing.assert_allclose(trunc.grads[name], full.grads[name], rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(trunc.dh, full.dh, rtol=1e-12, atol=1e-12)


def test_chunk_one_is_the_sum_of_one_step_terms_rnn():
    model, xs, y = make_case("rnn")
    result = bc.bptt(model, xs, y, truncation=Chunked(1))
    hs, dout = result.hs, result.dout_direct
    da = (1.0 - hs[:, 1:] ** 2) * dout  # tanh: dL_t/da_t = (1 - h_t^2) * W_y^T dL_t/do_t, no path back
    expected = {
        "W_h": np.einsum("nti,ntj->ij", da, hs[:, :-1]),
        "W_x": np.einsum("nti,ntj->ij", da, xs),
        "b_h": da.sum(axis=(0, 1)),
    }
    for name, value in expected.items():
        assert rel_error(result.grads[name], value) < 1e-12
    full = bc.bptt(model, xs, y)
    for name in ("W_y", "b_y"):  # the read-out is never truncated
        np.testing.assert_array_equal(result.grads[name], full.grads[name])


@pytest.mark.parametrize("cell", sorted(CELLS))
@pytest.mark.parametrize(
    "spec", [Chunked(1), Chunked(4), Chunked(5), Chunked(3), TBPTT(2, 3), TBPTT(3, 5), TBPTT(4, 2), TBPTT(1, 6)]
)
def test_truncations_match_brute_force_sum_of_kept_terms(cell, spec):
    model, xs, y = make_case(cell)
    full = bc.bptt(model, xs, y)
    mask = _rule_mask(spec, T)  # built by hand from chunk / block indices, independently of the code
    np.testing.assert_array_equal(path_mask(spec, T), mask)
    brute = weighted_sum(model, path_terms(model, full), mask.astype(float))
    trunc = bc.bptt(model, xs, y, truncation=spec)
    for name in brute:
        assert rel_error(trunc.grads[name], brute[name]) < 1e-12


def _rule_mask(spec, steps: int) -> np.ndarray:
    if isinstance(spec, Chunked):  # chunks listed by hand: t and s in the same chunk [1..k], [k+1..2k], ..., [.., T]
        chunk_of = np.concatenate(
            [
                np.full(len(range(start, min(start + spec.k, steps))), number)
                for number, start in enumerate(range(0, steps, spec.k))
            ]
        )
        return np.tril(chunk_of[:, None] == chunk_of[None, :])
    mask = np.zeros((steps, steps), dtype=bool)
    for s in range(1, steps + 1):
        block_end = min(-(-s // spec.k1) * spec.k1, steps)  # Williams & Peng: the backward pass that injects loss s
        for t in range(1, s + 1):
            mask[s - 1, t - 1] = t > block_end - spec.k2
    return mask


def test_chunked_equals_tbptt_k_k_when_k_divides_t():
    model, xs, y = make_case("rnn", steps=12)
    a = bc.bptt(model, xs, y, truncation=Chunked(4))
    b = bc.bptt(model, xs, y, truncation=TBPTT(4, 4))
    for name in model.param_names:
        np.testing.assert_array_equal(a.grads[name], b.grads[name])
    # 4 does not divide 11: TBPTT's last block [9..11] reaches back to step 8, Chunked's stops at step 9
    a = bc.bptt(model, xs[:, :11], y[:, :11], truncation=Chunked(4))
    b = bc.bptt(model, xs[:, :11], y[:, :11], truncation=TBPTT(4, 4))
    assert not np.allclose(a.grads["W_h"], b.grads["W_h"])


@pytest.mark.parametrize("cell", sorted(CELLS))
def test_randomized_weights_match_brute_force(cell):
    model, xs, y = make_case(cell)
    full = bc.bptt(model, xs, y)
    spec = Randomized(0.5, seed=7)
    xi = spec.xi(T)
    weights = np.zeros((T, T))
    for s in range(1, T + 1):
        for t in range(1, s + 1):
            weights[s - 1, t - 1] = np.prod(xi[t:s])  # prod_{u=t+1..s} xi_u
    np.testing.assert_array_equal(path_weights(spec, T), weights)
    brute = weighted_sum(model, path_terms(model, full), weights)
    trunc = bc.bptt(model, xs, y, truncation=spec)
    for name in brute:
        assert rel_error(trunc.grads[name], brute[name]) < 1e-12


@pytest.mark.parametrize("cell", sorted(CELLS))
def test_randomized_is_unbiased(cell):
    """Mean over M seeds: ||mean - full|| below 5 standard errors, sqrt(trace Cov / M)."""
    model, xs, y = make_case(cell, n=1, steps=5)
    full = bc.bptt(model, xs, y)
    names = CELLS[cell].CELL_PARAMS
    flat_full = np.concatenate([full.grads[name].ravel() for name in names])
    seeds = 2000
    samples = np.array(
        [
            np.concatenate([g[name].ravel() for name in names])
            for g in (truncated_grads(model, full, Randomized(0.5, seed)) for seed in range(seeds))
        ]
    )
    error = np.linalg.norm(samples.mean(axis=0) - flat_full)
    standard_error = np.sqrt(samples.var(axis=0, ddof=1).sum() / seeds)
    assert standard_error > 0  # the estimate really is random
    assert error < 5 * standard_error
    single = np.linalg.norm(samples[0] - flat_full)  # one sample is far off: the price of no bias
    assert error < single or single == 0


def test_randomized_pi_one_is_full_and_bad_specs_fail():
    model, xs, y = make_case("rnn")
    full = bc.bptt(model, xs, y)
    rand = bc.bptt(model, xs, y, truncation=Randomized(1.0, 3))
    for name in model.param_names:
        np.testing.assert_allclose(rand.grads[name], full.grads[name], rtol=1e-12, atol=1e-12)
    for bad in (lambda: Chunked(0), lambda: TBPTT(2, 0), lambda: Randomized(0.0), lambda: Randomized(1.5)):
        with pytest.raises(ValueError):
            bad()


@pytest.mark.parametrize("cell", sorted(CELLS))
def test_per_step_contributions_kept_and_dropped(cell):
    model, xs, y = make_case(cell)
    full = bc.bptt(model, xs, y)
    spec = TBPTT(2, 3)
    contrib = per_step_contributions(model, full, spec)
    terms = path_terms(model, full)
    mask = path_mask(spec, T)
    np.testing.assert_array_equal(contrib.kept, mask)
    for (s, t), term in terms.items():
        norm = np.linalg.norm(term["W_h"])
        expected = np.log10(norm) if norm > 0 else -np.inf
        np.testing.assert_allclose(contrib.log10_pair[s - 1, t - 1], expected, atol=1e-10)
    for t in range(1, T + 1):
        kept = sum(terms[s, t]["W_h"] for s in range(t, T + 1) if mask[s - 1, t - 1])
        dropped = sum(terms[s, t]["W_h"] for s in range(t, T + 1) if not mask[s - 1, t - 1])
        for got, want in ((contrib.log10_kept[t - 1], kept), (contrib.log10_dropped[t - 1], dropped)):
            norm = np.linalg.norm(want)
            if norm == 0:
                assert got == -np.inf
            else:
                np.testing.assert_allclose(got, np.log10(norm), atol=1e-10)


@pytest.mark.parametrize("cell", sorted(CELLS))
@pytest.mark.parametrize("loss_steps", ["all", "last"])
def test_one_sequence_runs_every_sweep_at_once_with_the_same_numbers(cell, loss_steps):
    """N = 1 takes the batched path (all loss steps' sweeps at once): checked against explicit Jacobians."""
    model, xs, y = make_case(cell, n=1, steps=8)
    full = bc.bptt(model, xs, y, loss_steps=loss_steps)
    spec = Chunked(3)
    contrib = per_step_contributions(model, full, spec)
    terms = path_terms(model, full)
    mask = path_mask(spec, 8)
    for (s, t), term in terms.items():
        norm = np.linalg.norm(term["W_h"])
        expected = np.log10(norm) if norm > 0 else -np.inf
        np.testing.assert_allclose(contrib.log10_pair[s - 1, t - 1], expected, atol=1e-10)
    for t in range(1, 9):
        for got, keep in ((contrib.log10_kept[t - 1], True), (contrib.log10_dropped[t - 1], False)):
            want = sum(terms[s, t]["W_h"] for s in range(t, 9) if mask[s - 1, t - 1] == keep)
            norm = np.linalg.norm(want)
            assert got == -np.inf if norm == 0 else abs(got - np.log10(norm)) < 1e-10


def test_per_step_contributions_log_domain_survives_underflow():
    """A linear RNN with W_h = 0.01 I over 200 steps: terms near 1e-396 (below float64) keep their exponent."""
    steps = 200
    model = bc.init_rnn(1, 2, 2, spectral_radius=0.01, init="identity", activation="linear", seed=0)
    xs = np.ones((1, steps, 1))
    full = bc.bptt(model, xs, np.zeros((1, steps), dtype=int), loss_steps="last")
    contrib = per_step_contributions(model, full, Chunked(10))
    far = contrib.log10_pair[steps - 1, 1]  # loss step T to state step 2: 198 factors of 0.01
    assert np.isfinite(far) and far < -390
    assert contrib.log10_dropped[1] == pytest.approx(far)


# ---------------------------------------------------------------- clipping


def random_grads(scale: float, seed: int = 0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {"W_h": scale * rng.standard_normal((3, 3)), "b_h": scale * rng.standard_normal(3)}


def flat(grads):
    return np.concatenate([v.ravel() for v in grads.values()])


def test_global_norm_clipping_keeps_direction_and_sets_norm():
    grads = random_grads(10.0)
    clipped, report = clip_global_norm(grads, 1.5)
    assert np.linalg.norm(flat(clipped)) == pytest.approx(1.5, rel=1e-12)
    assert report.norm_after == pytest.approx(1.5, rel=1e-12)
    assert report.norm_before == pytest.approx(np.linalg.norm(flat(grads)), rel=1e-12)
    assert report.cosine == pytest.approx(1.0, abs=1e-12)
    assert report.fraction_clipped == 1.0
    assert clipped["W_h"].shape == (3, 3) and clipped["b_h"].shape == (3,)


def test_value_clipping_bounds_every_entry_and_turns_the_direction():
    grads = random_grads(10.0)
    clipped, report = clip_value(grads, 5.0)
    raw = flat(grads)
    assert np.all(np.abs(flat(clipped)) <= 5.0)
    assert report.fraction_clipped == pytest.approx(np.mean(np.abs(raw) > 5.0))
    assert 0 < report.cosine < 1.0


@pytest.mark.parametrize("name", sorted(CLIPPERS))
def test_below_threshold_nothing_changes(name):
    grads = random_grads(0.01)
    clipped, report = CLIPPERS[name](grads, 5.0)
    for key in grads:
        np.testing.assert_array_equal(clipped[key], grads[key])
        assert clipped[key] is not grads[key]  # a copy, never in place
    assert report.fraction_clipped == 0.0 and report.cosine == pytest.approx(1.0, abs=1e-12)


@pytest.mark.parametrize("name", sorted(CLIPPERS))
def test_clipping_never_produces_nan(name):
    zero = {"a": np.zeros(4)}
    _, report = CLIPPERS[name](zero, 1.0)
    assert report.cosine == 1.0 and report.norm_before == 0.0
    huge = {"a": np.array([1e300, -1e300, 1.0]), "b": np.array([np.nan, np.inf])}
    clipped, report = CLIPPERS[name](huge, 1.0)
    assert all(np.all(~np.isnan(v)) for v in clipped.values())
    assert not np.isnan([report.norm_before, report.norm_after, report.cosine, report.fraction_clipped]).any()


def test_global_norm_of_huge_gradient_is_finite():
    grads = {"a": np.full(4, 1e200)}
    clipped, report = clip_global_norm(grads, 1.0)
    assert report.norm_before == pytest.approx(2e200, rel=1e-12)
    assert np.linalg.norm(clipped["a"]) == pytest.approx(1.0, rel=1e-12)
    assert no_clip(grads)[1].norm_before == pytest.approx(2e200, rel=1e-12)


# ---------------------------------------------------------------- Pascanu's cliff


@pytest.mark.parametrize("point", [(1.0, 0.3), (8.0, -2.0), (5.0, -2.6), (-2.0, 1.0)])
def test_cliff_gradient_matches_finite_differences(point):
    w, b = point
    eps = 1e-6
    _, dw, db = cliff.gradient(w, b)
    num_dw = (cliff.loss(w + eps, b) - cliff.loss(w - eps, b)) / (2 * eps)
    num_db = (cliff.loss(w, b + eps) - cliff.loss(w, b - eps)) / (2 * eps)
    assert rel_error(np.array([dw, db]), np.array([num_dw, num_db])) < 1e-6


def test_cliff_surface_is_vectorised_and_matches_points():
    w_grid, b_grid = np.linspace(*cliff.W_RANGE, 7), np.linspace(*cliff.B_RANGE, 5)
    surface = cliff.loss_surface(w_grid, b_grid)
    assert surface.shape == (5, 7)
    assert surface[3, 2] == pytest.approx(cliff.gradient(w_grid[2], b_grid[3])[0], rel=1e-12)


def test_cliff_default_descent_shows_the_wall():
    plain = cliff.gradient_descent(clipper="none")
    clipped = cliff.gradient_descent(clipper="norm", threshold=cliff.NORM_THRESHOLD)
    assert plain.trajectory.shape == (cliff.ITERATIONS + 1, 2)
    assert plain.grad_norms.max() > 100  # the wall
    assert np.abs(np.diff(plain.trajectory, axis=0)).max() > 10  # one step thrown far away
    assert np.abs(np.diff(clipped.trajectory, axis=0)).max() <= cliff.LEARNING_RATE * cliff.NORM_THRESHOLD + 1e-12
    assert clipped.clipped.any() and not plain.clipped.any()
    assert clipped.losses[-1] < plain.losses[-1]
