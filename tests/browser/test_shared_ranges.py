"""Each page's slider range, in a real Chromium against a real `streamlit run app.py`.

A value above a page's range (a link, a page switch) is set to the page's maximum: the slider,
the address bar and the computation then carry that one value, and a warning names it. Going back
to a page whose range holds the value asked for gives it back, if nobody moved the slider.
"""

from __future__ import annotations

from explorer.gated.settings import GATED_RANGE
from explorer.shared.i18n import translate
from explorer.truncation.settings import TRUNCATION_RANGE
from tests.browser.harness import (
    current_query,
    nav_links,
    open_app,
    open_page,
    read_slider,
    slider_locator,
    switch_page,
    wait_for_query,
)

WARNINGS = '[data-testid="stAlertContentWarning"]'


def en(key: str) -> str:
    return translate("en", key)


def sidebar_h(page) -> tuple[str, str | None, str | None]:
    """(the H slider's value, its maximum, the URL's H)."""
    sidebar = page.get_by_test_id("stSidebarUserContent")
    slider = slider_locator(sidebar, en("settings.hidden"))
    return read_slider(sidebar, en("settings.hidden")), slider.get_attribute("max"), current_query(page).get("H")


def test_a_link_past_the_gated_range_is_set_to_its_maximum_and_named(server, probe, output_dir):
    page = probe.page
    top = str(GATED_RANGE.hidden)
    open_page(page, server.url("/gated?T=2000&H=256&seed=3"))
    wait_for_query(page, "H", top)
    assert sidebar_h(page) == (top, top, top), page.url
    notice = " ".join(page.locator(WARNINGS).all_inner_texts())
    assert "256" in notice and top in notice, notice
    caption = en("gated.range").split(":")[0]
    assert caption in page.get_by_test_id("stSidebarUserContent").inner_text()
    # computed in full: no "first {used} of the {asked} steps" notice
    assert "2000" not in " ".join(page.locator('[data-testid="stAlertContentInfo"]').all_inner_texts())
    assert not probe.errors, probe.errors
    page.screenshot(path=str(output_dir / "range_gated_link.png"), full_page=True)


def test_a_page_switch_lowers_h_and_the_way_back_restores_it(server, probe, output_dir):
    page = probe.page
    open_app(page, server.url("/?T=150&H=256&seed=4"))
    assert sidebar_h(page) == ("256", "256", "256")
    links = dict((href.rstrip("/").rsplit("/", 1)[-1], href) for _, href in nav_links(page))
    home = nav_links(page)[0][1]
    top = str(TRUNCATION_RANGE.hidden)
    switch_page(page, links["truncation"])
    wait_for_query(page, "H", top)
    assert sidebar_h(page) == (top, top, top), page.url
    assert current_query(page).get("T") == "150", page.url  # inside the range: kept
    notice = " ".join(page.locator(WARNINGS).all_inner_texts())
    assert "256" in notice and top in notice, notice
    page.screenshot(path=str(output_dir / "range_truncation_switch.png"), full_page=True)
    switch_page(page, home)
    wait_for_query(page, "H", "256")
    assert sidebar_h(page) == ("256", "256", "256"), page.url
    assert current_query(page).get("T") == "150"
    assert not page.locator(WARNINGS).count(), page.locator(WARNINGS).all_inner_texts()
    assert not probe.errors, probe.errors
