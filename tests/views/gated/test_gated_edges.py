"""Issue 10 on /gated: overflowing MSE (item 4), edge values (item 5), computed heading (item 10), budget (item 15)."""

from __future__ import annotations

import numpy as np
import pytest


def trace_points(pages, spec: dict) -> dict[str, int]:
    """Legend name -> number of finite points each trace shows (a lone point on a line without markers shows none)."""
    counts = {}
    for trace in spec["data"]:
        y = np.asarray(pages.decode(trace.get("y", [])), dtype=float)
        finite = int(np.isfinite(y).sum())
        visible = finite > 1 or "markers" in trace.get("mode", "lines")
        counts[trace.get("name", "")] = finite if visible else 0
    return counts


def notices(at) -> str:
    return " ".join(m.value for m in [*at.info, *at.warning])


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_mse_overflow_keeps_the_rnn_line_and_says_why(pages, lang):
    at = pages.run("gated", loss="mse", act="linear", rho="4", T="300", H="4", lang=lang)
    pages.assert_healthy(at)
    rnn = {"en": "vanilla RNN", "ko": "기본 RNN"}[lang]
    grad = trace_points(pages, pages.chart_spec(at, "gated_grad"))
    assert grad[rnn] == 300  # the whole curve, computed in the log domain
    assert all(count > 0 for count in grad.values())
    text = notices(at)
    assert rnn in text and {"en": "float64", "ko": "float64"}[lang] in text
    # the sentence carries this run's numbers: the gradient at the last step is 10^(~179 for H=32); here H=4
    assert "10" in text and any(ch in text for ch in "⁰¹²³⁴⁵⁶⁷⁸⁹")


def test_rescaled_curve_matches_the_float64_curve_where_both_exist(pages):
    """Independent check: on a problem where float64 suffices, rescaling dL/do changes nothing."""
    import dataclasses

    from bptt_core import log10_gradient_norms
    from explorer.gated.report import _last_loss_gradient, gated_models
    from explorer.shared.settings import ProblemSettings

    settings = dataclasses.replace(ProblemSettings(), loss="mse", activation="linear", rho=1.5, steps=60, hidden=4)
    problem = settings.problem(60)
    model = gated_models(problem, 1.0, 0.0)["rnn"]
    result = problem.backprop(model)
    plain = log10_gradient_norms(model, result)["last"][0]
    scaled = dataclasses.replace(result, dout_direct=result.dout_direct * 1e-100, dh=result.dh * 1e-100)
    shifted = log10_gradient_norms(model, scaled)["last"][0] + 100  # linear in dL/do
    np.testing.assert_allclose(shifted, plain, rtol=1e-9)
    curve, shift = _last_loss_gradient(problem, model, result)
    assert shift == 0.0
    np.testing.assert_allclose(curve, plain)


EDGES = [dict(rho="0"), dict(xs="0"), dict(T="1"), dict(H="1"), dict(T="1", H="1", rho="0", xs="0")]


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("edge", EDGES, ids=lambda e: "&".join(f"{k}={v}" for k, v in e.items()))
def test_edge_values_draw_every_line_or_say_why(pages, edge, lang):
    at = pages.run("gated", T=edge.pop("T", "20"), H=edge.pop("H", "4"), lang=lang, **edge)
    pages.assert_healthy(at)
    for key in ("gated_grad", "gated_products", "gated_jac"):
        counts = trace_points(pages, pages.chart_spec(at, key))
        assert counts and all(n > 0 for n in counts.values()), (key, counts)


def test_rho_zero_says_the_lines_stop_at_an_exact_zero(pages):
    at = pages.run("gated", rho="0", T="20", H="4")
    text = notices(at)
    assert "exactly 0" in text and "ρ = 0" in text


def test_single_step_says_so(pages):
    at = pages.run("gated", T="1", H="4")
    assert "T = 1" in notices(at)


def test_heading_follows_the_lstm_loss(pages):
    at = pages.run("gated", T="100", H="8")  # the default run: the LSTM loses many decades
    heads = " ".join(h.value for h in at.subheader)
    assert "keeps the gradient" not in heads and "still loses" in heads
    at = pages.run("gated", T="20", H="8", fb="8")  # forget gates near 1, short run: 0.7 decades lost
    heads = " ".join(h.value for h in at.subheader)
    assert "keeps the gradient" in heads


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_link_past_the_range_is_lowered_said_and_computed_in_full(pages, lang):
    """/gated?T=2000&H=256: H is set to the page's maximum (named in a warning) and all 2000 steps are drawn."""
    from explorer.gated.settings import GATED_RANGE

    at = pages.run("gated", T="2000", H="256", lang=lang)
    pages.assert_healthy(at)
    assert at.slider(key="H").value == GATED_RANGE.hidden
    grad = pages.chart_spec(at, "gated_grad")
    assert max(trace_points(pages, grad).values()) == 2000
    text = notices(at)
    assert "256" in text and str(GATED_RANGE.hidden) in text
