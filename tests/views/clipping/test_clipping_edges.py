"""Issue 10 on /clipping: edge values (item 5), computed verdicts (10), dark-theme threshold (12), phone panels (13)."""

from __future__ import annotations

import numpy as np
import pytest

from explorer.clipping.figures import THRESHOLD, fig_clip_report, fig_gradient_norms

KEYS = ("clipping_cliff", "clipping_norms", "clipping_report", "clipping_cosine")
EDGES = [dict(rho="0"), dict(xs="0"), dict(T="1"), dict(H="1"), dict(iters="1")]


def finite_points(pages, spec: dict) -> int:
    total = 0
    for trace in spec["data"]:
        if trace.get("type") == "heatmap":
            z = np.array([[np.nan if v is None else v for v in row] for row in trace["z"]], dtype=float)
            total += int(np.isfinite(z).sum())
        else:
            y = trace.get("y")
            total += int(np.isfinite(np.asarray(pages.decode(y if y is not None else []), dtype=float)).sum())
    return total


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("edge", EDGES, ids=lambda e: "&".join(f"{k}={v}" for k, v in e.items()))
def test_every_chart_has_points(pages, edge, lang):
    at = pages.run("clipping", **(dict(T="20", H="4", lang=lang) | edge))
    pages.assert_healthy(at)
    for key in KEYS:
        assert finite_points(pages, pages.chart_spec(at, key)) > 0, key


def test_verdicts_follow_the_numbers(pages):
    at = pages.run("clipping", T="20", H="4", thr="50", vlim="20")  # limits above every entry: nothing clipped
    text = " ".join(m.value for m in at.markdown)
    assert "changes nothing here" in text and "shortened" not in text
    at = pages.run("clipping", T="20", H="4", thr="0.1", vlim="0.1")
    text = " ".join(m.value for m in at.markdown)
    assert "shortened" in text and "are cut" in text


def _t(key: str) -> str:
    return key


def test_threshold_dash_is_not_black():
    fig = fig_gradient_norms({"none": np.array([1.0, 10.0])}, 5.0, _t)
    lines = [shape.line.color for shape in fig.layout.shapes]
    assert lines == [THRESHOLD] and THRESHOLD.lower() not in {"black", "#000000"}


def test_report_panels_are_separate_figures_without_subplot_titles():
    reports = {
        name: dict(norm_before=10.0, norm_after=5.0, cosine=0.9, fraction_clipped=0.5) for name in ("none", "norm")
    }
    figures = fig_clip_report(reports, _t)
    assert len(figures) == 2
    for fig in figures:
        assert not [a for a in fig.layout.annotations if a.text in ("clipping.report.norms", "clipping.report.cosine")]
        assert fig.layout.title.text


def test_the_sliders_corner_is_computed_in_full_and_only_past_it_is_cut():
    from explorer.clipping.compute import clipping_problem
    from explorer.shared.settings import ProblemSettings

    assert clipping_problem(ProblemSettings(steps=2000, hidden=256)).steps == 2000
    assert clipping_problem(ProblemSettings(steps=8000, hidden=256)).steps < 8000  # the guard, past the sliders


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_budget_cut_is_said(pages, lang, monkeypatch):
    """If the guard ever cuts (here forced to 20 steps), the page says so with both numbers."""
    from explorer.clipping import compute

    monkeypatch.setattr(compute, "steps_within", lambda steps, *_: min(steps, 20))
    at = pages.run("clipping", T="100", H="8", lang=lang)
    pages.assert_healthy(at)
    text = " ".join(m.value for m in at.info)
    assert "100" in text and "20" in text
