"""The one overflow-safe norm and cosine of the library (docs/maths.md, "Numbers that leave float64").

np.linalg.norm([1e200, 1e200]) is inf and np.linalg.norm([1e-200] * 2) is 0.0: the squares
leave float64 before the square root brings them back. Rescaling by max|v| first keeps the
result exact wherever the norm itself is a float64 number.
"""

from __future__ import annotations

import numpy as np


def safe_norm(v: np.ndarray) -> float:
    """||v||_2 of a flattened array, rescaled by max|v| so the squares neither overflow nor underflow.

    NaN entries count as 0; an infinite entry gives inf.
    """
    v = np.ravel(np.asarray(v, dtype=float))
    v = np.where(np.isnan(v), 0.0, v)
    top = float(np.max(np.abs(v))) if v.size else 0.0
    if top == 0.0 or not np.isfinite(top):
        return top
    return top * float(np.linalg.norm(v / top))


def finite_direction(v: np.ndarray) -> np.ndarray:
    """v with NaN -> 0 and, if any entry is infinite, only the signs of the infinite entries."""
    v = np.where(np.isnan(v), 0.0, v)
    inf = np.isinf(v)
    return np.where(inf, np.sign(v), 0.0) if inf.any() else v


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    """cos(a, b) of the flattened finite directions; 1.0 if both are zero, 0.0 if only one is."""
    a, b = finite_direction(np.ravel(a)), finite_direction(np.ravel(b))
    na, nb = safe_norm(a), safe_norm(b)
    if na == 0.0 and nb == 0.0:
        return 1.0
    if na == 0.0 or nb == 0.0:
        return 0.0
    return float(np.clip(np.dot(a / na, b / nb), -1.0, 1.0))


def log10_row_norms(x: np.ndarray) -> np.ndarray:
    """log10 of the 2-norm over the last axis, exact where the norm itself would overflow.

    x: (..., S) finite -> (...,); -inf for a zero row.
    """
    scale = np.max(np.abs(x), axis=-1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        unit = np.where(scale > 0, x / np.where(scale > 0, scale, 1.0), 0.0)
        return np.log10(scale[..., 0]) + 0.5 * np.log10(np.einsum("...i,...i->...", unit, unit))
