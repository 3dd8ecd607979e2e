"""Every page runs under AppTest with no exception; its charts hold finite numbers only."""

import pytest
from streamlit.testing.v1 import AppTest

from explorer.registry import VIEWS

PAGES = [view.name for view in VIEWS]


@pytest.fixture
def run(pages):
    """run(view=None, **params): a view (default: flow) opened with a link."""
    return lambda view=None, **params: pages.run(view or "flow", **params)


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("lang", ["en", "ko"])
def test_page_runs_with_defaults(pages, run, page, lang):
    # the training lab draws its charts once its background race has published (tests/views/training/)
    pages.assert_healthy(run(page, lang=lang), charts=page != "training")


@pytest.mark.parametrize(
    "params",
    [
        {"act": "linear", "rho": "1.5", "T": "2000", "H": "4"},  # forward overflow
        {"act": "relu", "rho": "3", "T": "1500", "H": "8", "xs": "5"},
        {"rho": "0"},  # W_h = 0: products exactly zero
        {"T": "1"},
        {"act": "sigmoid", "rho": "3", "init": "orthogonal", "place": "last", "loss": "mse"},
    ],
)
def test_flow_page_extreme_settings(pages, run, params):
    pages.assert_healthy(run(None, **params))


HOSTILE = [
    {"T": "abc"},
    {"T": ""},
    {"rho": "NaN"},
    {"rho": "inf", "T": "-inf"},
    {"H": "1e309", "T": "1e-400"},
    {"T": "\x00", "H": "\xff"},
    {"T": "9" * 5000},
    {"T": "-3", "H": "0"},
    {"T": "3.7"},
    {"T": "10000000", "n": "5000"},
    {"T": "٣"},
    {"act": "evil", "init": "nope", "loss": "x", "place": "y", "lang": "fr"},
    {"band": "maybe", "seed": "-1", "xs": "1e999"},
    {"seed": "1e309", "place": "sideways"},
    {"v": "99"},
    {f"junk{i}": str(i) for i in range(50)},
]


@pytest.mark.parametrize("params", HOSTILE)
def test_hostile_links_end_in_a_working_page_with_a_notice(pages, run, params):
    at = run(None, **params)
    pages.assert_healthy(at)
    assert at.warning, "no notice names the replaced values"


@pytest.mark.parametrize("page", PAGES[1:])
@pytest.mark.parametrize("params", HOSTILE)
def test_hostile_links_on_every_page(pages, run, page, params):
    # each page's own keys: tests/views/<view>/; the training lab's charts wait for its background race
    pages.assert_healthy(run(page, **params), charts=page != "training")


def test_repeated_key_last_one_wins(pages):
    at = AppTest.from_file(pages.APP, default_timeout=60)
    at.query_params["T"] = ["1", "2", "99999999"]
    at.run()
    pages.assert_healthy(at)
    assert at.slider(key="T").value == 2000


def test_link_values_reach_the_widgets(pages, run):
    at = run(None, T="250", rho="1.3", act="relu", seed="7", lang="ko")
    pages.assert_healthy(at)
    assert at.slider(key="T").value == 250 and at.slider(key="rho").value == 1.3
    assert at.selectbox(key="act").value == "relu" and at.slider(key="seed").value == 7
    assert not at.warning


def test_the_band_lowers_h_to_what_it_computes_in_full(pages, run):
    """The band's SVD a step: with it, H stops at BAND_HIDDEN; a link asking for more is lowered and told."""
    from explorer.flow.settings import BAND_HIDDEN

    at = run(None, T="2000", H="200", band="true")
    pages.assert_healthy(at)
    assert at.slider(key="H").value == BAND_HIDDEN and at.slider(key="T").value == 2000
    assert any("200" in w.value and str(BAND_HIDDEN) in w.value for w in at.warning), [w.value for w in at.warning]
    assert not at.info, [info.value for info in at.info]  # no budget notice: all 2000 steps


def test_preset_sets_several_controls(pages, run):
    at = run(None)
    at.selectbox(key="preset").select("irnn").run()
    pages.assert_healthy(at)
    assert at.selectbox(key="act").value == "relu" and at.selectbox(key="init").value == "identity"
    assert at.slider(key="rho").value == 1.0


@pytest.mark.parametrize(
    "page, key",
    [
        ("gated", "fb"),
        ("truncation", "k"),
        ("clipping", "thr"),
        ("derivation", "dT"),
    ],
)
def test_a_page_names_its_own_replaced_keys_at_once(pages, run, page, key):
    at = run(page, **{key: "abc"})
    pages.assert_healthy(at)
    assert any(key in w.value for w in at.warning), [w.value for w in at.warning]


def test_korean_select_boxes_show_option_names_and_keep_tokens(pages, run):
    """Issue 10, item 14: option names in the UI language; the value (and the link) stays the token."""
    at = run(None, lang="ko", init="orthogonal", loss="mse")
    pages.assert_healthy(at)
    init, loss = at.selectbox(key="init"), at.selectbox(key="loss")
    assert "직교 × ρ" in init.options and "gaussian" not in init.options
    assert init.value == "orthogonal" and loss.value == "mse" and "평균 제곱 오차" in loss.options
    assert not at.warning


def _preset_info(at, lang: str, name: str) -> bool:
    from explorer.shared.i18n import translate

    return any(translate(lang, f"preset.{name}.explain") in info.value for info in at.info)


def test_a_preset_link_sets_the_preset_and_shows_its_explanation(pages, run):
    """Issue 10, item 7: preset=<name> in a link sets the preset's values and explains it."""
    at = run(None, preset="exploding_linear")
    pages.assert_healthy(at)
    assert at.selectbox(key="act").value == "linear" and at.slider(key="rho").value == 1.1
    assert at.selectbox(key="preset").value == "exploding_linear"
    assert _preset_info(at, "en", "exploding_linear")


def test_the_explanation_goes_once_a_setting_moves_away_from_the_preset(pages, run):
    at = run(None, preset="exploding_linear", lang="ko")
    at.slider(key="rho").set_value(0.5).run()
    pages.assert_healthy(at)
    assert not _preset_info(at, "ko", "exploding_linear")
    assert at.selectbox(key="preset").value == ""
    assert any("exploding" in c.value or "폭발" in c.value for c in at.caption), "no word that the preset was left"


def test_a_link_value_that_differs_from_the_preset_wins_and_drops_the_preset(pages, run):
    at = run(None, preset="irnn", rho="0.5")
    pages.assert_healthy(at)
    assert at.slider(key="rho").value == 0.5 and at.selectbox(key="act").value == "relu"
    assert not _preset_info(at, "en", "irnn")


@pytest.mark.parametrize("page", ["flow", "truncation"])
def test_presentation_mode_puts_captions_behind_expanders(pages, run, page):
    at = run(page, present="1")
    pages.assert_healthy(at)
    assert at.toggle(key="present").value is True
    assert len(at.expander) >= len(at.get("plotly_chart")), "every chart's caption should sit in an expander"
    assert all(exp.caption for exp in at.expander if exp.label == "How to read this chart")


def test_show_flag_draws_only_the_named_controls_and_keeps_the_others(pages, run):
    at = run(None, show="rho,T", act="relu", H="8")
    pages.assert_healthy(at)
    assert at.slider(key="rho") and at.slider(key="T")
    keys = {w.key for w in (*at.slider, *at.selectbox, *at.radio, *at.toggle)}
    assert {"act", "H", "init", "preset"}.isdisjoint(keys), keys
    assert at.session_state["act"] == "relu" and at.session_state["H"] == 8
