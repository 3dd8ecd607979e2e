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
    pages.assert_healthy(run(page, lang=lang))


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
    pages.assert_healthy(run(page, **params))  # each page's own keys: tests/views/<view>/


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


def test_budget_caps_the_work(pages, run):
    at = run(None, T="2000", H="200")
    pages.assert_healthy(at)
    assert any("budget" in info.value or "예산" in info.value for info in at.info)


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
