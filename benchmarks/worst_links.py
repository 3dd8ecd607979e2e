"""The most expensive links each page admits: wall time of one uncached rerun.

    python benchmarks/worst_links.py

Issue target: no link keeps the server busy for more than about a second. Each case
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
    ("views/gradient_flow.py", {"T": "2000", "H": "256", "band": "true"}),
    ("views/gradient_flow.py", {"T": "2000", "H": "64", "band": "true", "act": "sigmoid", "init": "orthogonal"}),
    ("views/gradient_flow.py", {"T": "2000", "H": "1", "act": "relu"}),
    ("views/gated_cells.py", {"T": "2000", "H": "256"}),
    ("views/gated_cells.py", {"T": "2000", "H": "16"}),
    ("views/truncation.py", {"T": "2000", "H": "256"}),
    ("views/truncation.py", {"T": "2000", "H": "64", "tr": "randomized", "nseeds": "50"}),
    ("views/clipping.py", {"T": "2000", "H": "256", "iters": "300"}),
    ("views/derivation.py", {"dT": "6", "dH": "3"}),
]


def main() -> None:
    for seed, (page, params) in enumerate(CASES, start=100):
        at = AppTest.from_file(APP, default_timeout=120)
        for key, value in {**params, "seed": str(seed)}.items():
            at.query_params[key] = value
        if page != "views/gradient_flow.py":
            at.run()  # the default page first (not timed), then the page itself
            at.switch_page(page)
        start = time.perf_counter()
        at.run()
        elapsed = time.perf_counter() - start
        status = "exception!" if at.exception else "ok"
        print(f"{page:26s} {elapsed:5.2f} s  {status}  {params}", flush=True)


if __name__ == "__main__":
    main()
