"""Settings: one frozen dataclass per group, the single source of truth.

Each field carries its URL key and its FieldSpec; the sidebar draws widgets from
them, links are parsed with them, and the cached computations are keyed on the
resulting scalars. Defaults are part of the link format (a default value is left
out of the URL): change one only together with LINK_VERSION.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import bptt_core as bc
from ui.fields import BoolField, ChoiceField, FieldSpec, FloatField, IntField

LINK_VERSION = "1"
VERSION_KEY = "v"
LANGUAGES = ("en", "ko")

# Work budget of one view, in units of H^3 (one H x H GEMM): T steps cost T * H^3 plus
# STEP_OVERHEAD each. 1.1e9 admits (T, H) = (449, 128) or (65, 256): under a second here
# even when many steps need an exact SVD (close singular values, bptt_core/lognorms.py).
WORK_BUDGET = 1.1e9


# Python's own work per step and cell (the loops of forward, backward and the norms), in
# the same units: about one 70 x 70 GEMM. It bounds long sequences of small matrices.
STEP_OVERHEAD = 3.5e5


def steps_within_budget(steps: int, cost_per_step: float) -> int:
    """steps capped so that steps * cost_per_step stays within WORK_BUDGET (at least 1)."""
    return max(1, min(steps, int(WORK_BUDGET // cost_per_step)))


def setting(default, key: str, spec: FieldSpec):
    return field(default=default, metadata={"key": key, "spec": spec})


@dataclass(frozen=True)
class CommonSettings:
    lang: str = setting("en", "lang", ChoiceField(LANGUAGES))


@dataclass(frozen=True)
class FlowSettings:
    """The vanilla RNN and its sequence: shared by every page in the sidebar."""

    steps: int = setting(100, "T", IntField(1, 2000))
    hidden: int = setting(32, "H", IntField(1, 256))
    rho: float = setting(0.9, "rho", FloatField(0.0, 4.0, 0.01))
    activation: str = setting("tanh", "act", ChoiceField(tuple(bc.ACTIVATIONS)))
    init: str = setting("gaussian", "init", ChoiceField(tuple(bc.INITIALIZERS)))
    input_scale: float = setting(1.0, "xs", FloatField(0.0, 5.0, 0.05))
    seed: int = setting(0, "seed", IntField(0, 9999))  # a slider: a bound number_input crashes on 1e309
    loss: str = setting("cross_entropy", "loss", ChoiceField(bc.LOSSES))
    loss_steps: str = setting("all", "place", ChoiceField(bc.LOSS_STEPS, widget="radio"))
    band: bool = setting(False, "band", BoolField())  # one SVD per step: opt-in

    def budgeted_steps(self, band: bool | None = None) -> int:
        """T capped to the work budget: one H x H GEMM per step, two more with the band's SVDs.

        band: whether the band is computed (default: this setting; other views pass False).
        """
        band = self.band if band is None else band
        return steps_within_budget(self.steps, self.hidden**3 * (3 if band else 1) + STEP_OVERHEAD)

    def core_kwargs(self) -> dict:
        """Scalars for bptt_core.report.gradient_flow (and the cache key)."""
        return dict(
            steps=self.budgeted_steps(),
            hidden=self.hidden,
            rho=self.rho,
            activation=self.activation,
            init=self.init,
            input_scale=self.input_scale,
            seed=self.seed,
            loss=self.loss,
            loss_steps=self.loss_steps,
            with_band=self.band,
        )


def specs(cls) -> list[tuple[str, str, FieldSpec, object]]:
    """(attribute, url key, spec, default) for each field of a settings class."""
    return [(f.name, f.metadata["key"], f.metadata["spec"], f.default) for f in fields(cls)]


def url_keys(*classes) -> set[str]:
    return {key for cls in classes for _, key, _, _ in specs(cls)}


# Every settings group a page draws; the link checker treats other keys as unknown.
# Imported last: these modules use setting() from this one.
from ui.settings_clipping import ClippingSettings  # noqa: E402
from ui.settings_derivation import DerivationSettings  # noqa: E402
from ui.settings_gated import GatedSettings  # noqa: E402
from ui.settings_truncation import TruncationSettings  # noqa: E402

ALL_SETTINGS = (CommonSettings, FlowSettings, GatedSettings, TruncationSettings, ClippingSettings, DerivationSettings)
