"""GRU cell in PyTorch's layout (torch.nn.GRU, one layer), gates stacked (r, z, n):

    r = sigmoid(W_xr x_t + b_xr + W_hr h_{t-1} + b_hr)
    z = sigmoid(W_xz x_t + b_xz + W_hz h_{t-1} + b_hz)
    n = tanh(W_xn x_t + b_xn + r * (W_hn h_{t-1} + b_hn))
    h_t = (1 - z) * n + z * h_{t-1}

W_x: (3H, D) = weight_ih_l0, W_h: (3H, H) = weight_hh_l0, b_x = bias_ih_l0, b_h = bias_hh_l0.
The state is h_t itself (S = H). The direct path dh_t/dh_{t-1} contains diag(z_t): with
z near 1 the state is copied and the gradient passes unchanged.

Two pre-activation gradients exist, because r multiplies W_hn h + b_hn only:
input side  (dL/da_r, dL/da_z, dL/da_n)          -> W_x, b_x
recurrent   (dL/da_r, dL/da_z, r * dL/da_n)      -> W_h, b_h
step_backward returns the recurrent one (its outer product with h_{t-1} is step t's
term of dL/dW_h). Gated cells are bounded, so overflow_step is always None.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np

from ..activations import Activation, get_activation
from ..rng import as_generator
from . import common
from .common import (
    Weights,
    fix_sigmoid_tail,
    gate_blocks,
    input_projection,
    rows,
    sigmoid_into,
    step_blocks,
    time_major,
)

NAME = "gru"
CELL_PARAMS = ("W_x", "W_h", "b_x", "b_h")
GATES = ("r", "z", "n")  # order of the 3 H-blocks of W_x, W_h, b_x, b_h

_SIGMOID = get_activation("sigmoid")


@dataclass
class GRU(Weights):
    """Weights of a GRU with a linear read-out o_t = W_y h_t + b_y."""

    W_x: np.ndarray  # (3H, D)
    W_h: np.ndarray  # (3H, H)
    b_x: np.ndarray  # (3H,)
    b_h: np.ndarray  # (3H,)
    W_y: np.ndarray  # (K, H)
    b_y: np.ndarray  # (K,)
    cell: ClassVar[str] = NAME
    param_names: ClassVar[tuple[str, ...]] = ("W_x", "W_h", "b_x", "b_h", "W_y", "b_y")

    @property
    def hidden_size(self) -> int:
        return self.W_h.shape[1]


def gate_slice(name: str, hidden_size: int) -> slice:
    """Rows of W_x, W_h, b_x, b_h belonging to gate name ("r", "z" or "n")."""
    return common.gate_slice(GATES, name, hidden_size)


def init_gru(
    input_size: int,
    hidden_size: int,
    output_size: int,
    *,
    spectral_radius: float,
    init: str = "gaussian",
    update_bias: float = 0.0,
    seed: int | np.random.Generator = 0,
) -> GRU:
    """A GRU whose three H x H blocks of W_h each come from the named initialiser
    (max|eig| = spectral_radius for each block).

    W_x (3H, D) and W_y (K, H) are N(0, 1/fan_in); biases start at zero except the
    update-gate slice of b_x, which is update_bias. The default 0 (as in PyTorch, which
    adds no offset) starts z_t near 1/2; a positive value pushes z_t towards 1, i.e.
    towards copying h_{t-1}, the GRU's counterpart of the LSTM forget bias.
    """
    rng = as_generator(seed)
    w_h = common.stacked_recurrent(init, rng, hidden_size, spectral_radius, len(GATES))
    w_x = rng.standard_normal((3 * hidden_size, input_size)) / np.sqrt(input_size)
    w_y = rng.standard_normal((output_size, hidden_size)) / np.sqrt(hidden_size)
    b_x = np.zeros(3 * hidden_size)
    b_x[gate_slice("z", hidden_size)] = update_bias
    return GRU(w_x, w_h, b_x, np.zeros(3 * hidden_size), w_y, np.zeros(output_size))


@dataclass
class Cache:
    """What the backward pass reuses from the forward pass.

    The per-step arrays are (N, T, .) views of time-major (T, N, .) storage (forward writes
    step t as one contiguous block, docs/speed.md); index them as documented, never by layout.
    """

    model: GRU
    act: Activation  # tanh, the candidate's squashing
    xs: np.ndarray  # (N, T, D)
    states: np.ndarray  # (N, T+1, S): s_t = h_t, s_0 at index 0
    a: np.ndarray  # (N, T, 3H) gate pre-activations a_r, a_z, a_n (a_n includes r * (W_hn h + b_hn))
    gates: np.ndarray  # (N, T, 3H) r, z, n
    hn: np.ndarray  # (N, T, H) W_hn h_{t-1} + b_hn
    overflow_step: int | None = None  # always None: every gate and h_t is bounded
    extras: dict = field(default_factory=dict)
    _d: np.ndarray | None = field(default=None, repr=False)

    @property
    def d(self) -> np.ndarray:
        """(N, T, 3H): row scalings of J_t = diag(z_t) + sum_gates diag(d_gate) W_h,gate, i.e. the
        recurrent pre-activation gradient per unit of dL/dh_t.

        Built from the cached gates on first access and kept: a training step never reads it
        (backward derives the same factors block by block).
        """
        if self._d is None:
            states = time_major(self.states)
            self._d = time_major(_row_scalings(time_major(self.gates), time_major(self.hn), states[:-1]))
        return self._d

    @d.setter
    def d(self, value: np.ndarray) -> None:
        self._d = value


def state_size(model: GRU) -> int:
    return model.hidden_size


def hidden_of(states: np.ndarray) -> np.ndarray:
    """h part of states (..., S) -> (..., H): the state is h."""
    return states


def state_grad_from_hidden(dh: np.ndarray) -> np.ndarray:
    """Embed dL/dh (..., H) into the state space (..., S)."""
    return dh


def _step(model: GRU, x_t: np.ndarray, h_prev: np.ndarray) -> tuple[np.ndarray, ...]:
    """-> h_t, a_t (3H), gates (3H), hn, all (N, .)."""
    hidden = model.hidden_size
    ax = x_t @ model.W_x.T + model.b_x
    ah = h_prev @ model.W_h.T + model.b_h
    a_r, a_z = (
        ax[:, :hidden] + ah[:, :hidden],
        ax[:, hidden : 2 * hidden] + ah[:, hidden : 2 * hidden],
    )
    r, z = _SIGMOID.f(a_r), _SIGMOID.f(a_z)
    hn = ah[:, 2 * hidden :]
    a_n = ax[:, 2 * hidden :] + r * hn
    n = np.tanh(a_n)
    h = (1 - z) * n + z * h_prev
    return (
        h,
        np.concatenate([a_r, a_z, a_n], axis=1),
        np.concatenate([r, z, n], axis=1),
        hn,
    )


def step_forward(
    model: GRU, act: Activation | None, x_t: np.ndarray, h_prev: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """x_t: (N, D), h_prev: (N, H) -> (h_t: (N, H), a_t: (N, 3H)). act is unused (fixed gates)."""
    h, a, _, _ = _step(model, x_t, h_prev)
    return h, a


def forward(model: GRU, xs: np.ndarray, h0: np.ndarray | None = None) -> tuple[np.ndarray, Cache]:
    """xs: (N, T, D), h0: (N, H) or None -> (hs: (N, T, H) = h_1..h_T, cache).

    Same recursion as _step, laid out for speed (docs/speed.md): W_x x_t + b_x (+ b_h for r and
    z) for all t in one GEMM; per step one GEMM and about a dozen NumPy calls writing into
    preallocated time-major (T, N, .) arrays, each gate value computed once and cached.
    """
    n, steps, _ = xs.shape
    hidden = model.hidden_size
    rz_, r_, z_, n_ = slice(0, 2 * hidden), *(gate_slice(name, hidden) for name in GATES)
    states = np.empty((steps + 1, n, hidden))
    states[0] = 0.0 if h0 is None else h0
    a = np.empty((steps, n, 3 * hidden))
    gates = np.empty_like(a)
    hn = np.empty((steps, n, hidden))
    recurrent = np.empty((n, 3 * hidden))
    term = np.empty((n, hidden))
    bias = model.b_x.copy()
    bias[rz_] += model.b_h[rz_]  # r and z add both biases; b_hn stays inside r * (W_hn h + b_hn)
    w_h_t = model.W_h.T
    with np.errstate(over="ignore"):  # exp(-a) overflows for a < -709: sigmoid 0, fixed below
        input_projection(xs, model.W_x, bias, out=a)  # W_x x_t + bias for every t at once
        for t in range(steps):
            h_prev, h, gate = states[t], states[t + 1], gates[t]
            np.matmul(h_prev, w_h_t, out=recurrent)
            a[t, :, rz_] += recurrent[:, rz_]  # a_r, a_z = W_x x_t + b_x + W_h h_{t-1} + b_h
            sigmoid_into(a[t, :, rz_], gate[:, rz_])  # r, z
            np.add(recurrent[:, n_], model.b_h[n_], out=hn[t])  # hn = W_hn h_{t-1} + b_hn
            np.multiply(gate[:, r_], hn[t], out=term)
            a[t, :, n_] += term  # a_n = W_xn x_t + b_xn + r * hn
            np.tanh(a[t, :, n_], out=gate[:, n_])  # n = tanh(a_n)
            np.subtract(1.0, gate[:, z_], out=term)
            term *= gate[:, n_]
            np.multiply(gate[:, z_], h_prev, out=h)
            h += term  # h_t = (1 - z) * n + z * h_{t-1}
    fix_sigmoid_tail(a, gates, _SIGMOID.f, (rz_,))  # r, z exact where a < -700
    cache = Cache(
        model, get_activation("tanh"), xs, time_major(states), time_major(a), time_major(gates), time_major(hn)
    )
    return cache.states[:, 1:], cache


def _candidate_slope(gates: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """(..., H): dh_t/da_n = (1 - z) tanh'(a_n) = (1 - z)(1 - n^2), from gates (..., 3H); into out if given."""
    hidden = gates.shape[-1] // 3
    z, n = gates[..., gate_slice("z", hidden)], gates[..., gate_slice("n", hidden)]
    out = np.multiply(n, n, out=out)
    np.subtract(1.0, out, out=out)
    out *= np.subtract(1.0, z)
    return out


