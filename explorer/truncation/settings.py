"""Settings of the truncation view: which truncation, its window and the randomized draws.

Drawn in the page's main area; every field is bound to the URL under its short key.
"""

from __future__ import annotations

from dataclasses import dataclass

from explorer.shared.fields import ChoiceField, FloatField, IntField
from explorer.shared.ranges import Range
from explorer.shared.settings import setting
from explorer.truncation.report import KINDS

MAX_WINDOW = 200  # k, k1, k2: the view uses at most 200 steps anyway
MAX_SEEDS = 50


@dataclass(frozen=True)
class TruncationSettings:
    kind: str = setting("chunked", "tr", ChoiceField(KINDS))
    k: int = setting(5, "k", IntField(1, MAX_WINDOW))
    k1: int = setting(5, "k1", IntField(1, MAX_WINDOW))
    k2: int = setting(10, "k2", IntField(1, MAX_WINDOW))
    pi: float = setting(0.5, "pi", FloatField(0.05, 1.0, 0.05))
    seeds: int = setting(20, "nseeds", IntField(2, MAX_SEEDS))


# T: the path mask draws T^2 cells, unreadable past 200 steps. H: every section reruns the backward
# pass (one sweep per k and per seed): T = 200 with 50 seeds takes 0.8 s at H = 128 and 2.2 s at
# H = 256 here (benchmarks/worst_links.py, 2026-12-06).
TRUNCATION_RANGE = Range(steps=200, hidden=128, reason="truncation.range")
