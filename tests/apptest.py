"""Run a page of the real app.py under AppTest, with link parameters."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "app.py")
DEFAULT_PAGE = "views/gradient_flow.py"


def run_page(page: str = DEFAULT_PAGE, **params) -> AppTest:
    """app.py opened with ?params, then switched to page (the sidebar comes from app.py)."""
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if page != DEFAULT_PAGE:
        at.switch_page(page)
        at.run()
    return at
