"""LSTM cell in PyTorch's layout (torch.nn.LSTM, one layer), gates stacked (i, f, g, o):

    z_t = W_x x_t + b_x + W_h h_{t-1} + b_h                  (4H,) gate pre-activations
    i, f, o = sigmoid(z_i, z_f, z_o)    g = tanh(z_g)
    c_t = f * c_{t-1} + i * g           h_t = o * tanh(c_t)

W_x: (4H, D) = weight_ih_l0, W_h: (4H, H) = weight_hh_l0, b_x = bias_ih_l0, b_h = bias_hh_l0
(PyTorch keeps two biases; so do we, so that export is exact; both get the same gradient).

The state is s_t = concat(h_t, c_t): S = 2H, and J_t = ds_t/ds_{t-1} is 2H x 2H. The direct
cell path dc_t/dc_{t-1} = diag(f_t) is the block that lets gradients survive.
Gated cells are bounded (|h| < 1, |c_t| <= |c_0| + t), so overflow_step is always None.
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

NAME = "lstm"
CELL_PARAMS = ("W_x", "W_h", "b_x", "b_h")
GATES = ("i", "f", "g", "o")  # order of the 4 H-blocks of W_x, W_h, b_x, b_h

_SIGMOID = get_activation("sigmoid")


@dataclass
class LSTM(Weights):
    """Weights of an LSTM with a linear read-out o_t = W_y h_t + b_y."""

    W_x: np.ndarray  # (4H, D)
    W_h: np.ndarray  # (4H, H)
    b_x: np.ndarray  # (4H,)
    b_h: np.ndarray  # (4H,)
    W_y: np.ndarray  # (K, H)
    b_y: np.ndarray  # (K,)
    cell: ClassVar[str] = NAME
    param_names: ClassVar[tuple[str, ...]] = ("W_x", "W_h", "b_x", "b_h", "W_y", "b_y")

    @property
    def hidden_size(self) -> int:
        return self.W_h.shape[1]


def gate_slice(name: str, hidden_size: int) -> slice:
    """Rows of W_x, W_h, b_x, b_h belonging to gate name ("i", "f", "g" or "o")."""
    return common.gate_slice(GATES, name, hidden_size)


def init_lstm(
    input_size: int,
    hidden_size: int,
    output_size: int,
    *,
    spectral_radius: float,
    init: str = "gaussian",
    forget_bias: float = 1.0,
    seed: int | np.random.Generator = 0,
) -> LSTM:
    """An LSTM whose four H x H blocks of W_h each come from the named initialiser
    (max|eig| = spectral_radius for each block).

    W_x (4H, D) and W_y (K, H) are N(0, 1/fan_in); biases start at zero except the
    forget-gate slice of b_x, which is forget_bias (the usual +1 keeps f_t near
    sigmoid(1) = 0.73 at the start, so the cell path does not close at once).
    """
    rng = as_generator(seed)
    w_h = common.stacked_recurrent(init, rng, hidden_size, spectral_radius, len(GATES))
    w_x = rng.standard_normal((4 * hidden_size, input_size)) / np.sqrt(input_size)
    w_y = rng.standard_normal((output_size, hidden_size)) / np.sqrt(hidden_size)
    b_x = np.zeros(4 * hidden_size)
    b_x[gate_slice("f", hidden_size)] = forget_bias
    return LSTM(w_x, w_h, b_x, np.zeros(4 * hidden_size), w_y, np.zeros(output_size))


@dataclass
class Cache:
    """What the backward pass reuses from the forward pass.

    The per-step arrays are (N, T, .) views of time-major (T, N, .) storage (forward writes
    step t as one contiguous block, docs/speed.md); index them as documented, never by layout.
    """

    model: LSTM
    act: Activation  # tanh, the candidate and output squashing
    xs: np.ndarray  # (N, T, D)
    states: np.ndarray  # (N, T+1, S): s_t = concat(h_t, c_t), s_0 at index 0
    a: np.ndarray  # (N, T, 4H) gate pre-activations z_t
    gates: np.ndarray  # (N, T, 4H) i, f, g, o
    tanh_c: np.ndarray  # (N, T, H) tanh(c_t)
    overflow_step: int | None = None  # always None: every gate and h_t is bounded
    extras: dict = field(default_factory=dict)
    _d: np.ndarray | None = field(default=None, repr=False)

    @property
    def d(self) -> np.ndarray:
        """(N, T, 2, 4H): d[:, t-1, 0] = dh_t/dz_t and d[:, t-1, 1] = dc_t/dz_t (diagonals per gate
        block, with h_{t-1}, c_{t-1} held fixed). Then J_t's h-columns are sum_gates diag(d) W_h.

        Built from the cached gates on first access and kept: a training step never reads it
        (backward derives the same factors block by block), and it is twice the size of gates.
        """
        if self._d is None:
            gates, tanh_c = time_major(self.gates), time_major(self.tanh_c)
            slopes = _gate_slopes(gates, tanh_c, cell_of(time_major(self.states)[:-1]))
            self._d = time_major(_state_derivatives(slopes, gates, tanh_c))
        return self._d

    @d.setter
    def d(self, value: np.ndarray) -> None:
        self._d = value


def state_size(model: LSTM) -> int:
    return 2 * model.hidden_size


def hidden_of(states: np.ndarray) -> np.ndarray:
    """h part of states (..., 2H) -> (..., H)."""
    return states[..., : states.shape[-1] // 2]


def cell_of(states: np.ndarray) -> np.ndarray:
    """c part of states (..., 2H) -> (..., H)."""
    return states[..., states.shape[-1] // 2 :]


def state_grad_from_hidden(dh: np.ndarray) -> np.ndarray:
    """Embed dL/dh (..., H) into the state space (..., 2H): no direct gradient on c."""
    return np.concatenate([dh, np.zeros_like(dh)], axis=-1)


def _split(v: np.ndarray, parts: int) -> list[np.ndarray]:
    """(..., parts*H) -> parts arrays (..., H)."""
    return np.split(v, parts, axis=-1)


def step_forward(
    model: LSTM, act: Activation | None, x_t: np.ndarray, s_prev: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """x_t: (N, D), s_prev: (N, 2H) -> (s_t: (N, 2H), z_t: (N, 4H)). act is unused (fixed gates)."""
    h_prev, c_prev = hidden_of(s_prev), cell_of(s_prev)
    z = x_t @ model.W_x.T + model.b_x + h_prev @ model.W_h.T + model.b_h
    z_i, z_f, z_g, z_o = _split(z, 4)
    i, f, o = _SIGMOID.f(z_i), _SIGMOID.f(z_f), _SIGMOID.f(z_o)
    g = np.tanh(z_g)
    c = f * c_prev + i * g
    h = o * np.tanh(c)
    return np.concatenate([h, c], axis=1), z


def _initial_state(h0: np.ndarray | None, n: int, hidden: int) -> np.ndarray:
    """h0: None (zeros), (N, 2H) = (h_0, c_0), or (N, H) = h_0 with c_0 = 0 -> (N, 2H)."""
    s0 = np.zeros((n, 2 * hidden))
    if h0 is not None:
        s0[:, : h0.shape[-1]] = h0
    return s0


def forward(model: LSTM, xs: np.ndarray, h0: np.ndarray | None = None) -> tuple[np.ndarray, Cache]:
    """xs: (N, T, D), h0: (N, 2H), (N, H) or None -> (hs: (N, T, H) = h_1..h_T, cache).

    Same recursion as step_forward, laid out for speed (docs/speed.md): W_x x_t + b_x + b_h for
    all t in one GEMM; per step one GEMM and about ten NumPy calls writing into preallocated
    time-major (T, N, .) arrays, each gate value computed once and cached (no second pass).
    """
    n, steps, _ = xs.shape
    hidden = model.hidden_size
    i_, f_, g_, o_ = (gate_slice(name, hidden) for name in GATES)
    states = np.empty((steps + 1, n, 2 * hidden))
    states[0] = _initial_state(h0, n, hidden)
    a = np.empty((steps, n, 4 * hidden))
    gates = np.empty_like(a)
    tanh_c = np.empty((steps, n, hidden))
    recurrent = np.empty((n, 4 * hidden))
    input_term = np.empty((n, hidden))
    w_h_t = model.W_h.T
    with np.errstate(over="ignore"):  # exp(-z) overflows for z < -709: sigmoid 0, fixed below
        input_projection(xs, model.W_x, model.b_x + model.b_h, out=a)  # W_x x_t + b_x + b_h for every t at once
        for t in range(steps):
            z, gate = a[t], gates[t]
            c_prev, h, c = states[t, :, hidden:], states[t + 1, :, :hidden], states[t + 1, :, hidden:]
            np.matmul(states[t, :, :hidden], w_h_t, out=recurrent)
            z += recurrent  # z_t = W_x x_t + b_x + W_h h_{t-1} + b_h
            sigmoid_into(z, gate)  # i, f, o = sigmoid(z_i, z_f, z_o) (the g block is replaced next)
            np.tanh(z[:, g_], out=gate[:, g_])  # g = tanh(z_g)
            np.multiply(gate[:, i_], gate[:, g_], out=input_term)
            np.multiply(gate[:, f_], c_prev, out=c)
            c += input_term  # c_t = f * c_{t-1} + i * g
            np.tanh(c, out=tanh_c[t])
            np.multiply(gate[:, o_], tanh_c[t], out=h)  # h_t = o * tanh(c_t)
    fix_sigmoid_tail(a, gates, _SIGMOID.f, (i_, f_, o_))  # i, f and o: exact where z < -700
    cache = Cache(
        model, get_activation("tanh"), xs, time_major(states), time_major(a), time_major(gates), time_major(tanh_c)
    )
    return hidden_of(cache.states[:, 1:]), cache


def _gate_slopes(
    gates: np.ndarray, tanh_c: np.ndarray, c_prev: np.ndarray, out: np.ndarray | None = None
) -> np.ndarray:
    """(..., 4H): dc_t/dz_i, dc_t/dz_f, dc_t/dz_g, dh_t/dz_o, the nonzero factors of d, from
    gates (..., 4H), tanh_c and c_prev (..., H); into out if given.

    Whole-array passes where possible (sigmoid' = s (1 - s) on all four blocks, then the g block
    is replaced), no temporaries.
    """
    hidden = tanh_c.shape[-1]
    i_, f_, g_, o_ = (gate_slice(name, hidden) for name in GATES)
    slopes = np.subtract(1.0, gates, out=out)
    slopes *= gates  # sigmoid'(z) = s (1 - s) for i, f, o
    np.multiply(gates[..., g_], gates[..., g_], out=slopes[..., g_])
    np.subtract(1.0, slopes[..., g_], out=slopes[..., g_])  # tanh'(z_g) = 1 - g^2
    slopes[..., i_] *= gates[..., g_]  # dc/dz_i = g * sigmoid'(z_i)
    slopes[..., f_] *= c_prev  # dc/dz_f = c_{t-1} * sigmoid'(z_f)
    slopes[..., g_] *= gates[..., i_]  # dc/dz_g = i * tanh'(z_g)
    slopes[..., o_] *= tanh_c  # dh/dz_o = tanh(c_t) * sigmoid'(z_o)
    return slopes


def _state_derivatives(slopes: np.ndarray, gates: np.ndarray, tanh_c: np.ndarray) -> np.ndarray:
    """(..., 2, 4H): dh_t/dz_t and dc_t/dz_t from slopes (..., 4H), gates (..., 4H), tanh_c (..., H)."""
    hidden = tanh_c.shape[-1]
    ifg, o_ = slice(0, 3 * hidden), gate_slice("o", hidden)
    out = np.empty((*slopes.shape[:-1], 2, 4 * hidden))
    dh_dz, dc_dz = out[..., 0, :], out[..., 1, :]
    dc_dz[..., ifg] = slopes[..., ifg]  # dc/dz_{i,f,g}
    dc_dz[..., o_] = 0.0  # c_t does not depend on z_o
    through_c = _through_cell(gates[..., o_], tanh_c)  # dh/dc = o * tanh'(c_t)
    # dh/dz_{i,f,g} = dh/dc * dc/dz_{i,f,g}
    np.multiply(gate_blocks(slopes[..., ifg], 3), through_c[..., None, :], out=gate_blocks(dh_dz[..., ifg], 3))
    dh_dz[..., o_] = slopes[..., o_]  # dh/dz_o = tanh(c_t) * sigmoid'(z_o)
    return out


def _through_cell(o: np.ndarray, tanh_c: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """dh_t/dc_t = o_t * tanh'(c_t) = o_t (1 - tanh(c_t)^2), same shape as o; into out if given."""
    out = np.multiply(tanh_c, tanh_c, out=out)
    np.subtract(1.0, out, out=out)
    out *= o
    return out


