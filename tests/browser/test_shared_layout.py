"""Issue 10, items 8 and 13: metric values never cut at 1024 px; no chart title under a toolbar at 390 px.

Every page, both languages; screenshots under test-output/browser/ (look at them).
"""

from __future__ import annotations

import pytest

from tests.browser.harness import covered_titles, open_page, page_paths, truncated_metrics

SMALL = "T=40&H=4"  # small settings: the point is the layout, not the numbers


@pytest.fixture
def sized(browser):
    """sized(width, height, **options) -> a new page in its own context (closed at the end)."""
    contexts = []

    def make(width: int, height: int, **options):
        ctx = browser.new_context(viewport={"width": width, "height": height}, **options)
        ctx.set_default_timeout(30_000)
        contexts.append(ctx)
        return ctx.new_page()

    yield make
    for ctx in contexts:
        ctx.close()


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_no_metric_is_cut_at_1024_px_on_any_page(server, sized, output_dir, lang):
    page = sized(1024, 800)
    open_page(page, server.url(f"/?lang={lang}&{SMALL}"))
    cut = {}
    for path in page_paths(page):
        open_page(page, server.url(f"{path}?lang={lang}&{SMALL}"))
        page.wait_for_timeout(300)
        if found := truncated_metrics(page):
            cut[path] = found
        page.screenshot(path=str(output_dir / f"w1024_{lang}{path.replace('/', '_')}.png"), full_page=True)
    assert not cut


def test_no_chart_title_under_a_toolbar_on_a_phone(server, sized, output_dir):
    page = sized(390, 844, is_mobile=True, has_touch=True)
    open_page(page, server.url(f"/?lang=ko&{SMALL}"))
    covered = {}
    for path in page_paths(page):
        open_page(page, server.url(f"{path}?lang=ko&{SMALL}"))
        page.wait_for_timeout(500)
        plots = page.locator(".js-plotly-plot")
        if plots.count():
            plots.first.tap()  # a touch shows the toolbars a mouse would show on hover
            page.wait_for_timeout(300)
        if found := covered_titles(page):
            covered[path] = found
        page.screenshot(path=str(output_dir / f"phone{path.replace('/', '_')}.png"), full_page=True)
    assert not covered
