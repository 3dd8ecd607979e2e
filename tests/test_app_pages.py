"""Every page runs under AppTest with no exception; its charts hold finite numbers only."""

import base64
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
PAGES = ["views/gradient_flow.py"]


def decode(value):
    """Plotly 7 stores arrays as {'dtype', 'bdata'} (base64)."""
    if isinstance(value, dict) and "bdata" in value:
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
    return value


def numbers_in(obj):
    if isinstance(obj, dict):
        if "bdata" in obj:
            yield from decode(obj).astype(float).ravel()
            return
        for value in obj.values():
            yield from numbers_in(value)
    elif isinstance(obj, list):
        for value in obj:
            yield from numbers_in(value)
    elif isinstance(obj, (int, float)) and not isinstance(obj, bool):
        yield float(obj)


def run(page: str | None = None, **params) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if page is not None:
        at.switch_page(page)
        at.run()
    return at


def assert_healthy(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    charts = at.get("plotly_chart")
    assert charts, "no chart drawn"
    import json

    for chart in charts:
        spec = json.loads(chart.proto.spec)
        values = np.fromiter(numbers_in(spec["data"]), float)
        assert np.all(np.isfinite(values)), "non-finite number in a figure"


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("lang", ["en", "ko"])
def test_page_runs_with_defaults(page, lang):
    assert_healthy(run(page, lang=lang))


@pytest.mark.parametrize(
    "params",
    [
        {"act": "linear", "rho": "1.5", "T": "2000", "H": "4"},  # forward overflow
        {"act": "relu", "rho": "3", "T": "1500", "H": "8", "xs": "5"},
        {"rho": "0"},  # W_h = 0: products exactly zero
        {"T": "1"},
        {"act": "sigmoid", "rho": "3", "init": "orthogonal", "place": "last", "loss": "mse"},
    ],
)
def test_flow_page_extreme_settings(params):
    assert_healthy(run(None, **params))