def step_backward(ds_t: np.ndarray, cache: Cache, t: int) -> tuple[np.ndarray, np.ndarray]:
    """One step back. ds_t: (N, 2H) total dL/ds_t = (dL/dh_t, dL/dc_t) -> (dz_t: (N, 4H), ds_prev: (N, 2H)).

    dz_t = dL/dz_t is the factor of every weight gradient: step t's term of dL/dW_h is
    dz_t h_{t-1}^T.
    """
    dh, dc_later = hidden_of(ds_t), cell_of(ds_t)
    i, f, g, o = _split(cache.gates[:, t - 1], 4)
    tanh_c = cache.tanh_c[:, t - 1]
    c_prev = cell_of(cache.states[:, t - 1])
    dc = dc_later + dh * o * (1 - tanh_c * tanh_c)  # dL/dc_t = dL/dc_t (from t+1) + dL/dh_t o tanh'(c_t)
    dz = np.concatenate(
        [
            dc * g * i * (1 - i),  # dL/dz_i = dL/dc_t g sigmoid'(z_i)
            dc * c_prev * f * (1 - f),  # dL/dz_f = dL/dc_t c_{t-1} sigmoid'(z_f)
            dc * i * (1 - g * g),  # dL/dz_g = dL/dc_t i tanh'(z_g)
            dh * tanh_c * o * (1 - o),  # dL/dz_o = dL/dh_t tanh(c_t) sigmoid'(z_o)
        ],
        axis=1,
    )
    dh_prev = dz @ cache.model.W_h  # dL/dh_{t-1} (through step t) = W_h^T dL/dz_t
    dc_prev = dc * f  # dL/dc_{t-1} (through step t) = f_t * dL/dc_t
    return dz, np.concatenate([dh_prev, dc_prev], axis=1)


