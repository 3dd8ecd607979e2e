"""Issue 10, items 8 and 13: metric values never cut at 1024 px; no chart title under a toolbar at 390 px.
Issue 13: the flow view's metrics row (one horizontal container) keeps equal shares, and wraps on a phone.

Every page, both languages; screenshots under test-output/browser/ (look at them).
"""

from __future__ import annotations

from itertools import pairwise

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


def metric_boxes(page) -> list[dict]:
    metrics = page.locator('[data-testid="stMetric"]')
    return [metrics.nth(i).bounding_box() for i in range(metrics.count())]


@pytest.mark.parametrize("width", [1280, 1024])
def test_the_flow_metrics_share_one_row_equally(server, sized, output_dir, width):
    """The flow view's metrics are one horizontal container (fewer messages than st.columns): on a
    laptop they still sit on one line with equal widths, as the columns did."""
    page = sized(width, 800)
    open_page(page, server.url(f"/?lang=ko&{SMALL}"))
    boxes = metric_boxes(page)
    page.screenshot(path=str(output_dir / f"flow_metrics_w{width}.png"))
    assert len(boxes) == 6
    assert len({round(box["y"]) for box in boxes}) == 1, boxes  # one row
    widths = [box["width"] for box in boxes]
    assert max(widths) - min(widths) < 2, widths  # equal shares
    assert all(a["x"] + a["width"] <= b["x"] for a, b in pairwise(boxes)), boxes  # no overlap


def test_the_flow_metrics_wrap_on_a_phone(server, sized, output_dir):
    """At 390 px the six metrics wrap onto two lines (not six stacked ones), none of them cut."""
    page = sized(390, 844, is_mobile=True, has_touch=True)
    open_page(page, server.url(f"/?lang=ko&{SMALL}"))
    boxes = metric_boxes(page)
    page.screenshot(path=str(output_dir / "flow_metrics_phone.png"), full_page=True)
    assert len(boxes) == 6 and len({round(box["y"]) for box in boxes}) == 2, boxes
    assert all(box["x"] + box["width"] <= 390 for box in boxes), boxes
    assert not truncated_metrics(page)
