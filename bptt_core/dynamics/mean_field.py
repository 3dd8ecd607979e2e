"""The mean-field edge of chaos for the vanilla RNN (docs/dynamics.md, "Mean field").

Treat the H pre-activations a_t = W_h h_{t-1} + W_x x_t + b_h as Gaussian with variance q
(Schoenholz et al. 2017; for a recurrent net, an approximation that ignores the tied weights).
With W_h iid N(0, sigma_w^2 / H), W_x iid N(0, 1/D) as in init_rnn, x_t ~ input_scale N(0, I_D)
and b_h ~ N(0, sigma_b^2) (zero in the app):

    q_{t+1} = sigma_w^2 E[f(sqrt(q_t) z)^2] + input_scale^2 + sigma_b^2,      z ~ N(0, 1)
    chi     = sigma_w^2 E[f'(sqrt(q*) z)^2]            at the fixed point q*

chi is the factor by which a small perturbation's squared norm grows per step: chi < 1 orders,
chi > 1 is chaos, chi = 1 is the edge. Expectations by Gauss-Hermite quadrature (probabilists'
weight exp(-z^2/2), np.polynomial.hermite_e.hermegauss).
"""

from __future__ import annotations

import functools

import numpy as np

from ..activations import get_activation
from ..cells.rnn import init_rnn

# Gauss-Hermite nodes: exact for polynomials to degree 319. An even count puts no node at the
# kink z = 0 and pairs every node with its mirror image, so the piecewise-linear activations'
# E[f^2] and E[f'^2] (halves of even polynomials) come out exact.
_NODES = 160
_HERMITE_Q_MAX = 1.0  # Gauss-Hermite up to this q* (relative error ~1e-11 there, measured)
_Z_MAX = 10.0  # the trapezoid rule's range in z (the Gaussian tail beyond: < 1e-22)
_TRAPEZOID_POINTS = 1601  # spacing 0.0125 in z: at most 0.25 in a = sqrt(q) z for q <= 400
_BISECTIONS = 52  # halvings of the bracket: 1e4 / 2^52 ~ 2e-12, below what the quadrature resolves
_Q_MAX = 400.0  # the edge search looks for q* in [0, _Q_MAX] (input scales up to ~20)


@functools.cache
def _nodes() -> tuple[np.ndarray, np.ndarray]:
    """Gauss-Hermite nodes z and weights w of N(0, 1): E[g(z)] ~ sum w g(z). Computed once."""
    z, w = np.polynomial.hermite_e.hermegauss(_NODES)
    return z, w / np.sqrt(2.0 * np.pi)


@functools.cache
def _trapezoid() -> tuple[np.ndarray, np.ndarray]:
    """A fine trapezoid rule of N(0, 1) on [-_Z_MAX, _Z_MAX]: nodes z and weights w."""
    z = np.linspace(-_Z_MAX, _Z_MAX, _TRAPEZOID_POINTS)
    w = np.exp(-0.5 * z * z) / np.sqrt(2.0 * np.pi) * (z[1] - z[0])
    w[[0, -1]] *= 0.5
    return z, w


