"""Server CPU per rerun of the default flow page, cached and uncached, beside Streamlit's floor.

    python benchmarks/rerun_cost.py            # 3 rounds of 150 reruns per row: the median round
    python benchmarks/rerun_cost.py -n 300 --rounds 5

One student (scripts/classroom_load.py's websocket client) reruns back to back, with no think
time; the server's CPU time (utime + stime of the whole process, every thread: the script
thread, the event loop, the websocket writer) is read from /proc before and after, and divided
by the number of reruns. The rows take turns, round after round (a shared machine drifts), and each
row prints its median round with the lowest and highest. Rows, all measured in this one run:

- floor: a bare Streamlit script with one keyed slider: what Streamlit itself costs per rerun.
- the flow page's elements: a script drawing as many elements of the same kinds as the flow page,
  with constant content and nothing computed: Streamlit's cost for a page of this size.
- flow, cached: the student alternates between two seeds computed before (every cache answers).
- flow, uncached: a new seed at every rerun (the report and the figures are computed).

With --also CHECKOUT, the flow page of another checkout (an earlier commit) takes its turns too.

Issue 13's targets for the default flow page: at most 12 ms cached and 25 ms uncached.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as scripts/run_app.sh serves it

# The load script is a script, not a package: load its client and server helpers from its file.
_spec = importlib.util.spec_from_file_location("classroom_load", REPO_ROOT / "scripts" / "classroom_load.py")
load = importlib.util.module_from_spec(_spec)
sys.modules["classroom_load"] = load
_spec.loader.exec_module(load)

FLOOR_SCRIPT = 'import streamlit as st\nst.slider("seed", 0, 9999, 0, key="seed")\n'

# The flow page's elements (counted from its messages: 14 sidebar widgets, a link box, 6 metrics in
# a horizontal container, 5 charts of ~100-point lines, 10 texts, a download) with constant content and no
# computation: what Streamlit costs for a page this size, whatever the page does.
ELEMENTS_SCRIPT = """
import numpy as np
import plotly.graph_objects as go
import streamlit as st

with st.sidebar:
    st.radio("lang", ["en", "ko"], horizontal=True, key="lang")
    st.toggle("present", key="present")
    st.header("settings")
    st.selectbox("preset", ["", "a", "b"], key="preset")
    for key in ("T", "H", "rho", "xs", "seed"):
        st.slider(key, 0, 9999, 0, key=key)
    for key in ("act", "init", "loss"):
        st.selectbox(key, ["a", "b", "c"], key=key)
    st.radio("place", ["all", "last"], key="place")
    st.toggle("band", key="band")
    st.caption("copy")
    st.code("http://localhost/?v=1", language=None, wrap_lines=True)
    st.caption("reproduces")
st.html("<style>p {}</style>")
st.title("title")
st.markdown("intro " * 40)
st.toggle("compare", key="cmp")
row = st.container(horizontal=True, gap="small")
for _ in range(6):
    row.metric("metric", "0.123")
st.markdown("rule " * 30)
x = np.arange(101.0)


class Converted(go.Figure):  # converted once, as the app's frozen figures are
    def to_dict(self):
        return dict(self._converted)


figure = Converted([go.Scatter(x=x, y=np.sin(x / 10), name=str(i)) for i in range(3)])
object.__setattr__(figure, "_converted", go.Figure.to_dict(figure))
for key in ("a", "b", "c"):
    st.plotly_chart(figure, key=key)
    st.caption("how to read " * 20)
left, right = st.columns(2)
with left:
    st.plotly_chart(figure, key="d")
    st.caption("how to read " * 20)
with right:
    st.plotly_chart(figure, key="e")
    st.caption("how to read " * 20)