def _row_scalings(
    gates: np.ndarray,
    hn: np.ndarray,
    h_prev: np.ndarray,
    out: np.ndarray | None = None,
    slope_out: np.ndarray | None = None,
) -> np.ndarray:
    """(..., 3H): d(h_t)/d(recurrent pre-activation of each gate), from cached values.

    gates (..., 3H), hn and h_prev (..., H). Written block by block into one array (out if
    given); slope_out (..., H), if given, receives dh/da_n = (1 - z) tanh'(a_n) on the way.
    """
    hidden = hn.shape[-1]
    r_, z_, n_ = (gate_slice(name, hidden) for name in GATES)
    r, z, n = gates[..., r_], gates[..., z_], gates[..., n_]
    out = np.empty(gates.shape) if out is None else out
    dn = _candidate_slope(gates)  # dh/da_n = (1 - z) tanh'(a_n)
    if slope_out is not None:
        slope_out[...] = dn
    np.multiply(dn, r, out=out[..., n_])  # dh/d(W_hn h + b_hn) = dh/da_n * r
    np.subtract(1.0, r, out=out[..., r_])
    out[..., r_] *= out[..., n_]
    out[..., r_] *= hn  # dh/da_r = dh/da_n * hn * sigmoid'(a_r)
    np.subtract(1.0, z, out=out[..., z_])
    out[..., z_] *= z
    np.subtract(h_prev, n, out=dn)
    out[..., z_] *= dn  # dh/da_z = (h_{t-1} - n) sigmoid'(a_z)
    return out


