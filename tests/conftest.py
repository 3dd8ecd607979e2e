"""Helpers shared by every test, as fixtures: no test module imports another.

- `num`: random problems, centred finite differences, relative error (core tests);
- `pages`: run a view of the real app.py under AppTest with link parameters, check it is
  healthy (no exception, finite chart data), decode Plotly 7's base64 arrays.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

import bptt_core as bc

REPO_ROOT = Path(__file__).resolve().parent.parent
APP = str(REPO_ROOT / "app.py")


class Numerics:
    """Random problems and finite differences for gradient checks."""

    @staticmethod
    def problem(n: int, steps: int, d: int, k: int, loss: str, seed: int = 0):
        """Random inputs (N, T, D) and targets for the named loss."""
        rng = np.random.default_rng(seed)
        xs = rng.standard_normal((n, steps, d))
        if loss == "cross_entropy":
            return xs, rng.integers(0, k, size=(n, steps))
        return xs, rng.standard_normal((n, steps, k))

    @staticmethod
    def numeric_grads(model, xs, targets, eps: float = 1e-6, **kwargs) -> dict[str, np.ndarray]:
        """Centred finite differences of bptt(...).loss for every parameter (an independent check of backward)."""
        grads = {}
        for name, w in model.params().items():
            g = np.zeros_like(w)
            for idx in np.ndindex(w.shape):
                old = w[idx]
                w[idx] = old + eps
                up = bc.bptt(model, xs, targets, **kwargs).loss
                w[idx] = old - eps
                down = bc.bptt(model, xs, targets, **kwargs).loss
                w[idx] = old
                g[idx] = (up - down) / (2 * eps)
            grads[name] = g
        return grads

    @staticmethod
    def rel_error(a: np.ndarray, b: np.ndarray) -> float:
        """max |a - b| / max(|a| + |b|) over the array (0 when both vanish)."""
        scale = np.max(np.abs(a) + np.abs(b))
        return 0.0 if scale == 0 else float(np.max(np.abs(a - b)) / scale)


class Pages:
    """Run views of the real app under AppTest and check what they drew."""

    APP = APP

    @staticmethod
    def path(view: str) -> str:
        """A view's page script, relative to app.py (what AppTest.switch_page takes)."""
        return f"explorer/{view}/page.py"

    @staticmethod
    def run(view: str = "flow", **params) -> AppTest:
        """app.py opened with ?params, then switched to the view (the sidebar comes from app.py)."""
        at = AppTest.from_file(APP, default_timeout=60)
        for key, value in params.items():
            at.query_params[key] = value
        at.run()
        if view != "flow":
            at.switch_page(Pages.path(view))
            at.run()
        return at

    @staticmethod
    def decode(value):
        """Plotly 7 stores arrays as {'dtype', 'bdata'} (base64)."""
        if isinstance(value, dict) and "bdata" in value:
            return np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
        return value

    @staticmethod
    def numbers_in(obj):
        if isinstance(obj, dict):
            if "bdata" in obj:
                yield from Pages.decode(obj).astype(float).ravel()
                return
            for value in obj.values():
                yield from Pages.numbers_in(value)
        elif isinstance(obj, list):
            for value in obj:
                yield from Pages.numbers_in(value)
        elif isinstance(obj, (int, float)) and not isinstance(obj, bool):
            yield float(obj)

    @staticmethod
    def chart_specs(at: AppTest) -> list[dict]:
        return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]

    @staticmethod
    def chart_spec(at: AppTest, key: str) -> dict:
        """The Plotly JSON of the chart with this widget key."""
        for chart in at.get("plotly_chart"):
            if chart.proto.id.endswith(key) or key in chart.proto.id:
                return json.loads(chart.proto.spec)
        raise KeyError(key)

    @staticmethod
    def assert_healthy(at: AppTest, charts: bool = True) -> None:
        """No exception; at least one chart (unless charts=False); every chart number finite."""
        assert not at.exception, [e.value for e in at.exception]
        specs = Pages.chart_specs(at)
        if charts:
            assert specs, "no chart drawn"
        for spec in specs:
            values = np.fromiter(Pages.numbers_in(spec["data"]), float)
            assert np.all(np.isfinite(values)), "non-finite number in a figure"


@pytest.fixture(scope="session")
def num() -> type[Numerics]:
    return Numerics


@pytest.fixture(scope="session")
def pages() -> type[Pages]:
    return Pages
