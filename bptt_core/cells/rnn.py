"""Vanilla (Elman) RNN cell: a_t = W_h h_{t-1} + W_x x_t + b_h, h_t = f(a_t).

The state s_t is h_t itself (S = H). Time index t runs 1..T; arrays store step t at
index t - 1, except states, which store s_0 at index 0.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np

from ..activations import Activation, get_activation
from ..initializers import recurrent_matrix
from ..rng import as_generator
from .common import Weights, activate_into, derivative_of, input_projection, rows, time_major

NAME = "rnn"
CELL_PARAMS = ("W_h", "W_x", "b_h")


@dataclass
class RNN(Weights):
    """Weights of a vanilla RNN with a linear read-out o_t = W_y h_t + b_y."""

    W_h: np.ndarray  # (H, H)
    W_x: np.ndarray  # (H, D)
    b_h: np.ndarray  # (H,)
    W_y: np.ndarray  # (K, H)
    b_y: np.ndarray  # (K,)
    activation: str = "tanh"
    cell: ClassVar[str] = NAME
    param_names: ClassVar[tuple[str, ...]] = ("W_h", "W_x", "b_h", "W_y", "b_y")

    @property
    def hidden_size(self) -> int:
        return self.W_h.shape[0]


def init_rnn(
    input_size: int,
    hidden_size: int,
    output_size: int,
    *,
    spectral_radius: float,
    activation: str = "tanh",
    init: str = "gaussian",
    seed: int | np.random.Generator = 0,
) -> RNN:
    """A vanilla RNN whose W_h has max|eig| = spectral_radius exactly.

    W_x (H, D) and W_y (K, H) are N(0, 1/fan_in); biases start at zero.
    """
    get_activation(activation)  # fail early on an unknown name
    rng = as_generator(seed)
    w_h = recurrent_matrix(init, rng, hidden_size, spectral_radius)
    w_x = rng.standard_normal((hidden_size, input_size)) / np.sqrt(input_size)
    w_y = rng.standard_normal((output_size, hidden_size)) / np.sqrt(hidden_size)
    return RNN(w_h, w_x, np.zeros(hidden_size), w_y, np.zeros(output_size), activation)


@dataclass
class Cache:
    """What the backward pass reuses from the forward pass.

    The per-step arrays are (N, T, .) views of time-major (T, N, .) storage (forward writes
    step t as one contiguous block, docs/speed.md); index them as documented, never by layout.
    """

    model: RNN
    act: Activation
    xs: np.ndarray  # (N, T, D)
    states: np.ndarray  # (N, T+1, S): s_0 .. s_T (here s_t = h_t)
    a: np.ndarray  # (N, T, H) pre-activations
    d: np.ndarray  # (N, T, H) f'(a_t), the diagonal of J_t
    overflow_step: int | None = None  # first t whose h_t left float64
    extras: dict = field(default_factory=dict)


def state_size(model: RNN) -> int:
    return model.hidden_size


def hidden_of(states: np.ndarray) -> np.ndarray:
    """h part of states (..., S) -> (..., H)."""
    return states


def state_grad_from_hidden(dh: np.ndarray) -> np.ndarray:
    """Embed dL/dh (..., H) into the state space (..., S)."""
    return dh


def step_forward(model: RNN, act: Activation, x_t: np.ndarray, h_prev: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """x_t: (N, D), h_prev: (N, H) -> (h_t: (N, H), a_t: (N, H))."""
    a_t = h_prev @ model.W_h.T + x_t @ model.W_x.T + model.b_h
    return act.f(a_t), a_t


def forward(model: RNN, xs: np.ndarray, h0: np.ndarray | None = None) -> tuple[np.ndarray, Cache]:
    """xs: (N, T, D), h0: (N, H) or None -> (hs: (N, T, H) = h_1..h_T, cache).

    Same recursion as step_forward, laid out for speed (docs/speed.md): W_x x_t + b_h for all
    t in one GEMM, then per step one GEMM, one add and f written in place. Arrays are kept
    time-major (T, N, H) so step t is contiguous; the cache holds their (N, T, H) views.
    """
    act = get_activation(model.activation)
    n, steps, _ = xs.shape
    hidden = model.hidden_size
    states = np.empty((steps + 1, n, hidden))
    states[0] = 0.0 if h0 is None else h0
    a = np.empty((steps, n, hidden))
    recurrent = np.empty((n, hidden))
    w_h_t = model.W_h.T
    with np.errstate(over="ignore", invalid="ignore"):
        input_projection(xs, model.W_x, model.b_h, out=a)  # W_x x_t + b_h for every t at once
        for t in range(steps):
            np.matmul(states[t], w_h_t, out=recurrent)
            a[t] += recurrent  # a_t = W_h h_{t-1} + W_x x_t + b_h
            activate_into(act, a[t], states[t + 1])  # h_t = f(a_t)
        d = derivative_of(act, a, states[1:])  # f'(a_t)
    cache = Cache(model, act, xs, time_major(states), time_major(a), time_major(d))
    finite = np.isfinite(states[1:]).all(axis=(1, 2))
    if not finite.all():
        cache.overflow_step = int(np.argmin(finite)) + 1
        if act.homogeneous:
            cache.d = _renormalised_derivatives(model, act, xs, states[0])
    return cache.states[:, 1:], cache


def _renormalised_derivatives(model: RNN, act: Activation, xs: np.ndarray, h0: np.ndarray) -> np.ndarray:
    """f'(a_t) for a positively homogeneous f when h_t overflows float64.

    Track h_t = 10^e_t * u_t with ||u_t|| <= 1. Since f(c a) = c f(a) for c > 0,
    u_t = f(W_h u_{t-1} + (W_x x_t + b_h) 10^-e) and f'(a_t) = f'(that argument):
    the sign pattern, hence J_t, stays defined though h_t itself is not.
    """
    n, steps, _ = xs.shape
    u = h0.copy()
    log_scale = np.zeros((n, 1))
    d = np.empty((n, steps, model.hidden_size))
    drive = xs @ model.W_x.T + model.b_h  # (N, T, H)
    with np.errstate(under="ignore"):
        for t in range(steps):
            arg = u @ model.W_h.T + drive[:, t] * 10.0 ** (-log_scale)
            u = act.f(arg)
            d[:, t] = act.df(arg, u)
            norm = np.linalg.norm(u, axis=1, keepdims=True)
            big = norm > 1.0
            u = np.where(big, u / np.where(big, norm, 1.0), u)
            log_scale += np.where(big, np.log10(np.where(big, norm, 1.0)), 0.0)
    return d


def step_backward(ds_t: np.ndarray, cache: Cache, t: int) -> tuple[np.ndarray, np.ndarray]:
    """One step back. ds_t: (N, S) total dL/ds_t -> (da_t: (N, H), ds_prev: (N, S)).

    da_t is the gradient at the pre-activation, the factor of every weight gradient.
    """
    da_t = cache.d[:, t - 1] * ds_t  # dL/da_t = f'(a_t) * dL/dh_t
    ds_prev = da_t @ cache.model.W_h  # dL/dh_{t-1} (through step t) = W_h^T dL/da_t
    return da_t, ds_prev


def step_param_grads(da_t: np.ndarray, cache: Cache, t: int) -> dict[str, np.ndarray]:
    """Step t's term of each cell-parameter gradient, summed over the batch."""
    return {
        "W_h": da_t.T @ cache.states[:, t - 1],  # dL/dW_h += dL/da_t h_{t-1}^T
        "W_x": da_t.T @ cache.xs[:, t - 1],  # dL/dW_x += dL/da_t x_t^T
        "b_h": da_t.sum(axis=0),  # dL/db_h += dL/da_t
    }


