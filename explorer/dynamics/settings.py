"""Settings of the dynamics view: which cell's state map, how many exponents, how fine the phase grid.

The network itself is the sidebar's (ProblemSettings); clicking the phase diagram moves the
sidebar's rho and input scale. Defaults are part of the link format (tests/test_link_format.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from explorer.shared.fields import ChoiceField, IntField
from explorer.shared.ranges import Range
from explorer.shared.settings import setting

CELLS = ("rnn", "lstm", "gru")
MAX_EXPONENTS = 8
MAX_GRID = 40


@dataclass(frozen=True)
class DynamicsSettings:
    cell: str = setting("rnn", "dcell", ChoiceField(CELLS))
    exponents: int = setting(4, "lyk", IntField(1, MAX_EXPONENTS))
    grid: int = setting(24, "grid", IntField(8, MAX_GRID))


# Eight exponents of the LSTM's 2H state over T = 2000 steps take 1.4 s at H = 192 and 2.8 s at
# H = 256 here (the GRU 2.7 s; benchmarks/worst_links.py, 2026-12-06).
DYNAMICS_RANGE = Range(hidden=192, reason="dynamics.range")
