"""Compare mode of the flow view: a second setting overlaid on the same charts, carried in the link."""

from __future__ import annotations

import numpy as np
import pytest

from bptt_core import Problem
from explorer.flow.report import gradient_flow
from explorer.flow.settings import SAME, FlowSettings, SameOrRhoField
from explorer.shared.i18n import translate
from explorer.shared.settings import ProblemSettings


@pytest.mark.parametrize(
    "raw, value, reason",
    [
        ("same", SAME, None),
        ("1.1", "1.10", None),
        ("0.913", "0.91", "rounded"),
        ("9", "4.00", "out_of_range"),
        ("-1", "0.00", "out_of_range"),
        ("nan", SAME, "invalid"),
        ("1e309", "4.00", "out_of_range"),
        ("٣", SAME, "invalid"),
        ("9" * 5000, SAME, "invalid"),
    ],
)
def test_rho2_link_values(raw, value, reason):
    parsed = SameOrRhoField().parse(raw, SAME)
    assert (parsed.value, parsed.reason) == (value, reason)
    assert parsed.value in SameOrRhoField().options  # what is computed is what the slider can show


def test_same_means_the_first_setting():
    first = ProblemSettings(rho=1.3, activation="relu")
    assert FlowSettings(compare=True).second(first) == first and not FlowSettings(compare=True).differs(first)
    second = FlowSettings(compare=True, rho2="0.90", act2="tanh").second(first)
    assert (second.rho, second.activation, second.steps) == (0.9, "tanh", first.steps)
    assert FlowSettings(compare=True, cell2="lstm").differs(first)


def curve_names(spec) -> list[str]:
    return [trace.get("name", "") for trace in spec["data"]]


def test_a_compare_link_overlays_both_settings(pages):
    at = pages.run("flow", cmp="1", rho2="1.1", T="30", H="6")
    pages.assert_healthy(at)
    grad, jac = pages.chart_spec(at, "flow_grad"), pages.chart_spec(at, "flow_jac")
    assert len(grad["data"]) == 4
    for spec in (grad, jac):
        names = curve_names(spec)
        assert any("A: ρ = 0.9" in n for n in names) and any("B: ρ = 1.1" in n for n in names), names
    b_spectral = next(tr for tr in jac["data"] if "B: ρ = 1.1" in tr.get("name", "") and "spectral" in tr["name"])
    expected = gradient_flow(Problem(steps=30, hidden=6, rho=1.1), with_band=False).jac_spectral[::-1]
    np.testing.assert_allclose(pages.decode(b_spectral["y"]), expected)
    verdicts = [m.value for m in at.metric if m.label == translate("en", "flow.m.verdict")]
    assert len(verdicts) == 2  # metrics for both settings


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_rnn_against_lstm_at_the_same_t(pages, lang):
    at = pages.run("flow", cmp="1", cell2="lstm", T="30", H="6", lang=lang)
    pages.assert_healthy(at)
    jac = pages.chart_spec(at, "flow_jac")
    lstm = next(tr for tr in jac["data"] if "B: LSTM" in tr.get("name", "") and tr["line"]["dash"] == "dashdot")
    expected = gradient_flow(Problem(steps=30, hidden=6), with_band=False, cell="lstm").jac_spectral[::-1]
    np.testing.assert_allclose(pages.decode(lstm["y"]), expected)
    assert len(pages.decode(lstm["x"])) == 31  # same T as the RNN


def test_compare_off_draws_one_setting(pages):
    at = pages.run("flow", rho2="1.1", T="20", H="4")  # rho2 without cmp: nothing compared
    pages.assert_healthy(at)
    assert len(pages.chart_spec(at, "flow_grad")["data"]) == 2


def test_an_identical_second_setting_says_so(pages):
    at = pages.run("flow", cmp="1", T="20", H="4")
    assert translate("en", "flow.compare.same") in [e.value for e in at.info]


def test_a_bad_rho2_is_replaced_and_named(pages):
    at = pages.run("flow", cmp="1", rho2="abc", act2="evil", cell2="gru", T="20", H="4")
    pages.assert_healthy(at)
    assert at.warning and "rho2" in at.warning[0].value
