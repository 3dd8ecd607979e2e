"""Clicking the phase diagram moves the sidebar's rho and input scale, and the URL with them."""

from __future__ import annotations

from tests.browser.harness import current_query, open_app, read_slider, wait_idle

LINK = "/dynamics?T=40&H=8&grid=12"


def test_a_click_on_the_phase_diagram_moves_the_sidebar_and_the_link(server, probe, output_dir):
    page = probe.page
    open_app(page, server.url(LINK))
    chart = page.locator(".st-key-dynamics_phase")
    chart.scroll_into_view_if_needed()
    drag = chart.locator(".nsewdrag").first
    drag.wait_for(timeout=30_000)
    box = drag.bounding_box()
    page.screenshot(path=str(output_dir / "dynamics_before_click.png"), full_page=True)
    before = current_query(page)
    assert "rho" not in before and "xs" not in before  # the defaults: 0.9 and 1.0
    # A cell near the top right: large rho, large input scale (well away from the default setting).
    page.mouse.click(box["x"] + 0.85 * box["width"], box["y"] + 0.15 * box["height"])
    for _ in range(100):
        query = current_query(page)
        if "rho" in query and "xs" in query:
            break
        page.wait_for_timeout(200)
    wait_idle(page)
    query = current_query(page)
    assert float(query["rho"]) > 2.0 and float(query["xs"]) > 2.0, query
    sidebar = page.get_by_test_id("stSidebarUserContent")
    assert float(read_slider(sidebar, "Spectral radius ρ of W_h")) == float(query["rho"])
    page.screenshot(path=str(output_dir / "dynamics_after_click.png"), full_page=True)
    assert not probe.errors, probe.errors
