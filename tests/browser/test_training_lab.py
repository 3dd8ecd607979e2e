"""The training lab in a browser: a run starts, its progress and charts move, the link reopens the cached result."""

from __future__ import annotations

import time
import urllib.parse

from tests.browser.harness import open_app, wait_idle  # noqa: F401

LINK = {"lag": "20", "units": "16", "its": "2000", "batch": "16", "tseed": "31"}
PROGRESS = '[data-testid="stProgress"]'
CHARTS = '[data-testid="stPlotlyChart"]'
DOWNLOADS = '[data-testid="stDownloadButton"]'


def lab_url(server) -> str:
    return server.url("/training?" + urllib.parse.urlencode(LINK))


def progress_text(page) -> str:
    bars = page.locator(PROGRESS)
    return bars.first.inner_text() if bars.count() else ""


def test_a_run_moves_live_then_the_link_reopens_the_cached_result(server, probe, context, output_dir):
    page = probe.page
    page.goto(lab_url(server))  # not open_app: the live fragment keeps the script busy while it trains
    page.wait_for_selector(PROGRESS, timeout=60_000)
    seen = set()
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and page.locator(DOWNLOADS).count() == 0:
        text = progress_text(page)
        if text:
            seen.add(text)
        time.sleep(0.4)
    page.screenshot(path=str(output_dir / "training_lab_running_or_done.png"), full_page=True)
    assert len(seen) >= 2, f"the progress never moved: {seen}"  # live updates, not only the end
    page.wait_for_selector(DOWNLOADS, timeout=180_000)
    assert page.locator(CHARTS).count() >= 4
    wait_idle(page)
    page.screenshot(path=str(output_dir / "training_lab_finished.png"), full_page=True)

    again = context.new_page()  # another student opening the same link
    start = time.monotonic()
    open_app(again, lab_url(server))
    again.wait_for_selector(DOWNLOADS, timeout=20_000)
    reopened = time.monotonic() - start
    assert again.locator(PROGRESS).count() == 0  # served finished, not recomputed
    assert again.locator(CHARTS).count() >= 4
    again.screenshot(path=str(output_dir / "training_lab_reopened.png"), full_page=True)
    print(f"reopened in {reopened:.1f} s (page load included)")
    assert not probe.errors, probe.errors
