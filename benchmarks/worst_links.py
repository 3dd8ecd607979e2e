"""The most expensive setting each page offers: wall time of one uncached rerun at its range's corner.

    python benchmarks/worst_links.py

Target: at most 2 s here for every page (issue 13). Each page's T and H sliders stop at its range
(explorer/<view>/settings.py, ranges); the corner is read from there, for every option that narrows
it, so this script follows the ranges when they change. A link asking for more is lowered to the
corner (the last rows check that: they ask for T = 2000, H = 256 and must cost the same).
Each case runs the page under AppTest (in-process, so the time includes AppTest's own overhead)
with a seed no other case uses, so the core's caches cannot answer.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as scripts/run_app.sh serves it

from streamlit.testing.v1 import AppTest  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from anywhere

from explorer.registry import VIEWS  # noqa: E402
from explorer.shared.settings import ProblemSettings, specs  # noqa: E402

APP = str(Path(__file__).resolve().parent.parent / "app.py")
VIEW = {view.name: view for view in VIEWS}
# (page, the options of its worst setting as link keys): the corner's T and H are added from its range.
OPTIONS = [
    ("flow", {}),
    ("flow", {"band": "true"}),
    ("flow", {"cmp": "1", "rho2": "1.10"}),
    ("flow", {"cmp": "1", "cell2": "lstm"}),
    ("flow", {"cmp": "1", "cell2": "lstm", "band": "true"}),
    ("flow", {"T": "2000", "H": "1", "act": "relu"}),
    ("gated", {}),
    ("truncation", {"tr": "randomized", "nseeds": "50"}),
    ("truncation", {}),
    ("clipping", {"iters": "300"}),
    ("derivation", {"dT": "6", "dH": "3"}),
    ("dynamics", {"dcell": "lstm", "lyk": "8", "grid": "40"}),
    ("dynamics", {"dcell": "gru", "lyk": "8", "grid": "40"}),
    ("dynamics", {"dcell": "rnn", "lyk": "8", "grid": "40"}),
    # links past the ranges: lowered to the corner, so they cost what the corner costs
    ("gated", {"T": "2000", "H": "256"}),
    ("flow", {"T": "2000", "H": "256", "band": "true"}),
    # last: the training lab's page starts its race in a background thread, which would load the
    # cases after it; the rerun itself is what is timed here
    ("training", {"lag": "200", "units": "128", "its": "5000", "batch": "128", "gru": "true"}),
]


def settings_from(cls, options: dict[str, str]):
    """A settings instance from link keys, parsed as a link is."""
    values = {}
    for name, key, spec, default in specs(cls):
        if key in options:
            values[name] = spec.parse(options[key], default).value
    return cls(**values)


def corner(page: str, options: dict[str, str]) -> dict[str, str]:
    """options with T and H at the page's range for them (unless the options name T and H themselves)."""
    if "T" in options:
        return options
    view = VIEW[page]
    problem = ProblemSettings(band=options.get("band") == "true")
    extra = [settings_from(cls, options) for cls in view.settings]
    span = view.ranges(problem, *extra)
    return {"T": str(span.steps), "H": str(span.hidden), **options}


def main() -> None:
    for seed, (page, options) in enumerate(OPTIONS, start=100):
        params = corner(page, options)
        page = f"explorer/{page}/page.py"
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