def step_param_grads(dz_t: np.ndarray, cache: Cache, t: int) -> dict[str, np.ndarray]:
    """Step t's term of each cell-parameter gradient, summed over the batch. dz_t: (N, 4H)."""
    return {
        "W_x": dz_t.T @ cache.xs[:, t - 1],  # dL/dW_x += dL/dz_t x_t^T
        "W_h": dz_t.T @ hidden_of(cache.states[:, t - 1]),  # dL/dW_h += dL/dz_t h_{t-1}^T
        "b_x": dz_t.sum(axis=0),  # dL/db_x += dL/dz_t
        "b_h": dz_t.sum(axis=0),  # dL/db_h += dL/dz_t (same sum enters both biases)
    }


def backward(dout: np.ndarray, cache: Cache) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """dout: (N, T, H) direct dL/dh_t from the read-out -> (grads, dh: (N, T, H) total dL/dh_t).

    Same equations as step_backward, laid out for speed (docs/speed.md): steps go back in
    blocks (common.step_blocks); per block the gate slopes in a few whole-block passes, per step
    about six NumPy calls into small reused arrays, and per block one GEMM per weight over the
    block's steps * N rows.
    """
    n, steps, hidden = dout.shape
    f_, o_ = gate_slice("f", hidden), gate_slice("o", hidden)
    direct, gates, tanh_c = time_major(dout), time_major(cache.gates), time_major(cache.tanh_c)
    states, xs, model = time_major(cache.states), time_major(cache.xs), cache.model
    size, blocks = step_blocks(steps, n * 4 * hidden)
    slopes, dz = np.empty((size, n, 4 * hidden)), np.empty((size, n, 4 * hidden))
    slopes_ifg, dz_ifg = gate_blocks(slopes, 4)[:, :, :3], gate_blocks(dz, 4)[:, :, :3]  # (size, N, 3, H) views
    through_c = np.empty((size, n, hidden))
    dh = np.empty((steps, n, hidden))
    carry_h, carry_c, dc = np.zeros((n, hidden)), np.zeros((n, hidden)), np.empty((n, hidden))
    grad_w_x, grad_w_h, bias = np.zeros_like(model.W_x), np.zeros_like(model.W_h), np.zeros_like(model.b_x)
    for start, stop in blocks:
        m = stop - start
        _gate_slopes(gates[start:stop], tanh_c[start:stop], cell_of(states[start:stop]), out=slopes[:m])
        _through_cell(gates[start:stop, :, o_], tanh_c[start:stop], out=through_c[:m])  # dh_t/dc_t
        for j in range(m - 1, -1, -1):
            t = start + j
            np.add(direct[t], carry_h, out=dh[t])  # dL/dh_t = W_y^T dL/do_t + W_h^T dL/dz_{t+1}
            np.multiply(dh[t], through_c[j], out=dc)
            dc += carry_c  # dL/dc_t = dL/dc_t (from t+1) + dL/dh_t o tanh'(c_t)
            np.multiply(slopes_ifg[j], dc[:, None, :], out=dz_ifg[j])  # dL/dz_{i,f,g} = dL/dc_t dc_t/dz_{i,f,g}
            np.multiply(dh[t], slopes[j, :, o_], out=dz[j, :, o_])  # dL/dz_o = dL/dh_t tanh(c_t) sigmoid'(z_o)
            if t:
                np.matmul(dz[j], model.W_h, out=carry_h)  # dL/dh_{t-1} (through step t) = W_h^T dL/dz_t
                np.multiply(dc, gates[t, :, f_], out=carry_c)  # dL/dc_{t-1} (through step t) = f_t * dL/dc_t
        dz_rows = rows(dz[:m])
        grad_w_x += dz_rows.T @ rows(xs[start:stop])  # sum_t dL/dz_t x_t^T
        grad_w_h += dz_rows.T @ rows(hidden_of(states[start:stop]))  # sum_t dL/dz_t h_{t-1}^T
        bias += dz_rows.sum(axis=0)  # sum_t dL/dz_t
    grads = {"W_x": grad_w_x, "W_h": grad_w_h, "b_x": bias, "b_h": bias.copy()}
    return grads, time_major(dh)


