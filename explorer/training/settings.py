"""Settings of the training lab, drawn on the page in three columns, every field bound to the URL.

LabTask: what is learnt and by which cells; LabModel: the networks' size and initialisation;
LabOptim: how they are trained. Defaults are part of the link format (tests/test_link_format.py).
A run of the lab is keyed by the three together (LabPlan): every session asking for the same
plan shares one computation and its cached result.
"""

from __future__ import annotations

from dataclasses import dataclass

import bptt_core as bc
from explorer.shared.fields import BoolField, ChoiceField, FloatField, IntField
from explorer.shared.settings import setting

# The runs a lab can race: cell token -> (core cell, activation, forced initialiser or None).
# The IRNN of Le et al. 2015 is a ReLU RNN whose W_h starts at rho times the identity.
RUN_KINDS = {
    "rnn": ("rnn", "tanh", None),
    "irnn": ("rnn", "relu", "identity"),
    "lstm": ("lstm", None, None),
    "gru": ("gru", None, None),
}
MAX_LAG = 200


@dataclass(frozen=True)
class LabTask:
    task: str = setting("adding", "task", ChoiceField(tuple(bc.TASKS)))
    lag: int = setting(30, "lag", IntField(2, MAX_LAG))
    run_rnn: bool = setting(True, "rnn", BoolField())
    run_irnn: bool = setting(False, "irnn", BoolField())
    run_lstm: bool = setting(True, "lstm", BoolField())
    run_gru: bool = setting(False, "gru", BoolField())

    def kinds(self) -> tuple[str, ...]:
        """The selected run kinds, in RUN_KINDS order."""
        chosen = {"rnn": self.run_rnn, "irnn": self.run_irnn, "lstm": self.run_lstm, "gru": self.run_gru}
        return tuple(kind for kind in RUN_KINDS if chosen[kind])


@dataclass(frozen=True)
class LabModel:
    hidden: int = setting(32, "units", IntField(2, 128))
    init: str = setting("gaussian", "winit", ChoiceField(tuple(bc.INITIALIZERS)))
    rho: float = setting(1.0, "wrho", FloatField(0.05, 2.0, 0.05))
    forget_bias: float = setting(1.0, "fbias", FloatField(-3.0, 5.0, 0.5))


@dataclass(frozen=True)
class LabOptim:
    optimizer: str = setting("adam", "opt", ChoiceField(tuple(bc.OPTIMIZERS)))
    lr: float = setting(0.01, "lrate", FloatField(0.0005, 0.1, 0.0005))
    clip: float = setting(1.0, "clip", FloatField(0.0, 10.0, 0.5))  # 0: no clipping
    batch: int = setting(32, "batch", IntField(4, 128))
    iterations: int = setting(400, "its", IntField(10, 5000))
    seed: int = setting(0, "tseed", IntField(0, 9999))


@dataclass(frozen=True)
class LabPlan:
    """Everything one lab computation depends on: its cache and job key."""

    task: LabTask
    model: LabModel
    optim: LabOptim
