"""Classroom presets: several settings at once, each with the verdict it demonstrates.

Values are ProblemSettings attribute names; anything not named takes its default, so a
preset always reproduces the same figure. tests/views/flow/test_presets.py checks each verdict.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Preset:
    name: str
    values: dict = field(default_factory=dict)
    verdict: str = "vanishing"


PRESETS: tuple[Preset, ...] = (
    Preset("vanishing_tanh", {"activation": "tanh", "rho": 0.9}, "vanishing"),
    Preset("exploding_linear", {"activation": "linear", "init": "orthogonal", "rho": 1.1}, "exploding"),
    Preset("edge_orthogonal", {"activation": "tanh", "init": "orthogonal", "rho": 1.0, "input_scale": 0.01}, "edge"),
    Preset("sigmoid_quarter", {"activation": "sigmoid", "rho": 3.5}, "vanishing"),
    Preset("transient_gaussian", {"activation": "linear", "init": "gaussian", "rho": 0.95, "hidden": 64}, "vanishing"),
    Preset("irnn", {"activation": "relu", "init": "identity", "rho": 1.0}, "edge"),
)
PRESET_NAMES = tuple(p.name for p in PRESETS)


def preset(name: str) -> Preset:
    return next(p for p in PRESETS if p.name == name)
