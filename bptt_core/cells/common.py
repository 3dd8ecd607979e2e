"""What the cell modules share: params(), stacked gate blocks, the fast-path helpers (docs/speed.md)."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

import numpy as np

from ..activations import Activation
from ..initializers import recurrent_matrix


class Weights:
    """Mixin for the model dataclasses: params() in the order of param_names."""

    param_names: ClassVar[tuple[str, ...]]

    def params(self) -> dict[str, np.ndarray]:
        return {name: getattr(self, name) for name in self.param_names}


def gate_slice(gates: tuple[str, ...], name: str, hidden_size: int) -> slice:
    """Rows of a stacked (len(gates) * H, .) array that belong to gate name."""
    k = gates.index(name)
    return slice(k * hidden_size, (k + 1) * hidden_size)


def stacked_recurrent(init: str, rng: np.random.Generator, hidden_size: int, rho: float, count: int) -> np.ndarray:
    """W_h: (count * H, H), one H x H block per gate, each with max|eig| = rho."""
    return np.concatenate([recurrent_matrix(init, rng, hidden_size, rho) for _ in range(count)])


# ---------------------------------------------------------------- fast paths for forward/backward
# The training loop calls forward/backward thousands of times: these helpers write into
# preallocated arrays (out=) so that a time step costs a handful of NumPy calls and no allocation
# (docs/speed.md). Cells store their per-step arrays time-major, (T, N, .), so that step t is one
# contiguous block, and expose the (N, T, .) views the cache contract promises.

# Below this pre-activation exp(-z) overflows and 1 / (1 + exp(-z)) gives 0 where the exact
# sigmoid is still a (subnormal) positive number; such entries are recomputed by fix_sigmoid_tail.
_SIGMOID_EXP_LIMIT = -700.0


def sigmoid_into(z: np.ndarray, out: np.ndarray) -> np.ndarray:
    """out = 1 / (1 + exp(-z)) with no temporary: z, out of one shape (may be the same array).

    Same value as activations' two-branch sigmoid to rounding for z >= -700 (full relative
    precision: exp(-z) is large, not cancelled, where the result is small). Call inside
    np.errstate(over="ignore"); below -700 use fix_sigmoid_tail.
    """
    np.negative(z, out=out)
    np.exp(out, out=out)
    out += 1.0
    return np.divide(1.0, out, out=out)  # (np.reciprocal is slower for float64 here)


def fix_sigmoid_tail(
    z: np.ndarray, out: np.ndarray, sigmoid: Callable[[np.ndarray], np.ndarray], blocks: tuple[slice, ...]
) -> None:
    """Recompute out = sigmoid(z) exactly where z < -700 (sigmoid_into gave 0 there) in the
    last-axis blocks that hold sigmoid gates.

    z, out: (T, N, G). One min() pass over all of z when nothing is that negative.
    """
    if z.size and z.min() < _SIGMOID_EXP_LIMIT:
        for block in blocks:
            low = z[..., block] < _SIGMOID_EXP_LIMIT
            out[..., block][low] = sigmoid(z[..., block][low])


def activate_into(act: Activation, a: np.ndarray, out: np.ndarray) -> np.ndarray:
    """out = act.f(a), without a temporary for the activations that have a NumPy ufunc.

    a, out: same shape. The result is bit-identical to act.f(a).
    """
    if act.name == "tanh":
        return np.tanh(a, out=out)
    if act.name == "relu":
        return np.maximum(a, 0.0, out=out)
    if act.name == "linear":
        np.copyto(out, a)
        return out
    out[...] = act.f(a)
    return out


def input_projection(xs: np.ndarray, w_x: np.ndarray, bias: np.ndarray, out: np.ndarray) -> np.ndarray:
    """out[t] = x_t W_x^T + bias for every step, in ONE GEMM (the bias rides as an extra input column).

    xs: (N, T, D), w_x: (G, D), bias: (G,), out: (T, N, G) contiguous, time-major.
    """
    n, steps, d = xs.shape
    augmented = np.empty((steps, n, d + 1), dtype=np.result_type(xs, w_x))
    augmented[..., :d] = time_major(xs)
    augmented[..., d] = 1.0
    weights = np.concatenate([w_x.T, bias[None, :]])  # (D+1, G)
    np.matmul(rows(augmented), weights, out=rows(out))
    return out


def derivative_of(act: Activation, a: np.ndarray, h: np.ndarray) -> np.ndarray:
    """act.df(a, h) = f'(a) given h = f(a), with one array instead of two for tanh (1 - h^2 in place).

    a, h: same shape -> f'(a), same shape; bit-identical to act.df(a, h).
    """
    if act.name == "tanh":
        out = np.multiply(h, h)
        return np.subtract(1.0, out, out=out)
    return act.df(a, h)


def time_major(array: np.ndarray) -> np.ndarray:
    """(N, T, ...) -> (T, N, ...) view: undoes the transposed views the caches expose."""
    return array.swapaxes(0, 1)


def rows(array: np.ndarray) -> np.ndarray:
    """(T, N, F) -> (T*N, F): one row per (step, sample), a view when the layout allows.

    Summing over these rows with one matmul reaches BLAS (np.einsum over (N, T) does not).
    """
    return array.reshape(-1, array.shape[-1])


def gate_blocks(v: np.ndarray, parts: int) -> np.ndarray:
    """(..., parts*H) -> (..., parts, H) VIEW (writes go through), to broadcast per gate block.

    Raises instead of silently copying when v's layout does not allow a view.
    """
    return np.reshape(v, (*v.shape[:-1], parts, v.shape[-1] // parts), copy=False)


# Numbers in one block of a blocked backward pass: a (steps, N, width) block of about 512 KB
# stays in cache and below malloc's mmap threshold, so the pass touches no fresh pages
# (full (T, N, 4H) temporaries cost page faults every call: docs/speed.md).
BLOCK_NUMBERS = 1 << 16


def step_blocks(steps: int, per_step: int) -> tuple[int, list[tuple[int, int]]]:
    """Split steps 0..T-1 into blocks for a backward pass, latest first.

    per_step: numbers one step of the block arrays holds (e.g. N * 4H).
    -> (block length, [(start, stop), ...]) with stop - start <= block length.
    """
    size = max(1, min(steps, BLOCK_NUMBERS // max(per_step, 1)))
    return size, [(max(0, stop - size), stop) for stop in range(steps, 0, -size)]
