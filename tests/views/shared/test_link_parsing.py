"""Parsing and clamping of link values, for every case of docs/streamlit.md, "Hostile links"."""

import math

import pytest

from explorer.shared.fields import BoolField, ChoiceField, FloatField, IntField

T = IntField(1, 2000)
RHO = FloatField(0.0, 4.0, 0.01)
ACT = ChoiceField(("tanh", "relu"))

CASES = [
    (T, "abc", 100, "invalid"),
    (T, "", 100, "invalid"),
    (T, "NaN", 100, "invalid"),
    (T, "inf", 2000, "out_of_range"),
    (T, "-inf", 1, "out_of_range"),
    (T, "1e309", 2000, "out_of_range"),
    (T, "1e-400", 1, "out_of_range"),
    (T, "\x00", 100, "invalid"),
    (T, "\xff", 100, "invalid"),
    (T, "9" * 5000, 100, "invalid"),
    (T, "-5", 1, "out_of_range"),
    (T, "0", 1, "out_of_range"),
    (T, "3.7", 4, "rounded"),
    (T, "10000000", 2000, "out_of_range"),
    (T, "٣", 100, "invalid"),  # non-ASCII digit
    (T, "250", 250, None),
    (RHO, "nan", 0.9, "invalid"),
    (RHO, "1e309", 4.0, "out_of_range"),
    (RHO, "-1", 0.0, "out_of_range"),
    (RHO, "1e-400", 0.0, None),  # underflows to 0.0, a valid value
    (RHO, "1.234", 1.23, "rounded"),
    (RHO, "1.3", 1.3, None),
    (ACT, "evil", "tanh", "unknown_choice"),
    (ACT, "relu", "relu", None),
    (ACT, "", "tanh", "unknown_choice"),
    (BoolField(), "maybe", True, "invalid"),
    (BoolField(), "false", False, None),
]


@pytest.mark.parametrize("spec, raw, expected, reason", CASES)
def test_parse(spec, raw, expected, reason):
    default = {IntField: 100, FloatField: 0.9, ChoiceField: "tanh", BoolField: True}[type(spec)]
    parsed = spec.parse(raw, default)
    assert parsed.value == expected and parsed.reason == reason
    if isinstance(parsed.value, float):
        assert math.isfinite(parsed.value)