st.download_button("csv", "t,x\\n" * 100, file_name="a.csv", key="csv")
st.caption("csv help")
"""


async def reruns(port: int, pid: int, seeds: list[int]) -> tuple[float, int]:
    """(server CPU seconds, reruns) for one student rerunning with each seed in turn."""
    student = load.Student(f"ws://127.0.0.1:{port}/_stcore/stream", random.Random(0), load.Stats())
    import websockets

    async with websockets.connect(student.url, subprotocols=["streamlit"], max_size=None, proxy=None) as ws:
        student.ws = ws
        reader = asyncio.create_task(student._read())
        try:
            await student._rerun(record=False)  # the page load: learns the widgets' ids
            if "seed" not in student.widgets:
                raise RuntimeError("no seed slider on this page")
            cpu0 = load.cpu_seconds(pid)
            for seed in seeds:
                student.values["seed"] = seed
                await student._rerun(record=True)
            cpu = load.cpu_seconds(pid) - cpu0
        finally:
            reader.cancel()
    if student.stats.errors:
        raise RuntimeError(f"errors while measuring: {student.stats.errors}")
    return cpu, len(seeds)


def measure(script: Path, seeds_warm: list[int], seeds: list[int], log) -> float:
    """ms of server CPU per rerun of `script` over `seeds`, after one pass over `seeds_warm`.

    The server runs in the script's folder, so that a checkout's own .streamlit/config.toml applies.
    """
    port = load.free_port()
    cmd = [sys.executable, "-m", "streamlit", "run", str(script), "--server.headless=true"]
    cmd += [f"--server.port={port}", "--server.address=127.0.0.1", "--server.fileWatcherType=none"]
    cmd += ["--browser.gatherUsageStats=false", "--runner.postScriptGC=false"]
    proc = subprocess.Popen(cmd, cwd=script.parent, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait_healthy(port, proc)
        if seeds_warm:
            asyncio.run(reruns(port, proc.pid, seeds_warm))
        cpu, count = asyncio.run(reruns(port, proc.pid, seeds))
    finally:
        load.stop_server(proc)
    return 1000 * cpu / count


def _wait_healthy(port: int, proc: subprocess.Popen) -> None:
    import urllib.request

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("streamlit exited early")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                if r.read().strip() == b"ok":
                    return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError("streamlit did not become healthy")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--reruns", type=int, default=150)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--also",
        type=Path,
        metavar="CHECKOUT",
        help="another checkout of this repository (e.g. an earlier commit, from `git worktree add`): its flow page too",
    )
    args = parser.parse_args(argv)
    n = args.reruns
    cached = [i % 2 for i in range(n)]  # seeds 0 and 1, both computed during the warm-up
    uncached = list(range(100, 100 + n))  # a seed no earlier rerun used
    with tempfile.TemporaryDirectory() as tmp, open(Path(tmp) / "server.log", "w") as log:
        floor, elements = Path(tmp) / "floor.py", Path(tmp) / "elements.py"
        floor.write_text(FLOOR_SCRIPT)
        elements.write_text(ELEMENTS_SCRIPT)
        cases = [
            ("floor (bare Streamlit, one slider)", floor, cached),
            ("the flow page's elements, constant", elements, cached),
            ("flow page, cached", REPO_ROOT / "app.py", cached),
            ("flow page, uncached", REPO_ROOT / "app.py", uncached),
        ]
        if args.also is not None:
            other = args.also.resolve() / "app.py"
            cases += [(f"{args.also.name}: flow page, cached", other, cached)]
            cases += [(f"{args.also.name}: flow page, uncached", other, uncached)]
        rounds: dict[str, list[float]] = {name: [] for name, _, _ in cases}
        for _ in range(args.rounds):
            for name, script, seeds in cases:
                rounds[name].append(measure(script, [0, 1], seeds, log))
    print(f"server CPU per rerun: {n} reruns per row and round, {args.rounds} rounds (one student, no think time)")
    for name, values in rounds.items():
        low, mid, high = min(values), statistics.median(values), max(values)
        print(f"  {name:44s} {mid:6.1f} ms   (rounds {low:.1f} to {high:.1f})")


if __name__ == "__main__":
    main()
