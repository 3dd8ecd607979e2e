"""Issue 10 on /truncation: edge values (item 5), captions from the numbers (item 10), dark theme (12), phone (13)."""

from __future__ import annotations

import numpy as np
import pytest

from explorer.truncation.figures import fig_agreement_over_k, fig_chunk_timeline
from explorer.truncation.report import spread_summary


def trace_points(pages, spec: dict) -> dict[str, int]:
    """Legend name -> finite points each trace shows (heatmaps: finite cells)."""
    counts = {}
    for i, trace in enumerate(spec["data"]):
        key = trace.get("name") or f"trace{i}"
        if trace.get("type") == "heatmap":
            z = np.array([[np.nan if v is None else v for v in row] for row in trace["z"]], dtype=float)
            counts[key] = counts.get(key, 0) + int(np.isfinite(z).sum())
            continue
        values = trace.get("y") if trace.get("type") != "histogram" else trace.get("x")
        y = np.asarray(pages.decode(values if values is not None else []), dtype=float)
        counts[key] = counts.get(key, 0) + int(np.isfinite(y).sum())
    return counts


def notices(at) -> str:
    return " ".join(m.value for m in [*at.info, *at.warning])


KEYS = (
    "truncation_agree",
    "truncation_error",
    "truncation_steps",
    "truncation_paths",
    "truncation_timeline",
    "truncation_random",
    "truncation_mean",
)
EDGES = [dict(rho="0"), dict(xs="0"), dict(T="1"), dict(H="1")]


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("edge", EDGES, ids=lambda e: "&".join(f"{k}={v}" for k, v in e.items()))
def test_every_chart_has_points_or_a_sentence(pages, edge, lang):
    params = dict(T="20", H="4", lang=lang) | edge
    at = pages.run("truncation", **params)
    pages.assert_healthy(at)
    drawn = {chart.proto.id for chart in at.get("plotly_chart")}
    for key in KEYS:
        if not any(key in d for d in drawn):
            assert notices(at), (key, "replaced without a sentence")
            continue
        counts = trace_points(pages, pages.chart_spec(at, key))
        assert any(n > 0 for n in counts.values()), (key, counts)


def test_rho_zero_says_nothing_is_lost(pages):
    at = pages.run("truncation", T="20", H="4", rho="0")
    text = notices(at)
    assert "exactly 0" in text and "ρ = 0" in text


def test_zero_inputs_say_why_every_term_is_zero(pages):
    at = pages.run("truncation", T="20", H="4", xs="0")
    assert "exactly 0" in notices(at)


def test_random_caption_follows_the_draws(pages):
    at = pages.run("truncation", T="20", H="4")
    text = " ".join(m.value for m in at.markdown)
    assert "sometimes off by more than the gradient" not in " ".join(c.value for c in at.caption)
    assert "none of the 20 is off by more" in text or "of the 20 single estimates are off by more" in text


def test_spread_summary_counts_by_hand():
    errors = np.array([0.2, 1.5, 0.7, 3.0])
    summary = spread_summary(errors, np.array([0.2, 0.6, 0.5, 0.4]))
    assert summary.above_one == 2 and summary.largest == 3.0 and summary.median == pytest.approx(1.1)
    assert not summary.exact and summary.mean_final == 0.4
    assert spread_summary(np.zeros(3), np.zeros(3)).exact


def _t(key: str) -> str:
    return key


def test_all_parameters_line_is_not_black():
    agreement = {
        "cosine": {"all": np.ones(3), "W_h": np.ones(3)},
        "relative_error": {"all": np.ones(3), "W_h": np.ones(3)},
    }
    figures = fig_agreement_over_k(np.arange(1, 4), agreement, _t)
    assert len(figures) == 2  # two figures, not subplots: their titles overprinted at 390 px
    colours = {trace.line.color for fig in figures for trace in fig.data if trace.legendgroup == "all"}
    assert colours and not colours & {"black", "#000000", "#000"}


def test_timeline_words_are_slanted():
    words = "the cat that the dog chased".split()
    fig = fig_chunk_timeline(len(words), 3, _t, tokens=words)
    slanted = [a for a in fig.layout.annotations if a.text in words]
    assert len(slanted) == len(words) and all(a.textangle and abs(a.textangle) >= 30 for a in slanted)


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_link_past_the_range_is_lowered_and_said(pages, lang):
    """/truncation?T=2000&H=256: both set to the page's maxima, both named, and that T computed in full."""
    from explorer.truncation.settings import TRUNCATION_RANGE as top

    at = pages.run("truncation", T="2000", H="256", lang=lang)
    pages.assert_healthy(at)
    assert (at.slider(key="T").value, at.slider(key="H").value) == (top.steps, top.hidden)
    text = " ".join(w.value for w in at.warning)
    assert all(str(n) in text for n in (2000, 256, top.steps, top.hidden)), text
    assert at.metric[-1].value == str(top.steps)  # "steps T used"
