"""What a link carries is what a widget can show: every preset value on its widget's grid, names for every choice.

A value between two slider steps is computed as it is but shown rounded and dropped from the URL, so a
preset whose value is off its slider's grid opens with a false notice and re-copies as another value.
"""

import pytest

from explorer.registry import ALL_SETTINGS
from explorer.shared.fields import ChoiceField, FloatField, KeyListField, on_grid, url_text
from explorer.shared.i18n import translate
from explorer.shared.presets import PRESETS
from explorer.shared.settings import CommonSettings, ProblemSettings, specs

FIELDS = {name: (spec, default) for name, _, spec, default in specs(ProblemSettings)}


@pytest.mark.parametrize("preset", PRESETS, ids=lambda p: p.name)
def test_every_preset_value_lies_on_its_widget_grid(preset):
    off = {name: value for name, value in preset.values.items() if not on_grid(FIELDS[name][0], value)}
    assert not off, f"{preset.name}: {off} cannot be shown or carried by their widgets"


def test_every_default_lies_on_its_widget_grid():
    off = [key for cls in ALL_SETTINGS for _, key, spec, default in specs(cls) if not on_grid(spec, default)]
    assert not off


@pytest.mark.parametrize("raw, snapped", [("0.913", 0.91), ("0.915", 0.92), ("1.3", 1.3), ("0.009", 0.01)])
def test_a_value_between_steps_snaps_to_the_nearest_step(raw, snapped):
    spec, default = FIELDS["rho"]
    parsed = spec.parse(raw, default)
    assert parsed.value == pytest.approx(snapped, abs=1e-12) and url_text(parsed.value) == str(snapped)


def test_input_scale_admits_the_near_the_edge_value():
    spec, default = FIELDS["input_scale"]
    assert isinstance(spec, FloatField) and spec.parse("0.01", default).reason is None


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_every_choice_has_a_name_in_each_language(lang):
    """The sidebar's choice widgets show choice.<token> in the UI language (the URL keeps the token).

    A view's own choices are the view's to name (widgets.choice_label falls back to the token).
    """
    missing = [
        f"{key}={option}"
        for _, key, spec, _ in specs(ProblemSettings)
        if isinstance(spec, ChoiceField)
        for option in spec.options
        if translate(lang, f"choice.{option}") == f"choice.{option}"
    ]
    assert not missing


@pytest.mark.parametrize(
    "raw, value, reason",
    [
        ("rho,T", "rho,T", None),
        (" rho , T ,", "rho,T", "invalid"),
        ("rho,rho", "rho", "invalid"),
        ("a<b,T", "T", "invalid"),
    ],
)
def test_show_flag_parses_a_list_of_keys(raw, value, reason):
    parsed = KeyListField().parse(raw, "")
    assert (parsed.value, parsed.reason) == (value, reason)


def test_new_frame_keys_default_to_off():
    defaults = {key: default for _, key, _, default in specs(CommonSettings)}
    assert defaults == {"lang": "en", "preset": "", "present": False, "show": ""}
