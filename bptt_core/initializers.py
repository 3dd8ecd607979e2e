"""Recurrent-matrix initialisers: each returns W_h (H, H) with max|eig(W_h)| = rho.

Registry keyed by name, shared by the widgets and the URL format.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def gaussian(rng: np.random.Generator, size: int, rho: float) -> np.ndarray:
    """i.i.d. N(0, 1/H) rescaled so that its spectral radius is exactly rho.

    Its largest singular value is then near 2 rho (transient growth, docs/maths.md, "Vanishing and exploding").
    """
    w = rng.standard_normal((size, size)) / np.sqrt(size)
    radius = np.max(np.abs(np.linalg.eigvals(w)))
    return w * (rho / radius)


def orthogonal(rng: np.random.Generator, size: int, rho: float) -> np.ndarray:
    """rho times a Haar-random orthogonal matrix: every singular value equals rho."""
    q, r = np.linalg.qr(rng.standard_normal((size, size)))
    q = q * np.where(np.diag(r) < 0, -1.0, 1.0)  # sign fix makes q Haar-distributed
    return rho * q


def identity(rng: np.random.Generator, size: int, rho: float) -> np.ndarray:
    """rho times the identity (IRNN, Le et al. 2015)."""
    return rho * np.eye(size)


INITIALIZERS: dict[str, Callable[[np.random.Generator, int, float], np.ndarray]] = {
    "gaussian": gaussian,
    "orthogonal": orthogonal,
    "identity": identity,
}


def recurrent_matrix(init: str, rng: np.random.Generator, size: int, rho: float) -> np.ndarray:
    """W_h: (H, H) from the named initialiser."""
    if init not in INITIALIZERS:
        raise ValueError(f"unknown init {init!r}; choose from {sorted(INITIALIZERS)}")
    return INITIALIZERS[init](rng, size, float(rho))
