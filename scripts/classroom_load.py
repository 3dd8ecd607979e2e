"""Classroom load: N simulated students drive `streamlit run app.py` over its websocket.

Each student is one Streamlit session spoken to the way the browser does it (BackMsg
rerun_script with the widget states; the run ends with a ForwardMsg script_finished),
so 60 students cost 60 sockets rather than 60 Chromium tabs. Every --think LO..HI seconds
(default 0.5-1.5 s) a student changes one setting and waits for the rerun to finish; the
wait is the latency reported (p50, p95, p99), with errors and the servers' memory (RSS).

    python scripts/classroom_load.py                  # 60 students, 60 s, one server started here
    python scripts/classroom_load.py -n 60 -d 30 --no-gc-off   # with runner.postScriptGC=true
    python scripts/classroom_load.py --servers 4      # four servers, students pinned round-robin
    python scripts/classroom_load.py -n 200 --think 3 8 --url http://127.0.0.1:8500/   # a running class

--url drives a class already served by scripts/serve_class.sh through its proxy: each student
first loads the page over HTTP with its own cookie jar (the proxy's SRV cookie names its
process), then opens its websocket with that cookie, so it sticks to one process as a browser
would; its memory is read from the processes that serve_class.sh marked with BPTT_CLASS_PORT.

Loopback only; every loop is bounded by --duration plus a per-rerun timeout.
"""

from __future__ import annotations

import argparse
import asyncio
import http.cookiejar
import ipaddress
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

REPO_ROOT = Path(__file__).resolve().parent.parent
RERUN_TIMEOUT_S = 60.0
PROXY_COOKIE = "SRV"  # deploy/haproxy.cfg: the cookie naming a student's process
FINISHED_OK = 0  # ScriptFinishedStatus.FINISHED_SUCCESSFULLY

# What a student changes: URL key -> how to draw a new value (classroom-sized ranges).
CHANGES = {
    "T": lambda rng: rng.randint(10, 400),
    "rho": lambda rng: round(rng.uniform(0.5, 1.5), 2),
    "H": lambda rng: rng.choice([8, 16, 32, 64]),
    "seed": lambda rng: rng.randint(0, 50),
    "act": None,  # a random option of the selectbox, as the server formats it
}
# --mode lesson: the class follows the teacher, each student trying a few shared values.
LESSON = {
    "T": lambda rng: rng.choice([50, 100, 200]),
    "rho": lambda rng: rng.choice([0.9, 1.0, 1.1]),
    "act": lambda rng: rng.choice(["tanh", "relu", "sigmoid"]),
}


# ---------------------------------------------------------------- server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, gc_after_run: bool, log) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless=true"]
    cmd += [f"--server.port={port}", "--server.address=127.0.0.1", "--server.fileWatcherType=none"]
    cmd += ["--browser.gatherUsageStats=false", f"--runner.postScriptGC={str(gc_after_run).lower()}"]
    env = {**os.environ, "OPENBLAS_NUM_THREADS": os.environ.get("OPENBLAS_NUM_THREADS", "1")}  # as run_app.sh
    proc = subprocess.Popen(cmd, cwd=REPO_ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}; see {log.name}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                if r.read().strip() == b"ok":
                    return proc
        except OSError:
            pass
        time.sleep(0.2)
    stop_server(proc)
    raise TimeoutError("streamlit did not become healthy within 60 s")


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def rss_mib(pid: int) -> float:
    """Resident memory of one process from /proc (kB -> MiB); 0 if it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def class_processes(port: int) -> tuple[list[int], list[int]]:
    """(streamlit pids, haproxy pids) that scripts/serve_class.sh started for the class on this port.

    They carry BPTT_CLASS_PORT=<port> in their environment (read from /proc; own processes only).
    """
    marker = f"BPTT_CLASS_PORT={port}".encode()
    apps, proxies = [], []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if marker not in (entry / "environ").read_bytes().split(b"\0"):
                continue
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"streamlit" in argv and b"run" in argv:
            apps.append(int(entry.name))
        elif argv and Path(argv[0].decode(errors="replace")).name == "haproxy":
            proxies.append(int(entry.name))
    return sorted(apps), sorted(proxies)


def cpu_seconds(pid: int) -> float:
    """utime + stime of one process from /proc/<pid>/stat."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


# ---------------------------------------------------------------- one student


