"""A class served by scripts/serve_class.sh (HAProxy in front of two Streamlit processes), in a real Chromium.

Through the proxy: a link with parameters keeps its settings across page switches (URL and widgets), every
browser context sticks to the process its SRV cookie names, two contexts may land on different processes,
a download (/media/) is served by the process that made it and by no other, and stopping the script ends
every process it started. Pages are reached by their URL paths; widgets by their keys (.st-key-<key>),
not by their translated labels.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.browser.harness import current_query, free_port, nav_links, open_app, switch_page, wait_idle

REPO_ROOT = Path(__file__).resolve().parents[2]
LINK = {"T": "37", "rho": "1.1", "lang": "ko"}
UNIQUE = {"T": "41", "rho": "0.7"}  # settings no other test opens: only one process ever made their CSV
PAGE_PATHS = ("/gated", "/truncation", "/clipping", "/derivation", "/")
COOKIE = "SRV"  # deploy/haproxy.cfg
START_TIMEOUT_S = 180


@dataclass
class ServedClass:
    proc: subprocess.Popen
    url: str  # the class URL, through the proxy
    app_ports: list[int]
    pids: list[int]  # the processes serve_class.sh started (the proxy last)
    log: Path

    def link(self, path: str = "/", params: dict[str, str] | None = None) -> str:
        query = "?" + urllib.parse.urlencode(params) if params else ""
        return self.url.rstrip("/") + path + query


def free_port_pair() -> int:
    """A port p with p and p + 1 both free on 127.0.0.1 (serve_class.sh uses consecutive ports)."""
    for _ in range(50):
        base = free_port()
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", base + 1))
            except OSError:
                continue
        return base
    raise RuntimeError("no two consecutive free ports found")


def stop_class(served: ServedClass) -> None:
    """SIGTERM to the script (its trap stops the rest); then, only if needed, its own processes by id."""
    if served.proc.poll() is None:
        served.proc.send_signal(signal.SIGTERM)
        try:
            served.proc.wait(30)
        except subprocess.TimeoutExpired:
            served.proc.kill()
            served.proc.wait(5)
    for pid in served.pids:
        if alive(pid):
            os.kill(pid, signal.SIGKILL)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().rsplit(")", 1)[1].split()[0] == "Z")  # a zombie has ended


@pytest.fixture(scope="module")
def served(output_dir):
    proxy_port, app_port = free_port(), free_port_pair()
    log = output_dir / "serve_class.log"
    for old_run in output_dir.glob("serve_class.*/"):  # earlier runs' directories (logs, config, pids)
        shutil.rmtree(old_run, ignore_errors=True)
    env = {**os.environ, "PYTHON": sys.executable, "TMPDIR": str(output_dir)}  # the run directory goes there
    cmd = ["bash", "scripts/serve_class.sh", "2", "--port", str(proxy_port), "--app-port", str(app_port)]
    with open(log, "w") as out:
        proc = subprocess.Popen(
            cmd, cwd=REPO_ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True, env=env
        )
    served = ServedClass(proc, "", [app_port, app_port + 1], [], log)
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while "Class URL:" not in log.read_text():
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"serve_class.sh did not come up (exit {proc.poll()}):\n{log.read_text()}")
            time.sleep(0.3)
        text = log.read_text()
        served.url = re.search(r"Class URL: (\S+)", text).group(1)
        run_dir = Path(re.search(r"run directory (\S+)", text).group(1))
        served.pids = [int(pid) for pid in (run_dir / "pids").read_text().split()]
        assert served.url == f"http://127.0.0.1:{proxy_port}/"
        yield served
    finally:
        stop_class(served)


def srv_cookie(context) -> str | None:
    return next((c["value"] for c in context.cookies() if c["name"] == COOKIE), None)


def shown(page) -> dict[str, str]:
    """T, rho and lang as the sidebar widgets show them, found by their widget keys."""
    return {
        "T": page.locator(".st-key-T input[type=range]").input_value(timeout=10_000),
        "rho": page.locator(".st-key-rho input[type=range]").input_value(timeout=10_000),
        "lang": page.locator('.st-key-lang label:has(input:checked) [data-testid="stMarkdownContainer"]')
        .first.inner_text(timeout=10_000)
        .strip(),
    }


def carried(page) -> dict[str, str | None]:
    query = current_query(page)
    return {key: query.get(key) for key in LINK}


def href_of(page, path: str) -> str:
    """The sidebar link whose URL path is path (the link texts are translated; the paths are not)."""
    for _, href in nav_links(page):
        if urllib.parse.urlparse(href).path == path:
            return href
    raise AssertionError(f"no sidebar link to {path}: {nav_links(page)}")


def new_page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(30_000)
    return context, context.new_page()


def test_link_through_the_proxy_keeps_its_settings_across_pages(served, probe, context, output_dir):
    page = probe.page
    open_app(page, served.link("/", LINK))
    cookie = srv_cookie(context)
    assert cookie in ("app1", "app2"), f"the proxy set no {COOKIE} cookie: {context.cookies()}"
    assert carried(page) == LINK, page.url
    assert shown(page) == LINK
    for path in PAGE_PATHS:
        switch_page(page, href_of(page, path))
        assert carried(page) == LINK, f"after switching to {path}: {page.url}"
        assert shown(page) == LINK, f"widgets after switching to {path}"
        assert srv_cookie(context) == cookie, f"the student moved to another process on {path}"
        page.screenshot(path=str(output_dir / f"proxy_{path.strip('/') or 'flow'}.png"))
    page.reload()
    wait_idle(page)
    assert carried(page) == LINK and shown(page) == LINK and srv_cookie(context) == cookie
    assert probe.errors == []


def test_two_browsers_may_land_on_different_processes_and_each_keeps_its_own(served, browser):
    """leastconn: a second student, while the first one's socket is open, goes to the other process."""
    opened = []
    try:
        for _ in range(4):  # at most four students, to see both processes
            context, page = new_page(browser)
            opened.append((context, page))
            open_app(page, served.link("/", LINK))
            if len({srv_cookie(c) for c, _ in opened}) == 2:
                break
        cookies = [srv_cookie(c) for c, _ in opened]
        assert set(cookies) == {"app1", "app2"}, f"every student landed on one process: {cookies}"
        for (context, page), cookie in zip(opened, cookies, strict=True):
            switch_page(page, href_of(page, "/gated"))
            assert srv_cookie(context) == cookie
            assert carried(page) == LINK and shown(page) == LINK
    finally:
        for context, _ in opened:
            context.close()


