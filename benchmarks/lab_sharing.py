"""60 sessions open the same training-lab link while its race runs: how many computations start?

    python benchmarks/lab_sharing.py [-n 60]

Each session is a real run of the app (AppTest, in this process, so they share the server's
job board as sessions of one server do). Prints the jobs started, the time each session took to
draw its first page, and the time until the race finished, against one session alone.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repository's explorer package

from streamlit.testing.v1 import AppTest  # noqa: E402

APP = str(Path(__file__).resolve().parent.parent / "app.py")
LINK = {"lag": "30", "units": "16", "its": "300", "batch": "16"}


def open_session(seed: int) -> tuple[AppTest, float]:
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in {**LINK, "tseed": str(seed)}.items():
        at.query_params[key] = value
    at.run()
    at.switch_page("explorer/training/page.py")
    start = time.perf_counter()
    at.run()
    return at, time.perf_counter() - start


def finished(at: AppTest) -> bool:
    at.run()
    return bool(at.get("download_button"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=60, help="sessions opening the same link")
    args = parser.parse_args()
    from explorer.training.compute import board

    # one session alone, for reference
    start = time.perf_counter()
    alone, _ = open_session(seed=1)
    while not finished(alone):
        time.sleep(0.2)
    alone_seconds = time.perf_counter() - start

    before = board().started_count
    start = time.perf_counter()
    sessions = [open_session(seed=2) for _ in range(args.n)]
    first_draw = [seconds for _, seconds in sessions]
    while not finished(sessions[0][0]):
        for at, _ in sessions[1:]:
            at.run()  # every session keeps watching, as browsers do
        time.sleep(0.2)
    shared_seconds = time.perf_counter() - start
    started = board().started_count - before
    print(f"sessions: {args.n}; computations started: {started}")
    median, worst = 1000 * statistics.median(first_draw), 1000 * max(first_draw)
    print(f"first draw per session: median {median:.0f} ms, max {worst:.0f} ms")
    print(f"race finished after {shared_seconds:.1f} s with {args.n} sessions watching; {alone_seconds:.1f} s alone")


if __name__ == "__main__":
    main()