def step_backward(ds_t: np.ndarray, cache: Cache, t: int) -> tuple[np.ndarray, np.ndarray]:
    """One step back. ds_t: (N, H) total dL/dh_t -> (dpre_t: (N, 3H), ds_prev: (N, H)).

    dpre_t = (dL/da_r, dL/da_z, dL/d(W_hn h_{t-1} + b_hn)), the recurrent pre-activation
    gradient: step t's term of dL/dW_h is dpre_t h_{t-1}^T.
    """
    r, z, n = np.split(cache.gates[:, t - 1], 3, axis=1)
    h_prev = cache.states[:, t - 1]
    da_n = ds_t * (1 - z) * (1 - n * n)  # dL/da_n = dL/dh_t (1 - z) tanh'(a_n)
    da_z = ds_t * (h_prev - n) * z * (1 - z)  # dL/da_z = dL/dh_t (h_{t-1} - n) sigmoid'(a_z)
    da_r = da_n * cache.hn[:, t - 1] * r * (1 - r)  # dL/da_r = dL/da_n hn sigmoid'(a_r)
    dpre = np.concatenate([da_r, da_z, da_n * r], axis=1)  # dL/dhn = r dL/da_n
    ds_prev = dpre @ cache.model.W_h + ds_t * z  # dL/dh_{t-1} = W_h^T dpre + z dL/dh_t
    return dpre, ds_prev