def rmul_jacobian(p: np.ndarray, cache: Cache, t: int) -> np.ndarray:
    """p: (N, m, 2H) -> p @ J_t with J_t = ds_t/ds_{t-1}:

        J_t = [[sum_gates diag(dh/dz) W_h,  diag(o tanh'(c_t) f)],
               [sum_gates diag(dc/dz) W_h,  diag(f)            ]]

    The diagonals are folded into p: one GEMM with W_h per step.
    """
    p_h, p_c = hidden_of(p), cell_of(p)
    n, hidden = p.shape[0], p_h.shape[2]
    d = cache.d[:, t - 1].reshape(n, 2, 4, hidden, 1)  # dh_t/dz_t and dc_t/dz_t, per gate
    w = cache.model.W_h.reshape(4, hidden, hidden)
    # The h_{t-1} column blocks, sum over gates of diag(d_gate) W_gate: built explicitly
    # (4 H^2 products) so that p needs two m x H x H GEMMs, half the work of p @ (4H-row q).
    dh_dh, dc_dh = (d * w).sum(axis=2).transpose(1, 0, 2, 3)  # (N, H, H) each
    f, through_c = _cell_path(cache, t)
    out = np.empty_like(p)
    out[..., :hidden] = p_h @ dh_dh + p_c @ dc_dh  # p @ [dh_t/dh_{t-1}; dc_t/dh_{t-1}]
    out[..., hidden:] = (p_h * through_c[:, None] + p_c) * f[:, None]  # p @ [dh_t/dc_{t-1}; dc_t/dc_{t-1}]
    return out


