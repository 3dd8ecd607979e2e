"""Fixtures for the real-browser tests: a fresh Streamlit server per module, one Chromium, a context per test.

Artefacts: a screenshot per test (and per page where a test visits several) in
test-output/browser/, and the server log next to them.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.browser.harness import CHROMIUM, CHROMIUM_ARGS, StreamlitServer

REPO_ROOT = Path(__file__).resolve().parents[2]
OUTPUT_DIR = REPO_ROOT / "test-output" / "browser"

# Console errors that are not the app's fault: (message pattern, source-URL pattern). Keep short and explained.
HARMLESS_CONSOLE = (
    # A deep link such as /clipping: the frontend probes <page path>/_stcore/health (and host-config) to find the
    # server's base path, gets a 404, then falls back to / and connects normally.
    (re.compile(r"status of 404"), re.compile(r"/[^/?#]+/_stcore/(health|host-config)")),
)


@pytest.fixture(scope="session")
def output_dir() -> Path:
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    return OUTPUT_DIR


@pytest.fixture(scope="module")
def server(output_dir, request):
    """A cold `streamlit run app.py` for this module: its first test is the server's first session."""
    log = output_dir / f"server_{request.module.__name__.rsplit('.', 1)[-1]}.log"
    srv = StreamlitServer(REPO_ROOT, "app.py", log_path=log)
    srv.start(timeout=60)
    yield srv
    srv.stop()


@pytest.fixture(scope="session")
def browser():
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"Chromium not found at {CHROMIUM}: the browser tests need it (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


class PageProbe:
    """A page plus the console errors and uncaught exceptions it has produced so far."""

    def __init__(self, page):
        self.page = page
        self.errors: list[str] = []
        page.on("console", self._on_console)
        page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))

    def _on_console(self, msg) -> None:
        if msg.type != "error":
            return
        where = (msg.location or {}).get("url", "")
        if not any(text.search(msg.text) and source.search(where) for text, source in HARMLESS_CONSOLE):
            self.errors.append(f"console.error: {msg.text} [{where}]")


@pytest.fixture
def context(browser):
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    ctx.set_default_timeout(30_000)
    yield ctx
    ctx.close()


@pytest.fixture
def probe(context, output_dir, request) -> PageProbe:
    """A fresh page in a fresh context; a full-page screenshot is saved when the test ends."""
    probe = PageProbe(context.new_page())
    yield probe
    try:
        probe.page.screenshot(path=str(output_dir / f"{request.node.name}.png"), full_page=True)
    except Exception as exc:  # a screenshot must not hide the test's own result
        print(f"screenshot failed: {exc}")
