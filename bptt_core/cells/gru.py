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
from .common import Weights

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
    """What the backward pass reuses from the forward pass."""

    model: GRU
    act: Activation  # tanh, the candidate's squashing
    xs: np.ndarray  # (N, T, D)
    states: np.ndarray  # (N, T+1, S): s_t = h_t, s_0 at index 0
    a: np.ndarray  # (N, T, 3H) gate pre-activations a_r, a_z, a_n (a_n includes r * (W_hn h + b_hn))
    # (N, T, 3H): row scalings of J_t = diag(z_t) + sum_gates diag(d_gate) W_h,gate, i.e. the
    # recurrent pre-activation gradient per unit of dL/dh_t.
    d: np.ndarray
    gates: np.ndarray  # (N, T, 3H) r, z, n
    hn: np.ndarray  # (N, T, H) W_hn h_{t-1} + b_hn
    overflow_step: int | None = None  # always None: every gate and h_t is bounded
    extras: dict = field(default_factory=dict)


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
    """xs: (N, T, D), h0: (N, H) or None -> (hs: (N, T, H) = h_1..h_T, cache)."""
    n, steps, _ = xs.shape
    hidden = model.hidden_size
    states = np.empty((n, steps + 1, hidden))
    states[:, 0] = 0.0 if h0 is None else h0
    a = np.empty((n, steps, 3 * hidden))
    gates = np.empty((n, steps, 3 * hidden))
    hn = np.empty((n, steps, hidden))
    for t in range(1, steps + 1):
        states[:, t], a[:, t - 1], gates[:, t - 1], hn[:, t - 1] = _step(model, xs[:, t - 1], states[:, t - 1])
    d = _row_scalings(gates, hn, states[:, :-1])
    cache = Cache(model, get_activation("tanh"), xs, states, a, d, gates, hn)
    return states[:, 1:], cache


def _row_scalings(gates: np.ndarray, hn: np.ndarray, h_prev: np.ndarray) -> np.ndarray:
    """(..., 3H): d(h_t)/d(recurrent pre-activation of each gate), from cached values."""
    r, z, n = np.split(gates, 3, axis=-1)
    dn = (1 - z) * (1 - n * n)  # dh/da_n = (1 - z) tanh'(a_n)
    return np.concatenate(
        [
            dn * hn * r * (1 - r),  # dh/da_r = dh/da_n * hn * sigmoid'(a_r)
            (h_prev - n) * z * (1 - z),  # dh/da_z = (h_{t-1} - n) sigmoid'(a_z)
            dn * r,  # dh/d(W_hn h + b_hn) = dh/da_n * r
        ],
        axis=-1,
    )


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
    """dout: (N, T, H) direct dL/dh_t from the read-out -> (grads, dh: (N, T, H) total dL/dh_t)."""
    n, steps, hidden = dout.shape
    dh = np.empty_like(dout)
    dpre = np.empty((n, steps, 3 * hidden))
    carry = np.zeros((n, hidden))
    for t in range(steps, 0, -1):
        dh[:, t - 1] = dout[:, t - 1] + carry  # dL/dh_t = W_y^T dL/do_t + J_{t+1}^T dL/dh_{t+1}
        dpre[:, t - 1], carry = step_backward(dh[:, t - 1], cache, t)
    da_n = dh * (1 - cache.gates[..., hidden : 2 * hidden]) * (1 - cache.gates[..., 2 * hidden :] ** 2)
    da = np.concatenate([dpre[..., : 2 * hidden], da_n], axis=-1)  # input side: dL/da_n, no r
    grads = {
        "W_x": np.einsum("nti,ntj->ij", da, cache.xs),  # sum_t dL/da_t x_t^T
        "W_h": np.einsum("nti,ntj->ij", dpre, cache.states[:, :-1]),  # sum_t dpre_t h_{t-1}^T
        "b_x": da.sum(axis=(0, 1)),  # sum_t dL/da_t
        "b_h": dpre.sum(axis=(0, 1)),  # sum_t dpre_t
    }
    return grads, dh


def rmul_jacobian(p: np.ndarray, cache: Cache, t: int) -> np.ndarray:
    """p: (N, m, H) -> p @ J_t with J_t = dh_t/dh_{t-1} = diag(z_t) + sum_gates diag(d_gate) W_h,gate.

    The diagonals are folded into p: one GEMM with W_h per step.
    """
    hidden = cache.model.hidden_size
    z = cache.gates[:, t - 1, None, hidden : 2 * hidden]
    return (np.tile(p, 3) * cache.d[:, t - 1, None]) @ cache.model.W_h + p * z


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
