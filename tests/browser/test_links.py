"""Links, page switches and URL round trips in a real Chromium against a real `streamlit run app.py`.

The first test runs on a cold server (the server's first session), where Streamlit
behaves differently than on later sessions (docs/streamlit.md, "The pages/ pitfall").
"""

from __future__ import annotations

import urllib.parse

from playwright.sync_api import TimeoutError as PlaywrightTimeout

from explorer.flow.report import gradient_flow
from explorer.shared.i18n import translate
from explorer.shared.settings import ProblemSettings
from tests.browser.harness import (
    current_query,
    metric_values,
    nav_links,
    nudge_slider,
    open_app,
    read_radio,
    read_selectbox,
    read_slider,
    switch_page,
    wait_for_query,
    wait_idle,
)

LINK = {"T": "150", "rho": "1.3", "act": "relu", "seed": "7", "lang": "ko"}
HOSTILE = "/?T=abc&rho=nan&H=99999&act=evil&zzz=1"
# st.warning's content box (Streamlit 1.67: stAlertContent<Kind>); st.exception uses stAlertContentError.
WARNINGS = '[data-testid="stAlertContentWarning"]'
CHARTS = '[data-testid="stPlotlyChart"], .js-plotly-plot'


def link_path(params: dict[str, str]) -> str:
    return "/?" + urllib.parse.urlencode(params)


def expected_metrics(lang: str, settings: ProblemSettings) -> dict[str, str]:
    """The growth and verdict metrics exactly as the page formats them, computed by the core here."""
    verdict = gradient_flow(settings.problem(), with_band=settings.band).verdict
    return {
        translate(lang, "flow.m.growth"): f"{verdict.growth:.4f}",
        translate(lang, "flow.m.verdict"): translate(lang, f"flow.verdict.{verdict.kind}"),
    }


def shown_settings(page, lang: str) -> dict[str, str]:
    """The values the sidebar widgets show for the keys of LINK ("<no widget ...>" if a label is not found)."""
    readers = {
        "T": (read_slider, translate(lang, "settings.steps")),
        "rho": (read_slider, translate(lang, "settings.rho")),
        "act": (read_selectbox, translate(lang, "settings.activation")),
        "seed": (read_slider, translate(lang, "settings.seed")),
        "lang": (read_radio, "Language / 언어"),
    }
    shown = {}
    sidebar = page.get_by_test_id("stSidebarUserContent")  # a page may reuse a label (Derivation's own T)
    for key, (read, label) in readers.items():
        try:
            shown[key] = read(sidebar, label, timeout=3_000)
        except PlaywrightTimeout:
            shown[key] = f"<no widget labelled {label!r}>"
    return shown


def expected_shown(lang: str) -> dict[str, str]:
    return {
        "T": LINK["T"],
        "rho": LINK["rho"],
        "act": translate(lang, f"choice.{LINK['act']}"),  # option names in the UI language; the URL keeps the token
        "seed": LINK["seed"],
        "lang": LINK["lang"],
    }


def pick(metrics: dict[str, str], keys) -> dict[str, str]:
    return {k: metrics.get(k) for k in keys}


def test_cold_link_shows_its_settings_and_the_core_numbers(server, probe):
    page = probe.page
    open_app(page, server.url(link_path(LINK)))
    assert shown_settings(page, "ko") == expected_shown("ko"), f"URL after load: {page.url}"
    query = current_query(page)  # the address bar must still carry the link, or sharing it again loses settings
    assert {k: query.get(k) for k in LINK} == LINK, f"URL after load: {page.url}"
    expected = expected_metrics("ko", ProblemSettings(steps=int(LINK["T"]), rho=1.3, activation="relu", seed=7))
    assert pick(metric_values(page), expected) == expected


def test_page_switch_keeps_settings_in_url_and_widgets(server, probe):
    page = probe.page
    open_app(page, server.url(link_path(LINK)))
    links = nav_links(page)
    assert len(links) >= 2, f"need at least two pages in the sidebar navigation to switch between; found {links}"
    home = links[0]
    for other in links[1:]:
        for title, href in (other, home):
            switch_page(page, href)
            query = current_query(page)
            assert {k: query.get(k) for k in LINK} == LINK, f"after switching to {title!r}: {page.url}"
            assert shown_settings(page, "ko") == expected_shown("ko"), f"widgets after switching to {title!r}"


