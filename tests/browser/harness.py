"""Playwright helpers for driving the Streamlit app in a real (headless) Chromium.

Streamlit reruns the script after every interaction; every helper that acts waits
until the app is connected and the script is idle again
([data-test-script-state="notRunning"]) before returning.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

from playwright.sync_api import Page

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
IDLE = '[data-testid="stApp"][data-test-connection-state="CONNECTED"][data-test-script-state="notRunning"]'


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class StreamlitServer:
    """`streamlit run <script>` in app_dir on a free loopback port; stop() kills only this process."""

    def __init__(self, app_dir: Path, script: str = "app.py", extra_args: list[str] | None = None, log_path=None):
        self.app_dir, self.script = Path(app_dir), script
        self.port = free_port()
        self.extra_args = extra_args or []
        self.log_path = Path(log_path or f"/tmp/streamlit_browser_{self.port}.log")
        self.proc: subprocess.Popen | None = None

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def start(self, timeout: float = 60) -> StreamlitServer:
        self._log = open(self.log_path, "w")
        cmd = [sys.executable, "-m", "streamlit", "run", self.script, "--server.headless=true"]
        cmd += [f"--server.port={self.port}", "--server.address=127.0.0.1", "--server.fileWatcherType=none"]
        cmd += ["--browser.gatherUsageStats=false", *self.extra_args]
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen(
            cmd, cwd=self.app_dir, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True, env=env
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited early (code {self.proc.returncode}); see {self.log_path}")
            try:
                with urllib.request.urlopen(self.url("/_stcore/health"), timeout=2) as r:
                    if r.read().decode().strip() == "ok":
                        return self
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise TimeoutError(f"streamlit not healthy after {timeout} s; see {self.log_path}")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        if getattr(self, "_log", None):
            self._log.close()

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def __enter__(self) -> StreamlitServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def wait_idle(page: Page, timeout: float = 30_000, settle_ms: int = 250) -> None:
    """Connected and not running: give a rerun a moment to start, then wait for it to end."""
    page.wait_for_selector(IDLE, timeout=timeout)
    page.wait_for_timeout(settle_ms)
    page.wait_for_selector(IDLE, timeout=timeout)


def open_app(page: Page, url: str, timeout: float = 60_000) -> None:
    """Load url and wait for its first run to end (a slider means the run has started drawing)."""
    page.goto(url)
    page.get_by_role("slider").first.wait_for(timeout=timeout)
    wait_idle(page, timeout)


def current_query(page: Page) -> dict[str, str]:
    """The page URL's query parameters (last value of each key)."""
    return {k: v[-1] for k, v in urllib.parse.parse_qs(urllib.parse.urlparse(page.url).query).items()}


