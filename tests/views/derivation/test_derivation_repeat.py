"""Item 6 of issue 10: "a factor repeated" follows this network's own factors (growing, shrinking or mixed)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from bptt_core.lessons import derivation as dv
from explorer.derivation.report import repeat_outcome, repeated_factor


def factor_norms(seed: int, steps: int = 3, hidden: int = 2) -> np.ndarray:
    """||J_t||_2 for t = T..2, built by hand from the forward states (independent of JacobianChain)."""
    model, xs, _ = dv.small_example(steps, hidden, seed=seed)
    w_h, w_x, b_h = model.W_h, model.W_x, model.b_h
    h = np.zeros(hidden)
    derivs = []
    for t in range(steps):
        a = w_h @ h + w_x @ xs[0, t] + b_h
        h = np.tanh(a)
        derivs.append(1 - h**2)  # tanh'(a_t)
    return np.array([np.linalg.norm(derivs[t][:, None] * w_h, 2) for t in range(steps - 1, 0, -1)])


@pytest.mark.parametrize(("seed", "trend"), [(26, "growing"), (1, "shrinking"), (0, "mixed")])
def test_trend_and_reference_come_from_the_factors(seed, trend):
    norms = factor_norms(seed)
    summary = repeated_factor(norms)
    assert summary.trend == trend
    assert summary.c == pytest.approx(math.exp(np.mean(np.log(norms))), rel=1e-12)
    assert (summary.smallest, summary.largest) == pytest.approx((norms.min(), norms.max()))


def test_seed_26_grows_and_its_reference_is_above_one():
    summary = repeated_factor(factor_norms(26))
    assert summary.c > 1  # 1.93 and 1.85: the old code drew c = 0.9 here
    assert repeat_outcome(summary.c, 20)[0] == "large"


@pytest.mark.parametrize(
    ("c", "k", "outcome"), [(0.68, 20, "zero"), (1.89, 20, "large"), (0.99, 20, "one"), (0.0, 5, "zero")]
)
def test_repeat_outcome_against_direct_powers(c, k, outcome):
    got, log10_value = repeat_outcome(c, k)
    assert got == outcome
    direct = c**k
    assert (direct < 0.5, direct > 2) == (outcome == "zero", outcome == "large")
    if direct > 0:
        assert log10_value == pytest.approx(math.log10(direct))


def test_repeat_outcome_stays_finite_beyond_float64():
    got, log10_value = repeat_outcome(3.0, 700)  # 3^700 overflows float64
    assert got == "large" and math.isfinite(log10_value)


def _shrink_reference(spec):
    trace = next(d for d in spec["data"] if d.get("line", {}).get("dash") == "dash")
    return trace["x"], trace["y"]


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_page_on_a_growing_network(pages, lang):
    at = pages.run("derivation", dseed="26", lang=lang)
    pages.assert_healthy(at)
    norms = factor_norms(26)
    growing_title = {"en": "above 1", "ko": "1보다 큰"}[lang]
    assert any(growing_title in h.value for h in at.subheader)
    assert not any("below 1" in h.value or "1보다 작은 인수를" in h.value for h in at.subheader)
    x, y = _shrink_reference(pages.chart_spec(at, "derivation_shrink"))
    slope = np.polyfit(pages.decode(x), pages.decode(y), 1)[0]
    assert slope == pytest.approx(np.mean(np.log10(norms)), rel=1e-9)  # rises: c > 1
    at.radio(key="derivation_predict_chain").set_value("large").run()
    answer = at.info[-1].value
    assert {"en": "Right", "ko": "맞"}[lang] in answer
    assert {"en": "explodes", "ko": "폭발"}[lang] in answer


def test_page_on_a_shrinking_network_answers_zero(pages):
    at = pages.run("derivation", lang="en")
    assert any("below 1" in h.value for h in at.subheader)
    at.radio(key="derivation_predict_chain").set_value("zero").run()
    assert "Right" in at.info[-1].value and "vanishes" in at.info[-1].value