def test_a_download_is_served_by_the_process_that_made_it(served, browser):
    """The flow page's CSV lives under /media/ of one process: reachable with its cookie, 404 with the other's.

    Streamlit names a media file by a hash of its content: two processes that drew the same settings hold the
    same file, hence settings that no other test of this module opens.
    """
    context, page = new_page(browser)
    try:
        open_app(page, served.link("/", UNIQUE))
        cookie = srv_cookie(context)
        with page.expect_download() as download:
            page.locator(".st-key-flow_csv button").click()
        media_url = download.value.url
        failure = download.value.failure()
        content = b"" if failure else Path(download.value.path()).read_bytes()
    finally:
        context.close()
    assert failure is None and "/media/" in media_url and content, f"{media_url}: {failure}"
    other = "app2" if cookie == "app1" else "app1"
    assert fetch(media_url, cookie) == (200, content)
    assert fetch(media_url, other)[0] == 404, "the other process served a file it never made: is the cookie ignored?"


def fetch(url: str, cookie: str) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Cookie": f"{COOKIE}={cookie}"})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, b""


def test_stopping_the_script_ends_every_process(served):
    """Runs last in this module: SIGTERM to serve_class.sh stops the processes and the proxy, ports freed."""
    assert len(served.pids) == 3 and all(alive(pid) for pid in served.pids)
    served.proc.send_signal(signal.SIGTERM)
    assert served.proc.wait(30) == 143
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in served.pids) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert [pid for pid in served.pids if alive(pid)] == []
    proxy_port = urllib.parse.urlparse(served.url).port
    for port in [*served.app_ports, proxy_port]:
        with socket.socket() as s, pytest.raises(OSError):
            s.connect(("127.0.0.1", port))
    assert "stopped" in served.log.read_text()
