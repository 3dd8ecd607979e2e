"""The Derivation page runs at every stepper position in both languages, with hostile links too."""

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from explorer.derivation.report import PARAM_ORDER, derivation_report
from explorer.derivation.settings import MAX_STEP_INDEX, MAX_STEPS, DerivationSettings
from explorer.shared.settings import url_keys


@pytest.fixture
def run(pages):
    """run(**params): the derivation view opened with a link."""
    return lambda **params: pages.run("derivation", **params)


def step_count(steps: int, loss_steps: str) -> int:
    outputs = steps if loss_steps == "all" else 1
    return 4 * outputs + 5 * steps


def stepper_text(at: AppTest) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("**"))


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_every_step_runs(pages, run, lang):
    count = step_count(3, "last")
    at = run(lang=lang)  # the worked example E_3: T = 3, H = 2, seed 1
    for k in range(count):
        if k:
            at.slider(key="step").set_value(k).run()
        pages.assert_healthy(at)
        assert at.slider(key="step").value == k
        assert f"{k + 1}" in stepper_text(at) and f"{count}" in stepper_text(at)
        assert len(at.get("plotly_chart")) == 3
        assert not at.warning
        if k == count - 1:  # the check table: sum of terms, bptt(), finite differences
            assert len(at.dataframe) == 2
            assert at.success
        else:
            assert not at.dataframe


def test_buttons_move_and_stop_at_the_ends(pages, run):
    at = run(dT="4", dH="3", dplace="all", notation="course", lang="ko")
    last = step_count(4, "all") - 1
    assert at.slider(key="step").max == last
    assert at.button(key="derivation_prev").disabled
    for k in (1, 2, 3):
        at.button(key="derivation_next").click().run()
        pages.assert_healthy(at)
        assert at.slider(key="step").value == k
    at.button(key="derivation_prev").click().run()
    assert at.slider(key="step").value == 2
    at.slider(key="step").set_value(last).run()
    pages.assert_healthy(at)
    assert at.button(key="derivation_next").disabled
    at.button(key="derivation_prev").click().run()
    assert at.slider(key="step").value == last - 1


def test_shrinking_t_clamps_the_step(run):
    at = run(dT="6", dplace="all", step="50")
    assert at.slider(key="step").value == 50
    at.slider(key="dT").set_value(2).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.slider(key="step").value == step_count(2, "all") - 1


def test_link_values_reach_the_computation(pages, run):
    at = run(dT="5", dH="1", dseed="7", step="7")
    pages.assert_healthy(at)
    assert at.slider(key="step").max == step_count(5, "last") - 1
    assert at.slider(key="step").value == 7
    assert f"**Backward step 8 of {step_count(5, 'last')}**" in stepper_text(at)
    link = next(m.value for m in at.markdown if "(./?" in m.value)  # the default page is the root
    assert "T=5&H=1&seed=7&place=last" in link and "lang=en" in link


@pytest.mark.parametrize(
    "params",
    [
        {"dT": "abc", "dH": "nan", "dseed": "1e309", "step": "-5", "dplace": "middle", "notation": "greek"},
        {"dT": "1e309", "dH": "-5", "dseed": "-1", "step": "1e309", "dplace": "", "notation": ""},
        {"dT": "nan", "step": "abc", "lang": "ko"},
        {"step": "999", "dplace": "all"},
    ],
)
def test_hostile_links(pages, run, params):
    at = run(**params)
    pages.assert_healthy(at)
    last = at.slider(key="step").max
    assert 0 <= at.slider(key="step").value <= last
    assert at.warning  # the replaced values are named


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_predictions_reveal_the_numbers(pages, run, lang):
    at = run(lang=lang, step="7")  # the step before the first carry: its prompt is shown
    radios = {r.key: r for r in at.radio if r.key and r.key.startswith("derivation_predict")}
    assert set(radios) == {"derivation_predict_warmup", "derivation_predict_carry_3", "derivation_predict_chain"}
    assert not at.info
    for key, guess in (("warmup", "up"), ("carry_3", "larger"), ("chain", "zero")):
        radios[f"derivation_predict_{key}"].set_value(guess)
    at.run()
    pages.assert_healthy(at)
    assert len(at.info) == 3
    assert at.success  # f went down after one gradient-descent step


def test_sum_of_terms_matches_bptt_and_finite_differences():
    for steps, hidden, place in ((3, 2, "last"), (MAX_STEPS, 3, "all")):
        report = derivation_report(steps, hidden, 1, place)
        assert len(report.steps) == step_count(steps, place) <= MAX_STEP_INDEX + 1
        for name in PARAM_ORDER:
            assert report.max_relative_error(name) < 1e-6, name
        assert np.all(np.isfinite(report.product_log10))


def test_settings_keys_and_labels():
    keys = url_keys(DerivationSettings)
    assert keys == {"dT", "dH", "dseed", "dplace", "notation", "step"}