def test_moved_slider_goes_into_the_url_and_the_url_reproduces_it(server, probe, context):
    page = probe.page
    label, growth = translate("en", "settings.steps"), translate("en", "flow.m.growth")
    open_app(page, server.url("/"))
    assert read_slider(page, label) == "100"
    nudge_slider(page, label)
    wait_for_query(page, "T", "101")
    wait_idle(page)
    assert read_slider(page, label) == "101"
    shown_growth = metric_values(page)[growth]

    fresh = context.browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        other = fresh.new_page()
        open_app(other, page.url)
        assert read_slider(other, label) == "101"
        assert metric_values(other)[growth] == shown_growth
    finally:
        fresh.close()
    assert shown_growth == expected_metrics("en", ProblemSettings(steps=101))[growth]


def test_chosen_option_goes_into_the_url_and_the_url_reproduces_it(server, probe, context):
    page = probe.page
    label, relu = translate("en", "settings.activation"), translate("en", "choice.relu")
    open_app(page, server.url("/"))
    page.get_by_role("combobox", name=label, exact=True).click()
    page.keyboard.type(relu)
    page.keyboard.press("Enter")
    wait_idle(page)
    assert read_selectbox(page, label) == relu
    assert current_query(page).get("act") == "relu", f"choosing {relu} did not put act=relu in the URL: {page.url}"

    fresh = context.browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        other = fresh.new_page()
        open_app(other, page.url)
        warnings = other.locator(WARNINGS).all_inner_texts()
        shown, reopened_url = read_selectbox(other, label), other.url
    finally:
        fresh.close()
    assert not warnings, f"the app's own link {page.url} was reported as bad: {warnings}"
    assert shown == relu
    assert current_query_of(reopened_url).get("act") == "relu", f"the reopened link lost act=relu: {reopened_url}"


def current_query_of(url: str) -> dict[str, str]:
    return {k: v[-1] for k, v in urllib.parse.parse_qs(urllib.parse.urlparse(url).query).items()}


def test_hostile_link_gives_a_notice_and_no_traceback(server, probe):
    page = probe.page
    open_app(page, server.url(HOSTILE))
    assert page.locator('[data-testid="stException"]').count() == 0, f"the app raised; see {server.log_path}"
    assert "Traceback" not in page.locator("body").inner_text()
    notice = " ".join(page.locator(WARNINGS).all_inner_texts())
    missing = [key for key in ("T", "rho", "H", "act", "zzz") if key not in notice]
    assert not missing, f"the warning does not name {missing}: {notice!r}"
    assert not probe.errors, probe.errors


def test_every_page_renders_a_chart_without_console_errors(server, probe, output_dir):
    page = probe.page
    open_app(page, server.url("/"))
    links = nav_links(page)  # empty while the app has a single page: then check just that one
    targets = [(name, urllib.parse.urljoin(server.url("/"), href)) for name, href in links] or [("default", None)]
    failures = []
    for name, url in targets:
        if url is not None:
            page.goto(url)
            wait_idle(page, 60_000)
        try:
            page.locator(CHARTS).first.wait_for(timeout=30_000)
        except PlaywrightTimeout:
            failures.append(f"{name}: no plotly chart")
        if page.locator('[data-testid="stException"]').count():
            failures.append(f"{name}: the page raised (see {server.log_path})")
        slug = urllib.parse.urlparse(page.url).path.strip("/") or "default"
        page.screenshot(path=str(output_dir / f"page_{slug}.png"), full_page=True)
    assert not failures, failures
    assert not probe.errors, probe.errors


def test_derivation_link_opens_the_flow_view_with_its_settings(server, probe):
    page = probe.page
    open_app(page, server.url("/derivation?dT=5&dH=1&dseed=7"))
    with page.expect_popup() as popup:  # Streamlit opens markdown links in a new tab
        page.get_by_role("link", name=translate("en", "derivation.chain.flow_link")).click()
    flow = popup.value
    try:
        flow.get_by_role("slider").first.wait_for(timeout=60_000)
        wait_idle(flow, 60_000)
        assert urllib.parse.urlparse(flow.url).path in ("/", ""), flow.url
        assert not flow.get_by_text("Page not found", exact=True).is_visible(), flow.url
        sidebar = flow.get_by_test_id("stSidebarUserContent")
        assert read_slider(sidebar, translate("en", "settings.steps")) == "5"
        assert read_slider(sidebar, translate("en", "settings.hidden")) == "1"
    finally:
        flow.close()
    assert not probe.errors, probe.errors
