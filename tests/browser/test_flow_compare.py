"""The flow view in a real Chromium: a compare link draws both settings' curves; screenshots at
1024 px in the light and the dark theme and at 390 px (a phone) for the eye.

Streamlit scrolls inside its own container, so a full-page screenshot holds only the viewport:
the viewports are tall enough for the whole page. Saved under test-output/browser/:
flow_compare_1024_light.png, flow_compare_1024_dark.png, flow_phone_390.png, flow_edges_390_dark.png.
"""

from __future__ import annotations

import pytest

from tests.browser.harness import wait_idle

COMPARE = "/?cmp=1&rho2=1.1&T=60&H=8"
PLOTS = ".js-plotly-plot"


def chart_traces(page) -> list[dict]:
    """Per chart: its title and the names and point counts of its traces, read from Plotly's own data."""
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(div => ({
            title: (div.layout && div.layout.title && div.layout.title.text) || '',
            width: div.getBoundingClientRect().width,
            traces: (div._fullData || []).map(tr => ({name: tr.name || '', n: tr._length || 0}))
        }))"""
    )


def load(page, url: str) -> None:
    """Open url and wait until its charts are drawn (on a phone the sidebar's sliders are hidden)."""
    page.goto(url)
    page.wait_for_selector(PLOTS, timeout=150_000)  # a loaded 2-core machine: minutes
    wait_idle(page, timeout=60_000)
    page.wait_for_timeout(800)  # Plotly draws after the element appears
    wait_idle(page)


def clipped_titles(page) -> list[str]:
    """Chart titles whose drawn text runs past their chart's right edge (or under the modebar)."""
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('.js-plotly-plot')).flatMap(div => {
            const box = div.getBoundingClientRect();
            const title = div.querySelector('.gtitle');
            if (!title) return [];
            const t = title.getBoundingClientRect();
            return (t.left < box.left - 1 || t.right > box.right + 1) ? [title.textContent] : [];
        })"""
    )


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_compare_link_shows_both_curves(server, browser, output_dir, scheme):
    context = browser.new_context(viewport={"width": 1024, "height": 4200}, color_scheme=scheme)
    context.set_default_timeout(30_000)
    try:
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        load(page, server.url(COMPARE))
        charts = chart_traces(page)
        grad = next(c for c in charts if "gradient" in c["title"].lower())
        jac = next(c for c in charts if "Jacobian" in c["title"])
        for chart in (grad, jac):
            names = [tr["name"] for tr in chart["traces"] if tr["n"] > 0]
            assert any("A: ρ = 0.9" in n for n in names) and any("B: ρ = 1.1" in n for n in names), names
        assert len([tr for tr in grad["traces"] if tr["n"] == 60]) == 4
        page.screenshot(path=str(output_dir / f"flow_compare_1024_{scheme}.png"), full_page=True)
        legend = page.evaluate("() => Array.from(document.querySelectorAll('.legendtext')).map(e => e.textContent)")
        assert any("B: ρ = 1.1" in text for text in legend), legend  # drawn in the legend, not only in the data
        assert not errors, errors
    finally:
        context.close()


@pytest.mark.parametrize(
    "name, link, scheme",
    [("flow_phone_390", "/?cmp=1&cell2=lstm&T=60&H=8", "light"), ("flow_edges_390_dark", "/?T=1&H=4&lang=ko", "dark")],
)
def test_phone_width_keeps_chart_titles_inside_their_charts(server, browser, output_dir, name, link, scheme):
    context = browser.new_context(
        viewport={"width": 390, "height": 7000}, device_scale_factor=2, is_mobile=True, color_scheme=scheme
    )
    context.set_default_timeout(30_000)
    try:
        page = context.new_page()
        load(page, server.url(link))
        page.screenshot(path=str(output_dir / f"{name}.png"), full_page=True)
        assert not clipped_titles(page)
    finally:
        context.close()
