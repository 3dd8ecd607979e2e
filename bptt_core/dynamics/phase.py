"""The phase diagram: lambda_1 of the vanilla RNN over a grid of (input scale, rho) (docs/dynamics.md).

Every grid cell is the network the app would build for that setting: init_rnn(D, H, K,
spectral_radius=rho, activation, init, seed) on the sequence input_scale * N(0, 1) drawn from
default_rng([seed, 1]) (as bptt_core.problem.Problem.sequence does). The initialisers scale
one fixed draw W_0 to radius rho, so cell (i, j) has W_h = rho_j W_0 and inputs
scale_i * x: the picture is smooth. All cells run as one batch: per step one GEMM for the
states and one for the single tangent vector (Benettin's method with k = 1).
"""

from __future__ import annotations

import numpy as np

from ..activations import get_activation
from ..cells.rnn import init_rnn
from .tangent import log10_abs, start_frame

INPUT_SIZE = 8  # D of the app's sequences
OUTPUT_SIZE = 8  # K of the app's read-out (drawn by init_rnn after W_h and W_x; unused here)
_RESCALE_ABOVE = 1e150  # homogeneous activations: renormalise h past this norm (never reached otherwise)
# ||J_t|| <= gamma sigma_max(W_h) <= ~2 rho: 8 steps stay inside float64 for 1e-30 < rho < 1e30; an exact
# zero stays zero. Renormalising the tangent vector that rarely changes only the rounding.
_NORM_EVERY = 8


def phase_inputs(steps: int, seed: int, input_size: int = INPUT_SIZE) -> np.ndarray:
    """The unit-scale input sequence of the app for this seed: (T, D); the app's xs = input_scale * this."""
    return np.random.default_rng([seed, 1]).standard_normal((steps, input_size))


def phase_grid(
    rhos: np.ndarray,
    input_scales: np.ndarray,
    *,
    activation: str = "tanh",
    init: str = "gaussian",
    hidden: int = 32,
    steps: int = 200,
    seed: int = 0,
) -> np.ndarray:
    """lambda_1 (log10 per step) of each grid cell: (len(input_scales), len(rhos)).

    rhos: (R,) spectral radii of W_h; input_scales: (I,) input standard deviations. Cell [i, j]
    equals lyapunov_log10_exponents(model, bptt(model, xs, ...), k=1)[0, 0] for
    model = init_rnn(8, hidden, 8, spectral_radius=rhos[j], ...) and xs = input_scales[i] *
    phase_inputs(steps, seed)[None]. An exactly zero Jacobian product gives -inf.
    """
    rhos = np.asarray(rhos, dtype=float).ravel()
    scales = np.asarray(input_scales, dtype=float).ravel()
    act = get_activation(activation)
    base = init_rnn(INPUT_SIZE, hidden, OUTPUT_SIZE, spectral_radius=1.0, activation=activation, init=init, seed=seed)
    w_t = base.W_h.T  # (H, H): rows @ w_t = (W_0 h) per row
    drive = phase_inputs(steps, seed) @ base.W_x.T + base.b_h  # (T, H): W_x x_t + b_h at unit scale
    n_in, n_rho = len(scales), len(rhos)
    rho = np.tile(rhos, n_in)[:, None]  # (C, 1), cell c = i * R + j
    h = np.zeros((n_in * n_rho, hidden))  # h_0 = 0 (divided by 10^log_h for homogeneous f)
    log_h = np.zeros((n_in * n_rho, 1))  # stays 0 unless a homogeneous f's state nears overflow
    v = np.broadcast_to(start_frame(hidden, 1)[:, 0], h.shape).copy()  # tangent vector
    total = np.zeros(n_in * n_rho)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore", under="ignore"):
        for t in range(steps):
            # a_t = rho W_0 h_{t-1} + scale (W_x x_t + b_h), all divided by 10^log_h
            a = h @ w_t
            a *= rho
            inputs = scales[:, None] * drive[t]  # (I, H), shared by the R cells of a row
            if act.homogeneous and log_h.any():
                a += (inputs[:, None, :] * 10.0 ** (-log_h.reshape(n_in, n_rho, 1))).reshape(a.shape)
            else:
                a.reshape(n_in, n_rho, hidden)[...] += inputs[:, None, :]
            h = act.f(a)
            d = act.df(a, h)  # f'(a_t); f'(c a) = f'(a) for the homogeneous f that get rescaled
            if act.homogeneous:
                _rescale(h, log_h)
            u = v @ w_t
            u *= rho
            u *= d
            v = u  # J_t v = diag(f'(a_t)) rho W_0 v, renormalised every _NORM_EVERY steps
            if (t + 1) % _NORM_EVERY == 0 or t == steps - 1:
                growth = np.sqrt(np.einsum("ch,ch->c", v, v))
                v /= np.where(growth > 0, growth, 1.0)[:, None]
                total += log10_abs(growth)
    return (total / steps).reshape(n_in, n_rho)


def _rescale(h: np.ndarray, log_h: np.ndarray) -> None:
    """In place: divide the rows of h whose norm passed _RESCALE_ABOVE by that norm, add its log10 to log_h."""
    norm = np.sqrt(np.einsum("ch,ch->c", h, h))[:, None]
    big = norm > _RESCALE_ABOVE
    if big.any():
        h /= np.where(big, norm, 1.0)
        log_h += np.where(big, np.log10(np.where(big, norm, 1.0)), 0.0)