def _input_side(dpre: np.ndarray, cache: Cache, t: int | slice) -> np.ndarray:
    """(dL/da_r, dL/da_z, dL/da_n) from the recurrent dpre: dL/da_n = dL/dhn / r.

    r > 0 for every pre-activation above -745 (sigmoid underflow); where r is 0 the
    n-gate's input-side gradient is not recoverable from dpre and is reported as 0.
    backward() does not divide: it keeps dL/da_n itself.
    """
    hidden = cache.model.hidden_size
    r = cache.gates[:, t, :hidden]
    dhn = dpre[..., 2 * hidden :]
    da_n = np.divide(dhn, r, out=np.zeros_like(dhn), where=r > 0)
    return np.concatenate([dpre[..., : 2 * hidden], da_n], axis=-1)


def step_param_grads(dpre_t: np.ndarray, cache: Cache, t: int) -> dict[str, np.ndarray]:
    """Step t's term of each cell-parameter gradient, summed over the batch. dpre_t: (N, 3H)."""
    da_t = _input_side(dpre_t, cache, t - 1)
    return {
        "W_x": da_t.T @ cache.xs[:, t - 1],  # dL/dW_x += dL/da_t x_t^T
        "W_h": dpre_t.T @ cache.states[:, t - 1],  # dL/dW_h += dpre_t h_{t-1}^T
        "b_x": da_t.sum(axis=0),  # dL/db_x += dL/da_t
        "b_h": dpre_t.sum(axis=0),  # dL/db_h += dpre_t
    }


