"""Settings: one frozen dataclass per group, the single source of truth.

Each field carries its URL key and its FieldSpec; widgets are drawn from them, links are
parsed with them, and the cached computations are keyed on the resulting scalars. Defaults
are part of the link format (a default value is left out of the URL): change one only
together with LINK_VERSION (tests/test_link_format.py pins every key and default).

ProblemSettings is the sidebar: the shared problem (bptt_core.Problem) every view looks at.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import bptt_core as bc
from explorer.shared.fields import BoolField, ChoiceField, FieldSpec, FloatField, IntField, KeyListField
from explorer.shared.presets import PRESET_NAMES

LINK_VERSION = "1"
VERSION_KEY = "v"
LANGUAGES = ("en", "ko")


def setting(default, key: str, spec: FieldSpec):
    """A settings field: its default, its URL key and how it is drawn and parsed."""
    return field(default=default, metadata={"key": key, "spec": spec})


@dataclass(frozen=True)
class CommonSettings:
    """What the frame draws around every view: language, preset, presentation mode.

    preset: the classroom preset the link was made from ("" none); its explanation is shown while the
    settings still equal the preset's values. present: presentation mode. show: comma-separated URL
    keys of the only controls drawn ("" all); hidden controls keep their link values.
    """

    lang: str = setting("en", "lang", ChoiceField(LANGUAGES))
    preset: str = setting("", "preset", ChoiceField(("", *PRESET_NAMES)))
    present: bool = setting(False, "present", BoolField())
    show: str = setting("", "show", KeyListField())


@dataclass(frozen=True)
class ProblemSettings:
    """The vanilla RNN and its sequence: shared by every page, drawn in the sidebar."""

    steps: int = setting(100, "T", IntField(1, 2000))
    hidden: int = setting(32, "H", IntField(1, 256))
    rho: float = setting(0.9, "rho", FloatField(0.0, 4.0, 0.01))
    activation: str = setting("tanh", "act", ChoiceField(tuple(bc.ACTIVATIONS)))
    init: str = setting("gaussian", "init", ChoiceField(tuple(bc.INITIALIZERS)))
    # step 0.01: every preset value must lie on its slider's grid (the near-the-edge preset uses 0.01)
    input_scale: float = setting(1.0, "xs", FloatField(0.0, 5.0, 0.01))
    seed: int = setting(0, "seed", IntField(0, 9999))  # a slider: a bound number_input crashes on 1e309
    loss: str = setting("cross_entropy", "loss", ChoiceField(bc.LOSSES))
    loss_steps: str = setting("all", "place", ChoiceField(bc.LOSS_STEPS, widget="radio"))
    band: bool = setting(False, "band", BoolField())  # one SVD per step: opt-in

    def problem(self, steps: int | None = None) -> bc.Problem:
        """The core's Problem for these settings (T replaced by steps when given)."""
        return bc.Problem(
            steps=self.steps if steps is None else int(steps),
            hidden=self.hidden,
            rho=self.rho,
            activation=self.activation,
            init=self.init,
            input_scale=self.input_scale,
            seed=self.seed,
            loss=self.loss,
            loss_steps=self.loss_steps,
        )


def specs(cls) -> list[tuple[str, str, FieldSpec, object]]:
    """(attribute, url key, spec, default) for each field of a settings class."""
    return [(f.name, f.metadata["key"], f.metadata["spec"], f.default) for f in fields(cls)]


def url_keys(*classes) -> set[str]:
    return {key for cls in classes for _, key, _, _ in specs(cls)}
