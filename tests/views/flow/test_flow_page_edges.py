"""The flow page at edge values (issue 10, items 4, 5, 10, 15): every chart has something drawn,
or is replaced by a sentence computed from the numbers; captions describe what is drawn."""

from __future__ import annotations

import numpy as np
import pytest

from bptt_core import Problem
from explorer.flow.report import gradient_flow
from explorer.shared.i18n import translate

CHART_KEYS = ("flow_grad", "flow_jac", "flow_weight", "flow_eig", "flow_sv")


def drawn_charts(pages, at) -> dict[str, dict]:
    out = {}
    for key in CHART_KEYS:
        try:
            out[key] = pages.chart_spec(at, key)
        except KeyError:
            pass
    return out


def points(pages, trace: dict) -> int:
    y = pages.decode(trace.get("y", []))
    return int(np.count_nonzero(np.isfinite(np.asarray(y, float)))) if len(y) else 0


def assert_every_chart_has_points(pages, at):
    for key, spec in drawn_charts(pages, at).items():
        assert any(points(pages, tr) for tr in spec["data"]), f"{key} is drawn empty"


def texts(at) -> str:
    return " ".join([e.value for e in at.info] + [e.value for e in at.warning] + [c.value for c in at.caption])


@pytest.mark.parametrize(
    "params, replaced, words",
    [
        ({"rho": "0", "T": "20", "H": "4"}, "flow_jac", "exactly zero"),
        ({"xs": "0", "T": "20", "H": "4"}, "flow_weight", "never leaves zero"),
        ({"T": "1", "H": "4"}, "flow_weight", "the only step is"),
    ],
)
def test_an_empty_chart_is_replaced_by_a_sentence_saying_why(pages, params, replaced, words):
    at = pages.run("flow", **params)
    pages.assert_healthy(at)
    assert replaced not in drawn_charts(pages, at)
    assert words in " ".join(e.value for e in at.info)
    assert_every_chart_has_points(pages, at)


def test_one_step_gives_no_verdict_and_says_why(pages):
    at = pages.run("flow", T="1", H="4")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[translate("en", "flow.m.verdict")] == translate("en", "flow.verdict.undecided")
    assert metrics[translate("en", "flow.m.growth")] == "—"
    assert "No verdict" in " ".join(m.value for m in at.markdown)
    assert_every_chart_has_points(pages, at)


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_mse_with_an_exploding_forward_pass_draws_its_gradients(pages, lang):
    """/?loss=mse&act=linear&rho=4&T=300: both gradient charts used to be empty, without a word."""
    at = pages.run("flow", loss="mse", act="linear", rho="4", T="300", H="4", lang=lang)
    pages.assert_healthy(at)
    charts = drawn_charts(pages, at)
    assert [points(pages, tr) for tr in charts["flow_grad"]["data"]] == [300, 300]
    assert points(pages, charts["flow_weight"]["data"][0]) == 299  # t = 1: h_0 = 0
    assert not at.warning


def test_mse_after_a_forward_overflow_names_the_step_and_what_is_shown(pages):
    at = pages.run("flow", loss="mse", act="linear", rho="4", T="2000", H="4")
    pages.assert_healthy(at)
    report = gradient_flow(Problem(steps=2000, hidden=4, rho=4.0, activation="linear", loss="mse"), with_band=False)
    warning = " ".join(w.value for w in at.warning)
    assert f"t = {report.overflow_step}" in warning and f"{report.grad_steps} steps" in warning
    grad = drawn_charts(pages, at)["flow_grad"]
    assert [points(pages, tr) for tr in grad["data"]] == [report.grad_steps] * 2


def test_the_orange_curve_is_described_by_what_it_does(pages):
    """'the classic vanishing curve' was said on the exploding preset too."""
    exploding = texts(pages.run("flow", act="linear", init="orthogonal", rho="1.1", T="40", H="8"))
    vanishing = texts(pages.run("flow", T="40", H="8"))
    assert "grows by" in exploding and "falls by" not in exploding
    assert "falls by" in vanishing and "grows by" not in vanishing


def test_the_band_is_described_only_when_drawn(pages):
    band_sentence = translate("en", "flow.jac.read.band")
    assert band_sentence not in texts(pages.run("flow", T="30", H="4"))
    assert band_sentence in texts(pages.run("flow", T="30", H="4", band="true"))


def test_a_capped_t_is_said_next_to_the_charts(pages, monkeypatch):
    """If the guard ever cuts T (here forced to 40 steps), the notice names both numbers, just above the charts."""
    from explorer.flow import compute

    monkeypatch.setattr(compute, "steps_within", lambda steps, *_: min(steps, 40))
    at = pages.run("flow", T="300", H="8", seed="11")
    pages.assert_healthy(at)
    info = [e.value for e in at.info]
    spec = pages.chart_spec(at, "flow_jac")
    used = len(pages.decode(spec["data"][-1]["x"])) - 1
    assert used == 40 and any("T = 300" in text and f"first {used} steps" in text for text in info)
    # the notice is the last element drawn before the first chart
    order = [node.type for node in at.main]
    first_chart = next(i for i, node in enumerate(at.main) if node.type == "plotly_chart")
    assert order[first_chart - 1] == "info" and "T = 300" in list(at.main)[first_chart - 1].value
