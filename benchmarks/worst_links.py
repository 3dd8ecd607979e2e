"""The most expensive links each page admits: wall time of one uncached rerun.

    python benchmarks/worst_links.py

Target: no setting the sliders offer takes more than 2 s here (the flow view's corner, T = 2000
at H = 256, is computed in full); links beyond a page's budget compute fewer steps and say so. Each case
runs the page under AppTest (in-process, so the time includes AppTest's own overhead)
with a seed no other case uses, so the core's caches cannot answer.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as scripts/run_app.sh serves it

from streamlit.testing.v1 import AppTest  # noqa: E402

APP = str(Path(__file__).resolve().parent.parent / "app.py")
CASES = [
    ("explorer/flow/page.py", {"T": "2000", "H": "256"}),
    ("explorer/flow/page.py", {"T": "2000", "H": "256", "band": "true"}),
    ("explorer/flow/page.py", {"T": "2000", "H": "64", "band": "true", "act": "sigmoid", "init": "orthogonal"}),
    ("explorer/flow/page.py", {"T": "2000", "H": "1", "act": "relu"}),
    ("explorer/flow/page.py", {"T": "2000", "H": "256", "cmp": "1", "cell2": "lstm"}),
    ("explorer/gated/page.py", {"T": "2000", "H": "256"}),
    ("explorer/gated/page.py", {"T": "2000", "H": "16"}),
    ("explorer/truncation/page.py", {"T": "2000", "H": "256"}),
    ("explorer/truncation/page.py", {"T": "2000", "H": "64", "tr": "randomized", "nseeds": "50"}),
    ("explorer/clipping/page.py", {"T": "2000", "H": "256", "iters": "300"}),
    ("explorer/derivation/page.py", {"dT": "6", "dH": "3"}),
    ("explorer/dynamics/page.py", {"T": "2000", "H": "256", "dcell": "lstm", "lyk": "8", "grid": "40"}),
    ("explorer/dynamics/page.py", {"T": "500", "H": "64", "grid": "40"}),
    ("explorer/dynamics/page.py", {"T": "2000", "H": "32", "grid": "40", "lyk": "8"}),
    # the training lab's page starts its race in the background: the rerun itself is what is timed here
    ("explorer/training/page.py", {"lag": "200", "units": "128", "its": "5000", "batch": "128", "gru": "true"}),
]


def main() -> None:
    for seed, (page, params) in enumerate(CASES, start=100):
        at = AppTest.from_file(APP, default_timeout=120)
        for key, value in {**params, "seed": str(seed)}.items():
            at.query_params[key] = value
        if page != "explorer/flow/page.py":
            at.run()  # the default page first (not timed), then the page itself
            at.switch_page(page)
        start = time.perf_counter()
        at.run()
        elapsed = time.perf_counter() - start
        status = "exception!" if at.exception else "ok"
        print(f"{page:28s} {elapsed:5.2f} s  {status}  {params}", flush=True)


if __name__ == "__main__":
    main()
