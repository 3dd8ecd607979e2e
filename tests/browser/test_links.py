"""Links, page switches and URL round trips in a real Chromium against a real `streamlit run app.py`.

The first test runs on a cold server (the server's first session), where Streamlit
behaves differently than on later sessions (NOTES §3).
"""

from __future__ import annotations

import urllib.parse

from bptt_core.report import gradient_flow
from tests.browser.harness import (
    current_query,
    metric_values,
    nav_links,
    nudge_slider,
    open_app,
    read_number,
    read_selectbox,
    read_slider,
    switch_page,
    wait_for_query,
)
from ui.i18n import translate
from ui.settings import FlowSettings

LINK = {"T": "250", "rho": "1.3", "act": "relu", "seed": "7", "lang": "ko"}
HOSTILE = "/?T=abc&rho=nan&H=99999&act=evil&zzz=1"
CHARTS = '[data-testid="stPlotlyChart"], .js-plotly-plot'


def link_path(params: dict[str, str]) -> str:
    return "/?" + urllib.parse.urlencode(params)


def expected_metrics(lang: str, settings: FlowSettings) -> dict[str, str]:
    """The growth and verdict metrics exactly as the page formats them, computed by the core here."""
    verdict = gradient_flow(**settings.core_kwargs()).verdict
    return {
        translate(lang, "flow.m.growth"): f"{verdict.growth:.4f}",
        translate(lang, "flow.m.verdict"): translate(lang, f"flow.verdict.{verdict.kind}"),
    }


def shown_settings(page, lang: str) -> dict[str, str]:
    """The values the sidebar widgets show for the keys of LINK."""
    return {
        "T": read_slider(page, translate(lang, "settings.steps")),
        "rho": read_slider(page, translate(lang, "settings.rho")),
        "act": read_selectbox(page, translate(lang, "settings.activation")),
        "seed": read_number(page, translate(lang, "settings.seed")),
        "lang": read_selectbox(page, "Language / 언어"),
    }


def expected_shown(lang: str) -> dict[str, str]:
    return {
        "T": LINK["T"],
        "rho": LINK["rho"],
        "act": translate(lang, f"choice.{LINK['act']}"),
        "seed": LINK["seed"],
        "lang": "한국어",
    }


def pick(metrics: dict[str, str], keys) -> dict[str, str]:
    return {k: metrics.get(k) for k in keys}


def test_cold_link_shows_its_settings_and_the_core_numbers(server, probe):
    page = probe.page
    open_app(page, server.url(link_path(LINK)))
    assert shown_settings(page, "ko") == expected_shown("ko"), f"URL after load: {page.url}"
    expected = expected_metrics("ko", FlowSettings(steps=250, rho=1.3, activation="relu", seed=7))
    assert pick(metric_values(page), expected) == expected


def test_page_switch_keeps_settings_in_url_and_widgets(server, probe):
    page = probe.page
    open_app(page, server.url(link_path(LINK)))
    links = nav_links(page)
    assert len(links) >= 2, f"need at least two pages in the sidebar navigation to switch between; found {links}"
    home = links[0][0]
    for name, _ in links[1:]:
        for target in (name, home):
            switch_page(page, target)
            query = current_query(page)
            assert {k: query.get(k) for k in LINK} == LINK, f"after switching to {target!r}: {page.url}"
            assert shown_settings(page, "ko") == expected_shown("ko"), f"widgets after switching to {target!r}"


def test_moved_slider_goes_into_the_url_and_the_url_reproduces_it(server, probe, context):
    page = probe.page
    label, growth = translate("en", "settings.steps"), translate("en", "flow.m.growth")
    open_app(page, server.url("/"))
    assert read_slider(page, label) == "100"
    nudge_slider(page, label)
    wait_for_query(page, "T", "101")
    assert read_slider(page, label) == "101"
    shown_growth = metric_values(page)[growth]

    fresh = context.browser.new_context()
    try:
        other = fresh.new_page()
        open_app(other, page.url)
        assert read_slider(other, label) == "101"
        assert metric_values(other)[growth] == shown_growth
    finally:
        fresh.close()
    assert shown_growth == expected_metrics("en", FlowSettings(steps=101))[growth]


def test_hostile_link_gives_a_notice_and_no_traceback(server, probe):
    page = probe.page
    open_app(page, server.url(HOSTILE))
    alerts = page.locator('[data-testid="stAlert"]')
    assert alerts.count() >= 1, "no warning about the replaced link values"
    notice = " ".join(alerts.all_inner_texts())
    missing = [key for key in ("T", "rho", "H", "act", "zzz") if key not in notice]
    assert not missing, f"notice does not name {missing}: {notice!r}"
    assert page.locator('[data-testid="stException"]').count() == 0
    assert "Traceback" not in page.locator("body").inner_text()
    assert not probe.errors, probe.errors


def test_every_page_renders_a_chart_without_console_errors(server, probe, output_dir):
    page = probe.page
    open_app(page, server.url("/"))
    links = nav_links(page) or [("(only page)", page.url)]
    failures = []
    for index, (name, href) in enumerate(links):
        if index > 0 or href != page.url:
            page.goto(urllib.parse.urljoin(server.url("/"), href))
            open_app_idle(page)
        charts = page.locator(CHARTS)
        try:
            charts.first.wait_for(timeout=30_000)
        except Exception:
            failures.append(f"{name}: no plotly chart")
        slug = urllib.parse.urlparse(href).path.strip("/") or "default"
        page.screenshot(path=str(output_dir / f"page_{slug}.png"), full_page=True)
        if page.locator('[data-testid="stException"]').count():
            failures.append(f"{name}: exception shown")
    assert not failures, failures
    assert not probe.errors, probe.errors


def open_app_idle(page) -> None:
    from tests.browser.harness import wait_idle

    wait_idle(page, 60_000)
