"""Issue 10, item 12: light and dark themes both work, from the browser's preference or `--theme.base`.

Screenshots of every page in the dark theme go to test-output/browser/dark_*.png: look at them for
chart colours that vanish on the dark background (docs/streamlit.md, "Themes").
"""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import REPO_ROOT
from tests.browser.harness import StreamlitServer, open_page, page_paths

SMALL = "T=40&H=4"
BACKGROUND_JS = "() => getComputedStyle(document.querySelector('[data-testid=stApp]')).backgroundColor"


def luminance(css_colour: str) -> float:
    """Relative brightness 0..1 of an rgb()/rgba() colour."""
    r, g, b = (int(x) for x in re.findall(r"\d+", css_colour)[:3])
    return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255


def background(browser, url: str, scheme: str) -> float:
    ctx = browser.new_context(viewport={"width": 1200, "height": 800}, color_scheme=scheme)
    try:
        page = ctx.new_page()
        open_page(page, url)
        return luminance(page.evaluate(BACKGROUND_JS))
    finally:
        ctx.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_app_follows_the_browser_preference(server, browser, scheme):
    shade = background(browser, server.url(f"/?{SMALL}"), scheme)
    assert (shade < 0.3) if scheme == "dark" else (shade > 0.9), (scheme, shade)


def test_theme_base_dark_wins_over_a_light_browser(browser, output_dir):
    with StreamlitServer(REPO_ROOT, "app.py", ["--theme.base=dark"], output_dir / "server_theme_dark.log") as dark:
        assert background(browser, dark.url(f"/?{SMALL}"), "light") < 0.3


def test_every_page_in_the_dark_theme(server, browser, output_dir):
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, color_scheme="dark")
    try:
        page = ctx.new_page()
        open_page(page, server.url(f"/?{SMALL}"))
        for path in page_paths(page):
            open_page(page, server.url(f"{path}?{SMALL}"))
            page.wait_for_timeout(500)
            assert luminance(page.evaluate(BACKGROUND_JS)) < 0.3, path
            page.screenshot(path=str(output_dir / f"dark{path.replace('/', '_')}.png"), full_page=True)
    finally:
        ctx.close()
