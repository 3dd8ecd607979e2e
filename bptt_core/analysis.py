"""Summary numbers of a run: spectrum, growth rate per step, and the verdict."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# A per-step growth within 2% of 1 changes the gradient by less than 10x in ~115 steps.
EDGE_TOLERANCE = 0.02


@dataclass(frozen=True)
class Spectrum:
    eigenvalues: np.ndarray  # (H,) complex, of the recurrent matrix
    singular_values: np.ndarray  # (H,) descending

    @property
    def radius(self) -> float:
        return float(np.max(np.abs(self.eigenvalues)))

    @property
    def sigma_max(self) -> float:
        return float(self.singular_values[0])


def spectrum(w: np.ndarray) -> Spectrum:
    """Eigenvalues and singular values of a square matrix w: (H, H)."""
    return Spectrum(np.linalg.eigvals(w), np.linalg.svd(w, compute_uv=False))


def fitted_log10_growth(log10_norms: np.ndarray) -> float:
    """Least-squares slope of log10 ||ds_T/ds_t|| against the distance T - t.

    log10_norms: (T+1,) indexed by t. The fit uses the far half of the distances
    (the long-run rate, past any transient); 10**slope is the growth per step.
    Returns -inf when the product is exactly zero there.
    """
    steps = log10_norms.shape[0] - 1
    if steps == 0:
        return 0.0
    distance = steps - np.arange(steps + 1)
    keep = distance >= (steps // 2 if steps >= 4 else 1)
    y, k = log10_norms[keep], distance[keep]
    if not np.all(np.isfinite(y)):
        return -np.inf
    if k.size == 1:
        return float(y[0] / k[0])
    return float(np.polyfit(k, y, 1)[0])


@dataclass(frozen=True)
class Verdict:
    kind: str  # "vanishing" | "exploding" | "edge"
    rule: str  # "pascanu_sufficient" | "measured_rate"
    growth: float  # fitted growth per step (10**slope)
    bound: float  # gamma * sigma_max


def verdict(gamma: float, sigma_max: float, log10_growth: float) -> Verdict:
    """Classify the gradient flow, naming the rule that decided.

    1. gamma * sigma_max < 1 is sufficient for vanishing (Pascanu et al. 2013).
    2. Otherwise the measured growth per step g decides: g < 1 - tol vanishing,
       g > 1 + tol exploding, else near the edge (tol = EDGE_TOLERANCE).
    """
    bound = gamma * sigma_max
    growth = float(10.0**log10_growth) if np.isfinite(log10_growth) else 0.0
    if bound < 1.0:
        return Verdict("vanishing", "pascanu_sufficient", growth, bound)
    if growth < 1.0 - EDGE_TOLERANCE:
        kind = "vanishing"
    elif growth > 1.0 + EDGE_TOLERANCE:
        kind = "exploding"
    else:
        kind = "edge"
    return Verdict(kind, "measured_rate", growth, bound)
