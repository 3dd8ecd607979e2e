"""Gradient clipping: pure functions on a gradient dict {name: array}, never in place.

Every clipper has the signature clipper(grads, threshold) -> (clipped_grads, ClipReport):

- clip_global_norm: Pascanu, Mikolov & Bengio 2013, Algorithm 1. One norm over ALL parameters
  concatenated; if ||g|| > threshold then g <- threshold * g / ||g||. Keeps the direction.
- clip_value: every entry clipped to [-limit, limit] (min-char-rnn uses 5). Bounds each
  entry but turns the direction towards the corners of the box.
- no_clip: returns a copy; the threshold is ignored.

Report conventions (never NaN): norms are computed with a rescaling, so entries near 1e200
give a finite norm; a zero gradient has cosine 1.0 (nothing was turned). A non-finite entry
is treated as follows: NaN entries become 0 in the clipped result; for global-norm
clipping, an infinite entry makes the norm inf and the clipped gradient points along the
infinite entries' signs (their limit direction), scaled to the threshold. norm_before may then
be inf: a view should display it as "overflow", not plot it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .numerics import cosine, finite_direction, safe_norm


@dataclass(frozen=True)
class ClipReport:
    norm_before: float  # ||g|| over all parameters concatenated (inf if an entry is inf)
    norm_after: float  # ||clipped g||
    fraction_clipped: float  # share of entries whose value changed, in [0, 1]
    cosine: float  # cos(clipped g, g), flattened; 1.0 for a zero gradient
    threshold: float | None  # the threshold or limit used (None for no_clip)


def _flat(grads: dict[str, np.ndarray]) -> np.ndarray:
    return np.concatenate([np.ravel(np.asarray(v, dtype=float)) for v in grads.values()]) if grads else np.zeros(0)


def _unflatten(flat: np.ndarray, like: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    out, start = {}, 0
    for name, value in like.items():
        size = np.size(value)
        out[name] = flat[start : start + size].reshape(np.shape(value))
        start += size
    return out


def _report(raw: np.ndarray, clipped: np.ndarray, threshold: float | None) -> ClipReport:
    changed = ~((raw == clipped) | (np.isnan(raw) & (clipped == 0.0)))
    fraction = float(changed.mean()) if raw.size else 0.0
    return ClipReport(safe_norm(raw), safe_norm(clipped), fraction, cosine(clipped, raw), threshold)


def no_clip(grads: dict[str, np.ndarray], threshold: float | None = None) -> tuple[dict[str, np.ndarray], ClipReport]:
    """A copy of grads (NaN entries -> 0) and its report; threshold is ignored."""
    raw = _flat(grads)
    clipped = np.where(np.isnan(raw), 0.0, raw)
    return _unflatten(clipped, grads), _report(raw, clipped, None)


def clip_global_norm(grads: dict[str, np.ndarray], threshold: float) -> tuple[dict[str, np.ndarray], ClipReport]:
    """Pascanu Algorithm 1: g <- threshold * g / ||g|| if ||g|| > threshold (one norm for all parameters)."""
    _check_threshold(threshold)
    raw = _flat(grads)
    norm = safe_norm(raw)
    if norm <= threshold:  # below the threshold nothing changes (NaN entries still -> 0)
        clipped = np.where(np.isnan(raw), 0.0, raw)
    else:
        direction = finite_direction(raw)
        clipped = direction * (threshold / safe_norm(direction))  # g_hat <- threshold / ||g|| * g
    return _unflatten(clipped, grads), _report(raw, clipped, float(threshold))


def clip_value(grads: dict[str, np.ndarray], limit: float) -> tuple[dict[str, np.ndarray], ClipReport]:
    """Element-wise clip of every entry to [-limit, limit] (NaN entries -> 0)."""
    _check_threshold(limit)
    raw = _flat(grads)
    clipped = np.clip(np.where(np.isnan(raw), 0.0, raw), -limit, limit)
    return _unflatten(clipped, grads), _report(raw, clipped, float(limit))


def _check_threshold(value: float) -> None:
    if not (np.isfinite(value) and value > 0):
        raise ValueError(f"the clipping threshold must be a positive finite number, not {value!r}")


Clipper = Callable[[dict[str, np.ndarray], float], tuple[dict[str, np.ndarray], ClipReport]]

CLIPPERS: dict[str, Clipper] = {"none": no_clip, "norm": clip_global_norm, "value": clip_value}
