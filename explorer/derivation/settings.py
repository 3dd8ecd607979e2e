"""Settings of the Derivation view: its own tiny RNN (not the sidebar's), the notation and the stepper.

DerivationModel holds the fields drawn by ui.widgets.draw; DerivationSettings adds the two
the page draws itself (the notation radio, whose labels live in the view's catalogue, and
the stepper slider, whose range depends on T). Register DerivationSettings in ALL_SETTINGS:
its fields cover every URL key of the view.
"""

from __future__ import annotations

from dataclasses import dataclass

from explorer.shared.fields import ChoiceField, IntField
from explorer.shared.settings import setting

MAX_STEPS = 6
NOTATIONS = ("standard", "course")
PLACEMENTS = ("last", "all")
# Backward steps with a loss at every t: 4 (L->o, o->h, o->W_y, o->b_y) + 5 (h->a, W_h, W_x, b_h, a->h_prev).
STEPS_PER_TIME_STEP = 9
MAX_STEP_INDEX = MAX_STEPS * STEPS_PER_TIME_STEP - 1
# A slider, not a number_input: Streamlit 1.67 seeds a bound number_input from the raw link text
# and raises OverflowError on "1e309" before our parsed replacement can take over.
MAX_SEED = 999


@dataclass(frozen=True)
class DerivationModel:
    """The small RNN walked by the stepper (seed 1: the worked example E_3 with T = 3, H = 2)."""

    steps: int = setting(3, "dT", IntField(2, MAX_STEPS))
    hidden: int = setting(2, "dH", IntField(1, 3))
    seed: int = setting(1, "dseed", IntField(0, MAX_SEED))  # a slider: see the note on MAX_SEED
    loss_steps: str = setting("last", "dplace", ChoiceField(PLACEMENTS, widget="radio"))

    def core_kwargs(self) -> dict:
        """Scalars for ui.compute_derivation.derivation_report (and the cache key)."""
        return dict(steps=self.steps, hidden=self.hidden, seed=self.seed, loss_steps=self.loss_steps)


@dataclass(frozen=True)
class DerivationSettings(DerivationModel):
    notation: str = setting("standard", "notation", ChoiceField(NOTATIONS, widget="radio"))
    step: int = setting(0, "step", IntField(0, MAX_STEP_INDEX))
