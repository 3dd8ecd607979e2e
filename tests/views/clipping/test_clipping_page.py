"""The clipping page runs in both languages and with hostile links; link values reach the computation."""

import json

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from bptt_core import Problem
from explorer.clipping.report import rnn_clip_reports
from explorer.clipping.settings import ClippingSettings
from explorer.registry import ALL_SETTINGS
from explorer.shared.i18n import translate
from explorer.shared.settings import url_keys


@pytest.fixture
def run(pages):
    """run(**params): the clipping view opened with a link."""
    return lambda **params: pages.run("clipping", **params)


def chart_spec(at: AppTest, key: str) -> dict:
    charts = [c for c in at.get("plotly_chart") if key in c.proto.id]
    assert len(charts) == 1
    return json.loads(charts[0].proto.spec)


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_page_runs_in_both_languages(pages, run, lang):
    at = run(lang=lang)
    pages.assert_healthy(at)
    assert len(at.get("plotly_chart")) == 4  # cliff, norms, the two report panels
    assert not at.warning
    assert at.title[0].value == translate(lang, "clipping.title")


def test_url_keys_do_not_clash_with_the_shared_ones():
    others = [cls for cls in ALL_SETTINGS if cls is not ClippingSettings]
    assert not url_keys(ClippingSettings) & url_keys(*others)
    assert sum(len(url_keys(cls)) for cls in ALL_SETTINGS) == len(url_keys(*ALL_SETTINGS))  # all unique


@pytest.mark.parametrize(
    "params",
    [
        {"thr": "abc", "vlim": "nan", "lr": "1e309", "iters": "-5", "w0": "inf", "b0": "-1e309"},
        {"thr": "-5", "vlim": "1e309", "lr": "-inf", "iters": "1e309", "w0": "-5", "b0": "abc"},
        {"thr": "0.1", "vlim": "0.1", "lr": "0.5", "iters": "300", "w0": "12", "b0": "6"},
        {"act": "linear", "rho": "1.5", "T": "2000", "H": "4", "thr": "1e-300"},  # forward overflow in the RNN
        {"T": "2000", "H": "256", "lang": "ko"},  # budget-capped T
    ],
)
def test_hostile_links_do_not_break_the_page(pages, run, params):
    pages.assert_healthy(run(**params))


def test_notices_after_a_rerun_name_the_replaced_values(pages, run):
    at = run(thr="abc", iters="-5", lang="xx")
    at.run()  # the page's own notices are shown from the second run on
    pages.assert_healthy(at)
    text = " ".join(w.value for w in at.warning)
    assert "thr" in text and "iters" in text


def test_link_values_reach_the_computation(pages, run):
    at = run(iters="7", thr="2.5")
    pages.assert_healthy(at)
    norms = chart_spec(at, "clipping_norms")
    lengths = {len(pages.decode(trace["x"])) for trace in norms["data"]}
    assert max(lengths) == 7  # 7 iterations drawn
    threshold_line = [s for s in norms["layout"]["shapes"] if s.get("line", {}).get("dash") == "dash"]
    assert np.isclose(threshold_line[0]["y0"], np.log10(2.5))


def test_rnn_clip_reports_follow_the_definitions():
    problem = Problem(steps=6, hidden=4, rho=1.2, activation="tanh", init="gaussian", seed=0, loss="mse")
    reports, overflow = rnn_clip_reports(problem, threshold=1e-3, limit=1e-3)
    assert overflow is None
    raw = reports["none"].norm_before
    assert reports["none"].norm_after == raw and np.isclose(reports["none"].cosine, 1.0)
    assert np.isclose(reports["norm"].norm_after, 1e-3) and np.isclose(reports["norm"].cosine, 1.0)
    assert reports["value"].fraction_clipped > 0 and reports["value"].cosine < 1.0
    for report in reports.values():
        assert report.norm_before == raw


def test_rnn_clip_reports_after_a_forward_overflow_clip_the_prefix_gradient():
    problem = Problem(steps=2000, hidden=4, rho=1.5, activation="linear", init="gaussian", seed=0)
    reports, overflow = rnn_clip_reports(problem, threshold=5.0, limit=3.0)
    assert overflow is not None
    assert np.isclose(reports["norm"].norm_after, 5.0)
    assert all(np.isfinite(r.cosine) and np.isfinite(r.fraction_clipped) for r in reports.values())