def wait_for_query(page: Page, key: str, value: str, timeout_s: float = 15) -> dict[str, str]:
    """Poll the URL until key=value appears; return the query (fails with the last URL seen)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        query = current_query(page)
        if query.get(key) == value:
            return query
        page.wait_for_timeout(100)
    raise AssertionError(f"URL never carried {key}={value} within {timeout_s} s; last URL {page.url}")


def slider_locator(page: Page, label: str):
    """The range input of a slider: scoped through its role=group, which carries the label."""
    return page.get_by_role("group", name=label, exact=True).get_by_role("slider")


def read_slider(page: Page, label: str, timeout: float = 10_000) -> str:
    return slider_locator(page, label).input_value(timeout=timeout)


def read_selectbox(page: Page, label: str, timeout: float = 10_000) -> str:
    """Text shown in a selectbox (a react-aria combobox whose aria-label is the label)."""
    return page.get_by_role("combobox", name=label, exact=True).input_value(timeout=timeout)


def read_number(page: Page, label: str, timeout: float = 10_000) -> str:
    return page.get_by_role("spinbutton", name=label, exact=True).input_value(timeout=timeout)


def nudge_slider(page: Page, label: str, key: str = "ArrowRight") -> None:
    slider = slider_locator(page, label)
    slider.focus()
    slider.press(key)
    wait_idle(page)


def metric_values(page: Page) -> dict[str, str]:
    """{label: value} of every st.metric on the page."""
    out = {}
    for metric in page.locator('[data-testid="stMetric"]').all():
        label = metric.locator('[data-testid="stMetricLabel"]').inner_text().strip()
        out[label] = metric.locator('[data-testid="stMetricValue"]').inner_text().strip()
    return out


def nav_links(page: Page) -> list[tuple[str, str]]:
    """(title, href) of each page link in the sidebar navigation (the icon is left out of the title)."""
    links = page.locator('[data-testid="stSidebarNav"] a')
    return [(a.inner_text().strip().split("\n")[-1], a.get_attribute("href") or "") for a in links.all()]


def switch_page(page: Page, href: str) -> None:
    """Click the sidebar link with this href (as nav_links returns it), then wait for the rerun."""
    page.locator(f'[data-testid="stSidebarNav"] a[href="{href}"]').click()
    path = urllib.parse.urlparse(href).path
    page.wait_for_url(lambda url: urllib.parse.urlparse(url).path == path, timeout=15_000)
    wait_idle(page)


def read_radio(page: Page, label: str, timeout: float = 10_000) -> str:
    """The option of a radio group that is checked (its first text line; captions follow)."""
    group = page.get_by_role("radiogroup", name=label, exact=True)
    checked = group.locator("label:has(input:checked)")
    return checked.inner_text(timeout=timeout).strip().split("\n")[0]


# Every element of an st.metric's value or label whose text does not fit its box (cut with an ellipsis).
TRUNCATED_METRICS_JS = """() => {
  const cut = [];
  for (const el of document.querySelectorAll('[data-testid="stMetricValue"], [data-testid="stMetricLabel"]')) {
    for (const e of [el, ...el.querySelectorAll('*')]) {
      if (e.scrollWidth > e.clientWidth + 1 || (e.textContent || '').trim().endsWith('…')) {
        cut.push(el.dataset.testid + ': ' + (el.textContent || '').trim()); break;
      }
    }
  }
  return cut;
}"""

# Chart titles that a visible Plotly mode bar overlaps: [(title, overlap in px²)].
COVERED_TITLES_JS = """() => {
  const out = [];
  for (const plot of document.querySelectorAll('.js-plotly-plot')) {
    const element = plot.closest('[data-testid="stElementContainer"]') || plot.parentElement;
    const bars = [plot.querySelector('.modebar'), element.querySelector('[data-testid="stElementToolbar"]')];
    for (const bar of bars) {
      if (!bar || getComputedStyle(bar).opacity === '0') continue;
      const b = bar.getBoundingClientRect();
      if (b.width === 0 || b.height === 0) continue;
      for (const title of plot.querySelectorAll('.gtitle')) {
        const t = title.getBoundingClientRect();
        const w = Math.min(b.right, t.right) - Math.max(b.left, t.left);
        const h = Math.min(b.bottom, t.bottom) - Math.max(b.top, t.top);
        if (w > 0 && h > 0) out.push([title.textContent, bar.className || 'toolbar', Math.round(w * h)]);
      }
    }
  }
  return out;
}"""


def truncated_metrics(page: Page) -> list[str]:
    """Metric values and labels cut short (text wider than its box, or ending in an ellipsis)."""
    return page.evaluate(TRUNCATED_METRICS_JS)


def covered_titles(page: Page) -> list:
    """Chart titles overlapped by a visible Plotly mode bar."""
    return page.evaluate(COVERED_TITLES_JS)


def sidebar_expanded(page: Page) -> bool:
    """Whether the sidebar is open (Streamlit 1.67: data-collapsed on [data-testid=stSidebar])."""
    return page.get_by_test_id("stSidebar").get_attribute("data-collapsed") == "false"


def page_paths(page: Page) -> list[str]:
    """The path of every page in the navigation (the sidebar's links, read even when it is collapsed)."""
    hrefs = page.locator('[data-testid="stSidebarNav"] a').evaluate_all("els => els.map(a => a.href)")
    return [urllib.parse.urlparse(h).path for h in hrefs]


def open_page(page: Page, url: str, timeout: float = 60_000) -> None:
    """Load url and wait for its run to end (works with a collapsed sidebar: waits for a chart or a metric)."""
    page.goto(url)
    page.locator('[data-testid="stPlotlyChart"], [data-testid="stMetric"], [data-testid="stSlider"]').first.wait_for(
        state="attached", timeout=timeout
    )
    wait_idle(page, timeout)
