"""Random generators: the core never touches NumPy's global random state."""

from __future__ import annotations

import numpy as np


def as_generator(seed: int | np.random.Generator) -> np.random.Generator:
    """A Generator from an int seed (or the Generator itself)."""
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.default_rng(seed)