def _moments(activation: str, q: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(E[f(sqrt(q) z)^2], E[f'(sqrt(q) z)^2]), z ~ N(0, 1), each of q's shape (one f evaluation for both).

    Gauss-Hermite up to q = _HERMITE_Q_MAX. Past it, f'(sqrt(q) z)^2 is a bump of width
    1/sqrt(q) in z that 160 nodes no longer resolve (measured for tanh: relative error 1e-5 at
    q = 4, 3e-3 at q = 10, 0.23 at q = 40), so a fine trapezoid rule takes over; it converges
    exponentially for these analytic integrands (docs/dynamics.md).
    """
    act = get_activation(activation)
    q = np.asarray(q, dtype=float)
    f2, df2 = np.empty(q.shape), np.empty(q.shape)
    wide = q > _HERMITE_Q_MAX
    for rule, mask in ((_nodes, ~wide), (_trapezoid, wide)):
        if mask.any():
            z, w = rule()
            a = np.sqrt(q[mask])[..., None] * z
            h = act.f(a)
            f2[mask] = (h * h) @ w
            df2[mask] = act.df(a, h) ** 2 @ w
    return f2, df2


def _gauss(activation: str, q: np.ndarray, fn: str) -> np.ndarray:
    """E[f(sqrt(q) z)^2] (fn "f2") or E[f'(sqrt(q) z)^2] (fn "df2")."""
    return _moments(activation, q)[0 if fn == "f2" else 1]


def mean_field_q(sigma_w, input_scale, activation: str = "tanh", *, bias_std: float = 0.0) -> np.ndarray:
    """q*, the stable fixed point of the variance map (broadcast over sigma_w and input_scale).

    Bounded f (tanh, sigmoid): bisection on [0, sigma_w^2 + s^2] (f^2 <= 1) on whether the map
    q -> sigma_w^2 E[f(sqrt(q) z)^2] + s^2 pushes q up or down; it lies above the diagonal below q*
    and below it above, so the bisection lands on the stable fixed point (q* = 0 when s = 0 and
    chi(0) <= 1). Homogeneous f (relu, leaky_relu, linear):
    E[f(sqrt(q) z)^2] = q m2, so q* = s^2 / (1 - sigma_w^2 m2), inf when sigma_w^2 m2 >= 1.
    """
    sigma_w, scale = np.broadcast_arrays(np.asarray(sigma_w, dtype=float), np.asarray(input_scale, dtype=float))
    drive = scale**2 + float(bias_std) ** 2
    if get_activation(activation).homogeneous:
        gain = sigma_w**2 * _gauss(activation, np.ones(()), "f2")
        # gain >= 1: the variance grows without bound (q = 0 is then an unstable or neutral fixed point)
        return np.where(gain < 1.0, drive / np.where(gain < 1.0, 1.0 - gain, 1.0), np.inf)
    lo, hi = np.zeros_like(drive), sigma_w**2 + drive
    for _ in range(_BISECTIONS):
        mid = 0.5 * (lo + hi)
        grows = sigma_w**2 * _gauss(activation, mid, "f2") + drive > mid  # the map pushes q up: q* is above
        lo, hi = np.where(grows, mid, lo), np.where(grows, hi, mid)
    return 0.5 * (lo + hi)


def mean_field_chi(sigma_w, input_scale, activation: str = "tanh", *, bias_std: float = 0.0) -> np.ndarray:
    """chi = sigma_w^2 E[f'(a)^2], a ~ N(0, q*) (broadcast over sigma_w and input_scale).

    chi = 1 is the mean-field edge of chaos. For homogeneous f, f'(a)^2 does not depend on the
    scale of a, so chi = sigma_w^2 E[f'(z)^2] even where q* is infinite.
    """
    sigma_w = np.asarray(sigma_w, dtype=float)
    if get_activation(activation).homogeneous:
        sigma_w, _ = np.broadcast_arrays(sigma_w, np.asarray(input_scale, dtype=float))
        return sigma_w**2 * _gauss(activation, np.ones(()), "df2")
    q = mean_field_q(sigma_w, input_scale, activation, bias_std=bias_std)
    return sigma_w**2 * _gauss(activation, q, "df2")


def sigma_w_per_rho(init: str = "gaussian", hidden: int = 32, seed: int = 0) -> float:
    """sigma_w of the app's W_h at rho = 1: ||W_h||_F / sqrt(H), so that sigma_w = rho * this.

    The mean field needs the variance of (W_h h)_i, H sigma_w^2/H mean(h^2) with sigma_w^2 =
    ||W_h||_F^2 / H. Orthogonal (and identity) W_h: exactly 1. Gaussian: W scaled to radius 1
    has entries of variance ~1/H, so ~1 (the circular law), computed here for the actual draw.
    The identity init is not random: the mean field does not describe it.
    """
    model = init_rnn(8, hidden, 8, spectral_radius=1.0, init=init, seed=seed)
    return float(np.linalg.norm(model.W_h) / np.sqrt(hidden))


def mean_field_edge(
    input_scales, activation: str = "tanh", *, sigma_w_per_rho: float = 1.0, bias_std: float = 0.0
) -> np.ndarray:
    """The rho where chi = 1 for each input scale: (len(input_scales),); NaN where none is found.

    Solved through q* rather than sigma_w (one bisection instead of two nested ones): on the edge
    sigma_w^2 = 1 / E[f'(sqrt(q) z)^2] (chi = 1), and the fixed point then requires
    g(q) = q - E[f(sqrt(q) z)^2] / E[f'(sqrt(q) z)^2] = input_scale^2 + sigma_b^2. g increases with q
    for the bounded activations here; bisection finds q, then rho = sigma_w / sigma_w_per_rho.
    Homogeneous f: chi does not depend on q, sigma_w = 1 / sqrt(E[f'(z)^2]) for every input scale.
    """
    scales = np.asarray(input_scales, dtype=float).ravel()
    drive = scales**2 + float(bias_std) ** 2

    def g(q: np.ndarray) -> np.ndarray:
        f2, df2 = _moments(activation, q)
        with np.errstate(divide="ignore", invalid="ignore"):  # E[f'^2] -> 0 only far beyond any edge
            return q - f2 / df2

    if get_activation(activation).homogeneous:
        sigma_w = np.full_like(scales, 1.0 / np.sqrt(_gauss(activation, np.ones(()), "df2")))
        return sigma_w / sigma_w_per_rho
    lo, hi = np.zeros_like(scales), np.full_like(scales, _Q_MAX)
    found = (g(lo) <= drive) & (g(hi) >= drive)
    for _ in range(_BISECTIONS):
        mid = 0.5 * (lo + hi)
        above = g(mid) >= drive
        lo, hi = np.where(above, lo, mid), np.where(above, mid, hi)
    q = 0.5 * (lo + hi)
    sigma_w = 1.0 / np.sqrt(_gauss(activation, q, "df2"))
    return np.where(found, sigma_w, np.nan) / sigma_w_per_rho