@dataclass
class Stats:
    latencies: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    placed: dict[str, int] = field(default_factory=dict)  # --url: students per proxy cookie value (process)

    def error(self, kind: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1


@dataclass
class Widget:
    id: str
    kind: str  # slider | number_input | selectbox
    options: list[str] = field(default_factory=list)


def widget_state(state, widget: Widget, value) -> None:
    """Fill one WidgetState the way the frontend encodes this widget type."""
    state.id = widget.id
    if widget.kind == "slider":
        state.double_array_value.data.append(float(value))
    elif widget.kind == "number_input":
        state.int_value = int(value)
    else:
        state.string_value = str(value)


def loopback_only(url: str) -> urllib.parse.SplitResult:
    """The parsed http(s) URL, or ValueError if its host is not this machine's loopback."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"--url must be http://127.0.0.1:<port>/..., not {url!r}")
    host = parts.hostname
    if host != "localhost" and not ipaddress.ip_address(host).is_loopback:
        raise ValueError(f"--url must point at this machine's loopback (127.0.0.1, ::1, localhost), not {host}")
    return parts


class Student:
    def __init__(
        self,
        url: str,
        rng: random.Random,
        stats: Stats,
        changes: dict = CHANGES,
        think: tuple[float, float] = (0.5, 1.5),
        page_url: str | None = None,
    ):
        """url: the websocket (ws://host:port/_stcore/stream). page_url: with a proxy, the page a browser
        would load first over HTTP; its cookies (the proxy's SRV) then go with the websocket."""
        self.url, self.rng, self.stats, self.changes, self.think = url, rng, stats, changes, think
        self.page_url = page_url
        self.jar = http.cookiejar.CookieJar()  # this student's own cookies, as one browser profile has
        self.widgets: dict[str, Widget] = {}
        self.values: dict[str, object] = {}  # settings this student has changed so far
        self.finished = asyncio.Event()
        self.exception_seen = False
        self.ws = None

    async def run(self, deadline: float) -> None:
        try:
            headers = {}
            if self.page_url is not None:
                headers = await asyncio.to_thread(self._load_page)
            async with websockets.connect(
                self.url,
                subprotocols=["streamlit"],
                max_size=None,
                open_timeout=30,
                additional_headers=headers,
                proxy=None,  # loopback: never through an HTTP proxy from the environment
            ) as ws:
                self.ws = ws
                if self.page_url is not None and self._proxy_cookie(ws.response.headers.get_all("Set-Cookie")):
                    self.stats.error("proxy moved the student to another process")  # it ignored our cookie
                reader = asyncio.create_task(self._read())
                try:
                    await self._rerun(record=False)  # the page load
                    while time.monotonic() < deadline:
                        await asyncio.sleep(self.rng.uniform(*self.think))
                        if time.monotonic() >= deadline:
                            break
                        self._change_one_setting()
                        await self._rerun(record=True)
                finally:
                    reader.cancel()
        except (OSError, websockets.WebSocketException) as exc:
            self.stats.error(f"connection: {type(exc).__name__}")

    def _load_page(self) -> dict[str, str]:
        """GET the page through the proxy into this student's jar; the Cookie header for the websocket."""
        opener = urllib.request.build_opener(
            urllib.request.ProxyHandler({}), urllib.request.HTTPCookieProcessor(self.jar)
        )
        with opener.open(self.page_url, timeout=30) as response:
            response.read()
        placed = next((c.value for c in self.jar if c.name == PROXY_COOKIE), "<no proxy cookie>")
        self.stats.placed[placed] = self.stats.placed.get(placed, 0) + 1
        request = urllib.request.Request(self.page_url)
        self.jar.add_cookie_header(request)
        cookie = request.get_header("Cookie")
        return {"Cookie": cookie} if cookie else {}

    @staticmethod
    def _proxy_cookie(set_cookies: list[str]) -> bool:
        return any(value.strip().startswith(f"{PROXY_COOKIE}=") for value in set_cookies)

    def _change_one_setting(self) -> None:
        key = self.rng.choice([k for k in self.changes if k in self.widgets])
        draw = self.changes[key]
        self.values[key] = draw(self.rng) if draw else self.rng.choice(self.widgets[key].options)

    async def _rerun(self, record: bool) -> None:
        msg = BackMsg()
        msg.rerun_script.query_string = ""
        for key, value in self.values.items():
            widget_state(msg.rerun_script.widget_states.widgets.add(), self.widgets[key], value)
        self.finished.clear()
        self.exception_seen = False
        started = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        try:
            await asyncio.wait_for(self.finished.wait(), RERUN_TIMEOUT_S)
        except TimeoutError:
            self.stats.error("rerun timeout")
            return
        if record:
            self.stats.latencies.append(time.perf_counter() - started)
        if self.exception_seen:
            self.stats.error("exception shown")

    async def _read(self) -> None:
        async for frame in self.ws:
            msg = ForwardMsg()
            msg.ParseFromString(frame)
            kind = msg.WhichOneof("type")
            if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                self._note_element(msg.delta.new_element)
            elif kind == "script_finished":
                if msg.script_finished != FINISHED_OK:
                    self.stats.error(f"script_finished status {msg.script_finished}")
                self.finished.set()

    def _note_element(self, element) -> None:
        kind = element.WhichOneof("type")
        if kind == "exception":
            self.exception_seen = True
        elif kind in ("slider", "number_input", "selectbox"):
            proto = getattr(element, kind)
            key = proto.id.rsplit("-", 1)[-1]  # keyed widgets: $$ID-<hash>-<key>
            if key in CHANGES and key not in self.widgets:
                self.widgets[key] = Widget(proto.id, kind, list(getattr(proto, "options", [])))


# ---------------------------------------------------------------- the run


def websocket_url(parts: urllib.parse.SplitResult) -> str:
    scheme = "wss" if parts.scheme == "https" else "ws"
    return urllib.parse.urlunsplit((scheme, parts.netloc, "/_stcore/stream", "", ""))


async def classroom(
    ports: list[int],
    students: int,
    duration: float,
    seed: int,
    pids: list[int],
    changes: dict = CHANGES,
    think: tuple[float, float] = (0.5, 1.5),
    page_url: str | None = None,
) -> tuple[Stats, list[float]]:
    """Student i talks to server i mod K, as a sticky proxy in front of K processes would route it;
    with page_url (--url), every student goes through that proxy, which places it by its cookie."""
    stats, rss = Stats(), []
    deadline = time.monotonic() + duration
    if page_url is None:
        urls = [f"ws://127.0.0.1:{port}/_stcore/stream" for port in ports]
    else:
        urls = [websocket_url(loopback_only(page_url))]
    crowd = [
        Student(urls[i % len(urls)], random.Random(seed + i), stats, changes, think, page_url) for i in range(students)
    ]

    async def sample_memory() -> None:
        while time.monotonic() < deadline + RERUN_TIMEOUT_S:
            rss.append(sum(rss_mib(pid) for pid in pids))
            await asyncio.sleep(1.0)

    sampler = asyncio.create_task(sample_memory())
    tasks = []
    for student in crowd:  # students arrive over ~2 s, not in one burst
        tasks.append(asyncio.create_task(student.run(deadline)))
        await asyncio.sleep(2.0 / students)
    await asyncio.gather(*tasks)
    sampler.cancel()
    rss.append(sum(rss_mib(pid) for pid in pids))
    return stats, rss


def percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(q / 100 * (len(sorted_values) - 1))))
    return sorted_values[index]


def report(
    stats: Stats,
    rss: list[float],
    rss_idle: float,
    students: int,
    duration: float,
    gc_after_run: bool | None,
    servers: int,
    think: tuple[float, float] = (0.5, 1.5),
) -> None:
    """gc_after_run None: the servers were started elsewhere (--url), with their own settings."""
    lat = sorted(stats.latencies)
    gc = "as configured" if gc_after_run is None else str(gc_after_run).lower()
    print(
        f"students {students}, think {think[0]:g}-{think[1]:g} s, duration {duration:.0f} s, "
        f"servers {servers}, runner.postScriptGC={gc}"
    )
    if stats.placed:
        print("students per process (proxy cookie): " + ", ".join(f"{k} {v}" for k, v in sorted(stats.placed.items())))
    print(f"reruns measured {len(lat)} ({len(lat) / duration:.1f}/s)")
    if lat:
        p50, p95, p99 = (percentile(lat, q) * 1000 for q in (50, 95, 99))
        print(f"rerun latency ms: p50 {p50:.0f}  p95 {p95:.0f}  p99 {p99:.0f}  max {lat[-1] * 1000:.0f}")
    print(f"errors: {sum(stats.errors.values())} {stats.errors or ''}")
    if rss:
        print(f"server RSS MiB (all {servers} processes): idle {rss_idle:.0f}  peak {max(rss):.0f}  end {rss[-1]:.0f}")
    else:
        print("server RSS: unknown (no server process found)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--students", type=int, default=60)
    parser.add_argument("-d", "--duration", type=float, default=60.0, help="seconds of load (bounded)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-gc-off", action="store_true", help="run with runner.postScriptGC=true for comparison")
    parser.add_argument(
        "--mode",
        choices=("random", "lesson"),
        default="random",
        help="random: each student draws new values (mostly uncached); lesson: a few shared values (cached)",
    )
    parser.add_argument("--servers", type=int, default=1, help="server processes (students pinned round-robin)")
    parser.add_argument(
        "--think",
        nargs=2,
        type=float,
        default=(0.5, 1.5),
        metavar=("LO", "HI"),
        help="seconds a student waits between two changes, drawn uniformly in [LO, HI] (default 0.5 1.5)",
    )
    parser.add_argument(
        "--url",
        help="drive a running class through its proxy (scripts/serve_class.sh), e.g. http://127.0.0.1:8500/; "
        "loopback only; starts no server",
    )
    args = parser.parse_args(argv)
    if not 1 <= args.servers <= 8:
        parser.error("servers must be 1..8")
    if not 1 <= args.students <= 500 or not 0 < args.duration <= 600:
        parser.error("students must be 1..500 and duration 0..600 s")
    think = tuple(args.think)
    if not 0 <= think[0] <= think[1] <= 120:
        parser.error("--think LO HI needs 0 <= LO <= HI <= 120 seconds")
    changes = LESSON if args.mode == "lesson" else CHANGES
    if args.url is not None:
        try:
            loopback_only(args.url)
        except ValueError as exc:
            parser.error(str(exc))
        if args.no_gc_off or args.servers != 1:
            parser.error("--url drives servers started elsewhere: --servers and --no-gc-off do not apply")
        return drive_url(args.url, args.students, args.duration, args.seed, changes, think)
    gc_after_run = args.no_gc_off
    ports = [free_port() for _ in range(args.servers)]
    with tempfile.NamedTemporaryFile("w", prefix="classroom_load_", suffix=".log", delete=False) as log:
        servers = []
        try:
            servers = [start_server(port, gc_after_run, log) for port in ports]
            pids = [server.pid for server in servers]
            rss_idle, own_cpu0 = sum(rss_mib(pid) for pid in pids), time.process_time()
            server_cpu0 = sum(cpu_seconds(pid) for pid in pids)
            os.nice(5)  # the students share the CPU with the server: let the server go first
            stats, rss = asyncio.run(classroom(ports, args.students, args.duration, args.seed, pids, changes, think))
            cpu = (sum(cpu_seconds(pid) for pid in pids) - server_cpu0, time.process_time() - own_cpu0)
        finally:
            for server in servers:
                stop_server(server)
    report(stats, rss, rss_idle, args.students, args.duration, gc_after_run, args.servers, think)
    print(f"CPU seconds: server {cpu[0]:.1f}, load driver {cpu[1]:.1f} (of {os.cpu_count()} cores)")
    print(f"server log: {log.name}")
    return 1 if stats.errors else 0


def drive_url(url: str, students: int, duration: float, seed: int, changes: dict, think: tuple[float, float]) -> int:
    """--url: a class served elsewhere on this machine, reached through its proxy; nothing is started here."""
    port = loopback_only(url).port or 80
    pids, proxies = class_processes(port)
    if not pids:
        print(f"note: no streamlit process marked BPTT_CLASS_PORT={port} (scripts/serve_class.sh): memory unknown")
    rss_idle, own_cpu0 = sum(rss_mib(pid) for pid in pids), time.process_time()
    server_cpu0, proxy_cpu0 = sum(cpu_seconds(pid) for pid in pids), sum(cpu_seconds(pid) for pid in proxies)
    os.nice(5)  # the students share the CPU with the servers: let the servers go first
    stats, rss = asyncio.run(classroom([], students, duration, seed, pids, changes, think, page_url=url))
    server_cpu = sum(cpu_seconds(pid) for pid in pids) - server_cpu0
    proxy_cpu = sum(cpu_seconds(pid) for pid in proxies) - proxy_cpu0
    print(f"class at {url} (through its proxy)")
    report(stats, rss, rss_idle, students, duration, None, len(pids), think)
    if pids:
        print("server RSS MiB per process at the end: " + ", ".join(f"{rss_mib(pid):.0f}" for pid in pids))
    if proxies:
        print(f"proxy RSS MiB: {sum(rss_mib(pid) for pid in proxies):.0f}")
    cpu_line = f"CPU seconds: servers {server_cpu:.1f}, proxy {proxy_cpu:.1f}"
    print(f"{cpu_line}, load driver {time.process_time() - own_cpu0:.1f} (of {os.cpu_count()} cores)")
    return 1 if stats.errors else 0


if __name__ == "__main__":
    sys.exit(main())