def backward(dout: np.ndarray, cache: Cache) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """dout: (N, T, H) direct dL/dh_t from the read-out -> (grads, dh: (N, T, H) total dL/dh_t).

    Same equations as step_backward, laid out for speed (docs/speed.md): steps go back in
    blocks (common.step_blocks); per block the row scalings d_t in a few whole-block passes, per
    step dpre_t = d_t * dL/dh_t and the carry in about five NumPy calls into small reused arrays,
    and per block one GEMM per weight block over the block's steps * N rows.
    """
    n, steps, hidden = dout.shape
    rz_, z_, n_ = slice(0, 2 * hidden), gate_slice("z", hidden), gate_slice("n", hidden)
    direct, gates, hn = time_major(dout), time_major(cache.gates), time_major(cache.hn)
    states, xs, model = time_major(cache.states), time_major(cache.xs), cache.model
    size, blocks = step_blocks(steps, n * 3 * hidden)
    scalings, dpre = np.empty((size, n, 3 * hidden)), np.empty((size, n, 3 * hidden))
    scaling_blocks, dpre_blocks = gate_blocks(scalings, 3), gate_blocks(dpre, 3)  # (size, N, 3, H) views
    da_n = np.empty((size, n, hidden))
    dh = np.empty((steps, n, hidden))
    carry, through_z = np.zeros((n, hidden)), np.empty((n, hidden))
    grad_w_x, grad_w_h = np.zeros_like(model.W_x), np.zeros_like(model.W_h)
    grad_b_x, grad_b_h = np.zeros_like(model.b_x), np.zeros_like(model.b_h)
    for start, stop in blocks:
        m = stop - start
        # d_t and, into da_n, dh_t/da_n = (1 - z) tanh'(a_n) for the input side
        _row_scalings(gates[start:stop], hn[start:stop], states[start:stop], out=scalings[:m], slope_out=da_n[:m])
        for j in range(m - 1, -1, -1):
            t = start + j
            np.add(direct[t], carry, out=dh[t])  # dL/dh_t = W_y^T dL/do_t + J_{t+1}^T dL/dh_{t+1}
            # (dL/da_r, dL/da_z, dL/dhn = r dL/da_n) = row scalings d_t * dL/dh_t
            np.multiply(scaling_blocks[j], dh[t][:, None, :], out=dpre_blocks[j])
            if t:
                np.matmul(dpre[j], model.W_h, out=carry)
                np.multiply(dh[t], gates[t, :, z_], out=through_z)
                carry += through_z  # dL/dh_{t-1} = W_h^T dpre_t + z dL/dh_t
        da_n[:m] *= dh[start:stop]  # input side: dL/da_n = dL/dh_t (1 - z) tanh'(a_n), no r
        dpre_rows, da_n_rows, xs_rows = rows(dpre[:m]), rows(da_n[:m]), rows(xs[start:stop])
        grad_w_x[rz_] += dpre_rows[:, rz_].T @ xs_rows  # sum_t dL/da_{r,z} x_t^T
        grad_w_x[n_] += da_n_rows.T @ xs_rows  # sum_t dL/da_n x_t^T
        grad_w_h += dpre_rows.T @ rows(states[start:stop])  # sum_t dpre_t h_{t-1}^T
        grad_b_x[rz_] += dpre_rows[:, rz_].sum(axis=0)  # sum_t dL/da_{r,z}
        grad_b_x[n_] += da_n_rows.sum(axis=0)  # sum_t dL/da_n
        grad_b_h += dpre_rows.sum(axis=0)  # sum_t dpre_t
    grads = {"W_x": grad_w_x, "W_h": grad_w_h, "b_x": grad_b_x, "b_h": grad_b_h}
    return grads, time_major(dh)


def rmul_jacobian(p: np.ndarray, cache: Cache, t: int) -> np.ndarray:
    """p: (N, m, H) -> p @ J_t with J_t = dh_t/dh_{t-1} = diag(z_t) + sum_gates diag(d_gate) W_h,gate.

    The diagonals are folded into p: one GEMM with W_h per step.
    """
    hidden = cache.model.hidden_size
    z = cache.gates[:, t - 1, None, hidden : 2 * hidden]
    return (np.tile(p, 3) * cache.d[:, t - 1, None]) @ cache.model.W_h + p * z


def lmul_jacobian(q: np.ndarray, cache: Cache, t: int) -> np.ndarray:
    """q: (N, H, k) -> J_t @ q = z_t * q + sum_gates diag(d_gate) W_h,gate q (one GEMM with W_h)."""
    n, hidden = q.shape[0], cache.model.hidden_size
    z = cache.gates[:, t - 1, hidden : 2 * hidden, None]
    through_gates = cache.d[:, t - 1, :, None] * (cache.model.W_h @ q)  # (N, 3H, k): diag(d_gate) W_gate q
    return through_gates.reshape(n, 3, hidden, -1).sum(axis=1) + z * q


def jacobians(cache: Cache, t_first: int, t_last: int) -> np.ndarray:
    """Explicit J_t for t = t_first..t_last: (N, m, H, H)."""
    hidden = cache.model.hidden_size
    d = cache.d[:, t_first - 1 : t_last]  # (N, m, 3H)
    w = cache.model.W_h.reshape(3, hidden, hidden)
    through_gates = np.einsum("nmgi,gij->nmij", d.reshape(*d.shape[:2], 3, hidden), w)
    z = cache.gates[:, t_first - 1 : t_last, hidden : 2 * hidden]
    return through_gates + z[..., :, None] * np.eye(hidden)


def recurrent_matrix_of(model: GRU) -> np.ndarray:
    """The candidate block W_hn (H, H) of W_h, the one a vanilla RNN's W_h corresponds to.

    W_h itself is (3H, H), not square; its other blocks drive the gates.
    """
    return model.W_h[gate_slice("n", model.hidden_size)]