def backward(dout: np.ndarray, cache: Cache) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """dout: (N, T, H) direct dL/dh_t from the read-out -> (grads, dh: (N, T, H) total dL/dh_t).

    Per step three NumPy calls into preallocated time-major arrays; the weight gradients are
    one GEMM each over the T*N rows (docs/speed.md).
    """
    n, steps, size = dout.shape
    direct, d = time_major(dout), time_major(cache.d)  # (T, N, H)
    w_h = cache.model.W_h
    dh = np.empty((steps, n, size), dtype=np.result_type(dout, d))
    da = np.empty_like(dh)
    carry = np.zeros((n, size), dtype=dh.dtype)
    for t in range(steps - 1, -1, -1):
        np.add(direct[t], carry, out=dh[t])  # dL/dh_t = W_y^T dL/do_t + W_h^T dL/da_{t+1}
        np.multiply(d[t], dh[t], out=da[t])  # dL/da_t = f'(a_t) * dL/dh_t
        if t:
            np.matmul(da[t], w_h, out=carry)  # dL/dh_{t-1} (through step t) = W_h^T dL/da_t
    da_rows = rows(da)
    grads = {
        "W_h": da_rows.T @ rows(time_major(cache.states)[:-1]),  # sum_t dL/da_t h_{t-1}^T
        "W_x": da_rows.T @ rows(time_major(cache.xs)),  # sum_t dL/da_t x_t^T
        "b_h": da_rows.sum(axis=0),  # sum_t dL/da_t
    }
    return grads, time_major(dh)


def rmul_jacobian(p: np.ndarray, cache: Cache, t: int) -> np.ndarray:
    """p: (N, m, S) -> p @ J_t with J_t = ds_t/ds_{t-1} = diag(f'(a_t)) W_h.

    Folds the diagonal into p's columns: one GEMM per step (building diag(d) W_h first would cost a second GEMM).
    """
    return (p * cache.d[:, t - 1, None, :]) @ cache.model.W_h


def lmul_jacobian(q: np.ndarray, cache: Cache, t: int) -> np.ndarray:
    """q: (N, S, k) -> J_t @ q, the tangent vectors pushed forward through step t.

    J_t q = diag(f'(a_t)) (W_h q): one GEMM per step, no S x S Jacobian built.
    """
    return cache.d[:, t - 1, :, None] * (cache.model.W_h @ q)  # d_t * (W_h q)


def jacobians(cache: Cache, t_first: int, t_last: int) -> np.ndarray:
    """Explicit J_t for t = t_first..t_last: (N, m, S, S)."""
    d = cache.d[:, t_first - 1 : t_last]
    return d[..., :, None] * cache.model.W_h


def recurrent_matrix_of(model: RNN) -> np.ndarray:
    """The matrix whose spectrum the views show: W_h (H, H)."""
    return model.W_h