def lmul_jacobian(q: np.ndarray, cache: Cache, t: int) -> np.ndarray:
    """q: (N, 2H, k) -> J_t @ q (J_t as in rmul_jacobian), one GEMM with W_h, no 2H x 2H Jacobian built."""
    n, hidden = q.shape[0], cache.model.hidden_size
    q_h, q_c = q[:, :hidden], q[:, hidden:]
    d = cache.d[:, t - 1].reshape(n, 2, 4, hidden, 1)  # dh_t/dz_t and dc_t/dz_t, per gate
    wq = (cache.model.W_h @ q_h).reshape(n, 1, 4, hidden, -1)  # W_gate q_h
    to_h, to_c = (d * wq).sum(axis=2).transpose(1, 0, 2, 3)  # sum over gates of diag(d_gate) W_gate q_h
    f, through_c = _cell_path(cache, t)
    out = np.empty_like(q)
    out[:, :hidden] = to_h + (through_c * f)[..., None] * q_c  # + dh_t/dc_{t-1} q_c
    out[:, hidden:] = to_c + f[..., None] * q_c  # + dc_t/dc_{t-1} q_c
    return out


def _cell_path(cache: Cache, t: int) -> tuple[np.ndarray, np.ndarray]:
    """f_t (N, H) and dh_t/dc_t = o_t tanh'(c_t) (N, H)."""
    hidden = cache.model.hidden_size
    f = cache.gates[:, t - 1, hidden : 2 * hidden]
    o = cache.gates[:, t - 1, 3 * hidden :]
    tanh_c = cache.tanh_c[:, t - 1]
    return f, o * (1 - tanh_c * tanh_c)


