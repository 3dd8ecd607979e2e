"""Regular truncation Chunked(k) against an independent brute force, for k that does and does not divide T.

The brute force runs the forward pass chunk by chunk ([1..k], [k+1..2k], ..., [.., T]), each chunk
starting from the state carried out of the previous one and treated as a constant (detached): each
chunk's gradient is a full, untruncated bptt() of that chunk alone, and the chunks' gradients are
summed. No gradient crosses a chunk border, whatever T mod k, the last (shorter) chunk included.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import bptt_core
from bptt_core.bptt import bptt
from bptt_core.cells import CELLS
from bptt_core.truncation import TBPTT, Chunked, path_mask, path_weights

N, D, H, K = 2, 2, 3, 3


def make_case(cell: str, steps: int, seed: int = 0):
    init = getattr(CELLS[cell], f"init_{cell}")
    model = init(D, H, K, spectral_radius=1.3, seed=seed)
    rng = np.random.default_rng(seed + 1)
    xs = rng.standard_normal((N, steps, D))
    targets = rng.integers(0, K, size=(N, steps))
    return model, xs, targets


def chunks(steps: int, k: int) -> list[tuple[int, int]]:
    """0-based [start, stop) index ranges of the chunks [1..k], [k+1..2k], ..., [.., T]."""
    return [(start, min(start + k, steps)) for start in range(0, steps, k)]


def detached_chunk_grads(model, xs, targets, k: int) -> dict[str, np.ndarray]:
    """Sum over chunks of each chunk's own full gradient, the chunk's initial state held constant."""
    total = {name: np.zeros_like(value) for name, value in model.params().items()}
    state = None  # s_0 = 0
    for start, stop in chunks(xs.shape[1], k):
        part = bptt(model, xs[:, start:stop], targets[:, start:stop], h0=state)
        for name, value in part.grads.items():
            total[name] += value
        state = part.cache.states[:, -1].copy()  # (N, S) carried forward, a constant for the next chunk
    return total


def chunk_losses(model, xs, targets, k: int, states) -> float:
    """Sum of the chunks' losses, chunk c starting from the FIXED state states[c] (None for the first)."""
    return sum(
        bptt(model, xs[:, start:stop], targets[:, start:stop], h0=h0).loss
        for (start, stop), h0 in zip(chunks(xs.shape[1], k), states, strict=True)
    )


def relative_error(a: np.ndarray, b: np.ndarray) -> float:
    scale = max(np.linalg.norm(a), np.linalg.norm(b))
    return 0.0 if scale == 0 else float(np.linalg.norm(a - b) / scale)


@pytest.mark.parametrize("cell", sorted(CELLS))
@pytest.mark.parametrize(("steps", "k"), [(12, 4), (12, 5), (12, 7), (13, 3), (12, 11), (12, 1), (12, 12), (7, 20)])
def test_chunked_equals_chunk_by_chunk_detached_gradients(cell, steps, k):
    model, xs, targets = make_case(cell, steps)
    got = bptt(model, xs, targets, truncation=Chunked(k)).grads
    want = detached_chunk_grads(model, xs, targets, k)
    for name in model.param_names:
        assert relative_error(got[name], want[name]) < 1e-9, name


@pytest.mark.parametrize("cell", sorted(CELLS))
def test_chunked_matches_finite_differences_of_detached_chunk_losses(cell):
    """Central differences of sum_c L_c(theta; s_c fixed), k = 5 not dividing T = 12."""
    steps, k, eps = 12, 5, 1e-6
    model, xs, targets = make_case(cell, steps, seed=3)
    states, state = [], None
    for start, stop in chunks(steps, k):  # the carried states at the unperturbed parameters
        states.append(state)
        state = bptt(model, xs[:, start:stop], targets[:, start:stop], h0=state).cache.states[:, -1].copy()
    got = bptt(model, xs, targets, truncation=Chunked(k)).grads
    for name in CELLS[cell].CELL_PARAMS:
        value = getattr(model, name)
        numeric = np.zeros_like(value)
        for index in np.ndindex(value.shape):
            losses = []
            for sign in (1.0, -1.0):
                moved = value.copy()
                moved[index] += sign * eps
                losses.append(chunk_losses(dataclasses.replace(model, **{name: moved}), xs, targets, k, states))
            numeric[index] = (losses[0] - losses[1]) / (2 * eps)
        assert relative_error(got[name], numeric) < 1e-6, name


@pytest.mark.parametrize(("steps", "k"), [(12, 4), (12, 5), (13, 5), (7, 3), (5, 1), (6, 6), (4, 9)])
def test_chunked_mask_is_same_chunk(steps, k):
    """kept[s, t] iff t <= s and t, s lie in the same chunk, the chunks listed by hand as index ranges."""
    chunk_of = np.empty(steps, dtype=int)
    for number, (start, stop) in enumerate(chunks(steps, k)):
        chunk_of[start:stop] = number
    expected = np.zeros((steps, steps), dtype=bool)
    for s in range(steps):
        for t in range(s + 1):
            expected[s, t] = chunk_of[s] == chunk_of[t]
    np.testing.assert_array_equal(path_mask(Chunked(k), steps), expected)
    np.testing.assert_array_equal(path_weights(Chunked(k), steps), expected.astype(float))


def test_issue_example_last_chunk_stays_inside():
    """/truncation?T=12, k=5: chunks [1-5], [6-10], [11-12]; rows 11-12 reach columns 11-12 only."""
    mask = path_mask(Chunked(5), 12)
    assert mask[10:, :10].sum() == 0
    assert mask[10:, 10:].tolist() == [[True, False], [True, True]]


def test_tbptt_k_k_differs_from_chunked_only_when_k_does_not_divide_t():
    np.testing.assert_array_equal(path_mask(TBPTT(4, 4), 12), path_mask(Chunked(4), 12))
    tbptt, chunked = path_mask(TBPTT(5, 5), 12), path_mask(Chunked(5), 12)
    assert tbptt[11, 7] and not chunked[11, 7]  # TBPTT's last block reaches 5 steps back from T = 12


def test_public_names_are_exported():
    for name in ("Chunked", "TBPTT", "path_mask", "path_weights"):
        assert hasattr(bptt_core, name)
