"""How the flow figures read (issue 10, items 9, 11, 12): rendered mathematics, a frame fitted
to the data, bars whose length grows with the term, colours visible on both themes."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from bptt_core import Problem
from explorer.flow import figures as figs
from explorer.flow.report import gradient_flow
from explorer.shared.i18n import translator
from explorer.shared.presets import PRESETS
from explorer.shared.settings import ProblemSettings

LOCALES = Path(__file__).resolve().parents[3] / "explorer" / "flow" / "locales"
FIGURES = (figs.fig_gradient_norms, figs.fig_jacobian_products, figs.fig_weight_contributions)
FIGURES += (figs.fig_eigenvalues, figs.fig_singular_values)
# Markup that Plotly shows as raw text: TeX-style sub/superscripts and dollar signs.
RAW_MARKUP = re.compile(r"_\{|\^\{|\^\(|\^[−-]|\$|\\[a-z]+|[A-Za-zσγρ]_[A-Za-z0-9(]")


def preset_report(name: str, **extra):
    preset = next(p for p in PRESETS if p.name == name)
    settings = replace(ProblemSettings(), **preset.values, **extra)
    return gradient_flow(settings.problem(), with_band=settings.band)


def chart_texts(fig) -> list[str]:
    layout = fig.to_dict()["layout"]
    out = [layout["title"]["text"], layout["xaxis"]["title"]["text"], layout["yaxis"]["title"]["text"]]
    out += [trace.get("name") or "" for trace in fig.to_dict()["data"]]
    out += [layout["title"].get("subtitle", {}).get("text", "")]
    return out


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_chart_text_has_no_raw_markup(lang):
    t = translator(lang)
    other = gradient_flow(Problem(steps=40, hidden=6, rho=1.3), with_band=False)
    for report in (gradient_flow(Problem(steps=40, hidden=6), with_band=True), preset_report("transient_gaussian")):
        for make in FIGURES:
            kwargs = {"other": other, "labels": ("A", "B")} if make in FIGURES[:2] else {}
            for text in chart_texts(make(report, t, **kwargs)):
                assert not RAW_MARKUP.search(text), (make.__name__, text)


def _outside_math(text: str) -> str:
    return re.sub(r"\$[^$]*\$", "", text)


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_markdown_texts_keep_their_mathematics_inside_katex(lang):
    """Sentences of st.markdown/caption/info write mathematics as $...$, never h_{t-1} or 10^-900 as text."""
    catalogue = json.loads((LOCALES / f"{lang}.json").read_text(encoding="utf-8"))
    for key, text in catalogue.items():
        if "<sub>" in text or "<sup>" in text:  # chart text: checked on the figures
            continue
        assert text.count("$") % 2 == 0, key
        plain = re.sub(r"\{[a-z_0-9]*(:[^}]*)?\}", "", _outside_math(text))  # format fields are not markup
        assert not re.search(r"_\{|\^\{|\^\(|\^[−-]|[a-zσγρ]_[a-z0-9{(]", plain), (key, plain)


def test_the_transient_bump_fills_the_frame():
    """Item 11: the +0.35-decade bump of the transient preset was 4 px tall under a frame set by the bound."""
    report = preset_report("transient_gaussian")
    fig = figs.fig_jacobian_products(report, translator("en"))
    lo, hi = fig.layout.yaxis.range
    bump = report.jac_spectral.max() - report.jac_spectral[-1]  # above distance 0 (log10 1 = 0)
    assert bump > 0.3 and bump / (hi - lo) > 0.08  # at 440 px height, well over 25 px
    subtitle = fig.layout.title.subtitle.text or ""
    assert "Pascanu" in subtitle and "↑" in subtitle  # the bound left the frame: said where it goes
    assert any(tr.marker.symbol == "triangle-up" for tr in fig.data if tr.mode == "markers")


def test_a_bound_inside_the_frame_has_no_exit_note():
    report = gradient_flow(Problem(steps=40, hidden=6, activation="linear", init="orthogonal", rho=1.1))
    fig = figs.fig_jacobian_products(report, translator("en"))
    assert "Pascanu" not in (fig.layout.title.subtitle.text or "")


def test_a_longer_weight_bar_is_a_larger_term():
    """Item 11: bars hung below zero for log10 < 0, so the longest bars were the smallest terms."""
    report = gradient_flow(Problem(steps=60, hidden=8, rho=0.5, loss_steps="last"))
    assert np.sum(report.weight_terms < -1) > 10  # many terms below 1/10: those bars used to hang longest
    bar = figs.fig_weight_contributions(report, translator("en")).data[0]
    length, base, value = np.asarray(bar.y), np.broadcast_to(bar.base, len(bar.y)), np.asarray(bar.customdata)
    assert np.all(length > 0)
    np.testing.assert_allclose(base + length, value)
    order = np.argsort(value)
    assert np.all(np.diff(length[order]) >= 0)


def _luminance(colour: str) -> float:
    if colour.startswith("rgba"):
        r, g, b = (int(v) / 255 for v in colour[5:-1].split(",")[:3])
    else:
        r, g, b = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def _contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_every_trace_colour_shows_on_light_and_dark_backgrounds():
    """Item 12: 3:1 (WCAG, graphics) against Streamlit's light (#ffffff) and dark (#0e1117) backgrounds."""
    t = translator("en")
    report = gradient_flow(Problem(steps=40, hidden=6), with_band=True)
    other = gradient_flow(Problem(steps=40, hidden=6), with_band=False, cell="lstm")
    colours = set()
    for make in FIGURES:
        kwargs = {"other": other, "labels": ("A", "B")} if make in FIGURES[:2] else {}
        for trace in make(report, t, **kwargs).to_dict()["data"]:
            for part in ("line", "marker"):
                colour = trace.get(part, {}).get("color")
                if isinstance(colour, str) and trace.get("line", {}).get("width", 1) != 0:
                    colours.add(colour)
    assert len(colours) >= 6
    for colour in colours:
        assert _contrast(colour, "#ffffff") >= 3 and _contrast(colour, "#0e1117") >= 3, colour


def test_the_memory_horizon_marks_both_charts_where_it_falls():
    """1 / |lambda_1| of the linear orthogonal RNN is 1 / |log10 rho| steps (the dynamics view's number)."""
    from bptt_core import Problem
    from explorer.flow import figures as figs
    from explorer.flow.report import gradient_flow
    from explorer.shared.i18n import translator

    report = gradient_flow(
        Problem(steps=40, hidden=4, rho=0.5, activation="linear", init="orthogonal"), with_band=False
    )
    assert report.horizon == pytest.approx(1 / np.log10(2))
    t = translator("en")
    jac = figs.fig_jacobian_products(report, t)
    assert jac.layout.shapes[0].x0 == pytest.approx(report.horizon)
    grad = figs.fig_gradient_norms(report, t)
    assert grad.layout.shapes[0].x0 == pytest.approx(40 - report.horizon)
    exploding = gradient_flow(
        Problem(steps=40, hidden=4, rho=1.5, activation="linear", init="orthogonal"), with_band=False
    )
    assert exploding.horizon is None and not figs.fig_jacobian_products(exploding, t).layout.shapes