def jacobians(cache: Cache, t_first: int, t_last: int) -> np.ndarray:
    """Explicit J_t = ds_t/ds_{t-1} for t = t_first..t_last: (N, m, 2H, 2H)."""
    hidden = cache.model.hidden_size
    d = cache.d[:, t_first - 1 : t_last]  # (N, m, 2, 4H)
    w = cache.model.W_h.reshape(4, hidden, hidden)
    # column block h_{t-1}: sum over gates of diag(d_gate) W_gate
    to_h_prev = np.einsum("nmkgi,gij->nmkij", d.reshape(*d.shape[:3], 4, hidden), w)
    to_h_prev = to_h_prev.reshape(*d.shape[:2], 2 * hidden, hidden)
    f = cache.gates[:, t_first - 1 : t_last, hidden : 2 * hidden]
    o = cache.gates[:, t_first - 1 : t_last, 3 * hidden :]
    tanh_c = cache.tanh_c[:, t_first - 1 : t_last]
    diag_h = o * (1 - tanh_c * tanh_c) * f  # dh_t/dc_{t-1}
    eye = np.eye(hidden)
    to_c_prev = np.concatenate([diag_h[..., :, None] * eye, f[..., :, None] * eye], axis=-2)
    return np.concatenate([to_h_prev, to_c_prev], axis=-1)


def recurrent_matrix_of(model: LSTM) -> np.ndarray:
    """The candidate block W_hg (H, H) of W_h, the one a vanilla RNN's W_h corresponds to.

    W_h itself is (4H, H), not square; its other blocks drive the gates.
    """
    return model.W_h[gate_slice("g", model.hidden_size)]
