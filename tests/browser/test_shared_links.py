"""Issue 10, items 2, 3, 7, 14 and presentation links, in a real Chromium against a real `streamlit run app.py`.

What is computed (the flow metrics), what a widget shows and what the address bar carries must be
one value, and re-opening the address bar's URL must compute the same (docs/streamlit.md, "URL-bound widgets").
"""

from __future__ import annotations

import urllib.parse

from explorer.shared.i18n import translate
from tests.browser.harness import (
    current_query,
    metric_values,
    open_app,
    open_page,
    page_paths,
    read_selectbox,
    read_slider,
    sidebar_expanded,
    wait_idle,
)

WARNINGS = '[data-testid="stAlertContentWarning"]'
INFOS = '[data-testid="stAlertContentInfo"]'


def en(key: str) -> str:
    return translate("en", key)


def reopen(context, url: str, reader):
    """Open url in a fresh browser context (a student given the link); return reader(page)."""
    fresh = context.browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = fresh.new_page()
        open_app(page, url)
        return reader(page)
    finally:
        fresh.close()


def rho_view(page) -> tuple[str, str, str | None]:
    """(slider, computed ρ metric, URL's rho) of the flow view."""
    return read_slider(page, en("settings.rho")), metric_values(page)[en("flow.m.rho")], current_query(page).get("rho")


def test_a_value_between_slider_steps_is_snapped_shown_computed_and_carried(server, probe, context):
    page = probe.page
    open_app(page, server.url("/?rho=0.913"))
    wait_idle(page)
    assert rho_view(page) == ("0.91", "0.910", "0.91"), page.url
    notice = " ".join(page.locator(WARNINGS).all_inner_texts())
    assert "0.913" in notice and "0.91" in notice, notice
    assert reopen(context, page.url, rho_view) == ("0.91", "0.910", "0.91")


def test_the_near_the_edge_preset_round_trips_without_a_notice(server, probe, context):
    page = probe.page
    open_app(page, server.url("/?preset=edge_orthogonal"))
    wait_idle(page)
    verdict = metric_values(page)[en("flow.m.verdict")]
    query = current_query(page)
    assert read_slider(page, en("settings.input_scale")) == "0.01"
    assert query.get("xs") == "0.01" and query.get("preset") == "edge_orthogonal", page.url
    assert not page.locator(WARNINGS).all_inner_texts()
    assert en("preset.edge_orthogonal.explain") in " ".join(page.locator(INFOS).all_inner_texts())

    def seen(other):
        shown = read_slider(other, en("settings.input_scale")), metric_values(other)[en("flow.m.verdict")]
        return shown, other.locator(WARNINGS).count(), en("preset.edge_orthogonal.explain") in other.content()

    assert reopen(context, page.url, seen) == (("0.01", verdict), 0, True)


def test_the_link_version_survives_every_page_switch(server, probe):
    page = probe.page
    open_app(page, server.url("/?T=40&H=4"))
    for path in page_paths(page)[1:] + ["/"]:
        page.locator(f'[data-testid="stSidebarNav"] a[href$="{path}"]').first.click()
        page.wait_for_url(lambda url, p=path: urllib.parse.urlparse(url).path == p, timeout=30_000)
        wait_idle(page, 60_000)
        query = current_query(page)
        assert query.get("v") == "1" and query.get("T") == "40", f"after switching to {path}: {page.url}"


def test_korean_option_names_while_the_url_carries_the_token(server, probe, context):
    page = probe.page
    label = translate("ko", "settings.init")
    open_app(page, server.url("/?lang=ko&T=40&H=4"))
    box = page.get_by_role("combobox", name=label, exact=True)
    assert box.input_value() == translate("ko", "choice.gaussian")
    box.click()
    page.keyboard.type(translate("ko", "choice.orthogonal")[:2])  # filters the list to that option
    page.keyboard.press("Enter")
    wait_idle(page)
    assert read_selectbox(page, label) == translate("ko", "choice.orthogonal")
    assert current_query(page).get("init") == "orthogonal", page.url
    # A language switch renames the chosen option and keeps the token (and the preset picker does not fire).
    page.get_by_role("radiogroup", name="Language / 언어").get_by_text("en", exact=True).click()
    wait_idle(page)
    assert page.locator('[data-testid="stException"], [data-testid="stAlertContentError"]').count() == 0
    assert read_selectbox(page, en("settings.init")) == en("choice.orthogonal")
    assert current_query(page).get("init") == "orthogonal", page.url

    def shown(lang):
        url = server.url(f"/?init=orthogonal&lang={lang}&T=40&H=4")
        return reopen(context, url, lambda p: (read_selectbox(p, translate(lang, "settings.init")), current_query(p)))

    for lang in ("en", "ko"):
        name, query = shown(lang)
        assert name == translate(lang, "choice.orthogonal") and query.get("init") == "orthogonal", (lang, query)


def test_moving_away_from_a_preset_drops_it_from_the_url_and_the_page(server, probe):
    page = probe.page
    open_app(page, server.url("/?preset=irnn"))  # the preset holds while every shared setting equals its value
    assert current_query(page).get("preset") == "irnn" and page.locator(INFOS).count() >= 1
    slider = page.get_by_role("group", name=en("settings.rho"), exact=True).get_by_role("slider")
    slider.focus()
    slider.press("ArrowLeft")
    wait_idle(page)
    query = current_query(page)
    assert "preset" not in query and query.get("rho") == "0.99", page.url
    assert en("preset.irnn.explain") not in " ".join(page.locator(INFOS).all_inner_texts())


def test_a_presentation_link_collapses_the_sidebar_and_hides_captions(server, probe, output_dir):
    page = probe.page
    open_page(page, server.url("/?present=1&T=40&H=4"))
    assert not sidebar_expanded(page)
    charts = page.locator('[data-testid="stPlotlyChart"]').count()
    expanders = page.locator('[data-testid="stExpander"]').filter(has_text=en("layout.how_to_read"))
    assert charts >= 1 and expanders.count() >= charts, (charts, expanders.count())
    assert not page.get_by_text(en("flow.jac.read")[:40]).first.is_visible(), "a caption shows outside its expander"
    page.screenshot(path=str(output_dir / "present_flow.png"), full_page=True)
    assert current_query(page).get("present") == "true"


def test_a_show_link_draws_only_those_controls_and_keeps_the_others(server, probe):
    page = probe.page
    open_app(page, server.url("/?show=rho,T&act=relu&T=40&H=4"))
    sidebar = page.get_by_test_id("stSidebarUserContent")
    assert read_slider(sidebar, en("settings.rho")) == "0.9" and read_slider(sidebar, en("settings.steps")) == "40"
    assert sidebar.get_by_role("combobox", name=en("settings.activation")).count() == 0
    assert sidebar.get_by_role("group", name=en("settings.hidden"), exact=True).count() == 0
    paths = page_paths(page)
    page.locator(f'[data-testid="stSidebarNav"] a[href$="{paths[1]}"]').first.click()
    page.wait_for_url(lambda url: urllib.parse.urlparse(url).path == paths[1], timeout=30_000)
    wait_idle(page, 60_000)
    query = current_query(page)
    assert {k: query.get(k) for k in ("act", "H", "show", "v")} == {"act": "relu", "H": "4", "show": "rho,T", "v": "1"}
