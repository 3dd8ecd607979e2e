"""The gated, truncation, clipping and derivation pages in a real Chromium, as a teacher would project them:
1024 px (a projector) and 390 px (a phone), light and dark theme (issue 10, items 8, 12, 13).

Screenshots go to test-output/browser/views_<page>_<width>_<scheme>.png (the viewport is tall enough
for the whole page: Streamlit scrolls inside its own container).
"""

from __future__ import annotations

import pytest

from tests.browser.harness import wait_idle

PLOTS = ".js-plotly-plot"
LINKS = {
    "gated": "/gated?T=40&H=8",
    "truncation": "/truncation?T=20&H=4",
    "clipping": "/clipping?T=40&H=8",
    "derivation": "/derivation?step=3",
}
HEIGHTS = {1024: 6500, 390: 14000}


def load(page, url: str) -> None:
    """Open url and wait until its charts are drawn."""
    page.goto(url)
    page.wait_for_selector(PLOTS, timeout=90_000)
    wait_idle(page, timeout=90_000)
    page.wait_for_timeout(1000)  # Plotly draws after the element appears
    wait_idle(page)


def open_view(browser, server, output_dir, view: str, width: int, scheme: str, lang: str = "en"):
    context = browser.new_context(
        viewport={"width": width, "height": HEIGHTS[width]},
        color_scheme=scheme,
        device_scale_factor=2 if width < 500 else 1,
        is_mobile=width < 500,
    )
    context.set_default_timeout(30_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    load(page, server.url(f"{LINKS[view]}&lang={lang}"))
    page.screenshot(path=str(output_dir / f"views_{view}_{width}_{scheme}_{lang}.png"), full_page=True)
    return context, page, errors


# Text of a chart drawn outside its own chart box, or two chart titles/subplot titles overlapping.
OVERPRINT_JS = """() => {
  const out = [];
  for (const div of document.querySelectorAll('.js-plotly-plot')) {
    const box = div.getBoundingClientRect();
    const titles = Array.from(div.querySelectorAll('.gtitle, .annotation-text'))
      .filter(e => !e.closest('.annotation')?.getAttribute('transform')?.includes('rotate'))
      .map(e => [e.textContent, e.getBoundingClientRect()]).filter(([t, r]) => t.trim() && r.width > 0);
    for (const [text, r] of titles) {
      if (r.left < box.left - 1 || r.right > box.right + 1) out.push('outside: ' + text);
    }
    const heads = titles.filter(([t, r]) => r.top - box.top < 60);
    for (let i = 0; i < heads.length; i++) for (let j = i + 1; j < heads.length; j++) {
      const [a, ra] = heads[i], [b, rb] = heads[j];
      const w = Math.min(ra.right, rb.right) - Math.max(ra.left, rb.left);
      const h = Math.min(ra.bottom, rb.bottom) - Math.max(ra.top, rb.top);
      if (w > 2 && h > 2) out.push('overlap: ' + a + ' / ' + b);
    }
  }
  return out;
}"""

# Block equations wider than the screen that do not scroll inside their own box.
OVERFLOWING_EQUATIONS_JS = """() => Array.from(document.querySelectorAll('.katex-display')).filter(e => {
  const r = e.getBoundingClientRect();
  const scrolls = ['auto', 'scroll'].includes(getComputedStyle(e).overflowX);
  return r.right > window.innerWidth + 1 || (e.scrollWidth > e.clientWidth + 1 && !scrolls);
}).map(e => e.textContent.slice(0, 60))"""

# Metric values and labels cut short (wider than their box, or ending in an ellipsis). As the harness's
# TRUNCATED_METRICS_JS, but SVG children (the help icon) have no innerText.
CUT_METRICS_JS = """() => {
  const cut = [];
  for (const el of document.querySelectorAll('[data-testid="stMetricValue"], [data-testid="stMetricLabel"]')) {
    for (const e of [el, ...el.querySelectorAll('*')]) {
      if (e instanceof SVGElement) continue;
      if (e.scrollWidth > e.clientWidth + 1 || (e.innerText || '').trim().endsWith('…')) {
        cut.push(el.dataset.testid + ': ' + el.innerText.trim()); break;
      }
    }
  }
  return cut;
}"""

# Stroke colours of every drawn line and shape of every chart.
STROKES_JS = """() => Array.from(document.querySelectorAll(
  '.js-plotly-plot path.js-line, .js-plotly-plot .shapelayer path')).map(p => getComputedStyle(p).stroke)"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [1024, 390])
@pytest.mark.parametrize("view", list(LINKS))
def test_view_is_legible(server, browser, output_dir, view, width, scheme):
    context, page, errors = open_view(browser, server, output_dir, view, width, scheme)
    try:
        assert not errors, errors
        assert not page.evaluate(OVERPRINT_JS), page.evaluate(OVERPRINT_JS)
        assert not page.evaluate(OVERFLOWING_EQUATIONS_JS)
        if scheme == "dark":
            black = [s for s in page.evaluate(STROKES_JS) if s in ("rgb(0, 0, 0)", "black")]
            assert not black, black  # a black line vanishes on the dark background
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("view", ["gated", "clipping", "truncation"])
def test_metrics_are_not_cut_at_1024(server, browser, output_dir, view, lang):
    context, page, errors = open_view(browser, server, output_dir, view, 1024, "light", lang)
    try:
        cut = page.evaluate(CUT_METRICS_JS)
        assert not cut, cut
    finally:
        context.close()


def test_warmup_node_labels_are_dark_on_their_white_nodes(server, browser, output_dir):
    context, page, _ = open_view(browser, server, output_dir, "derivation", 1024, "dark")
    try:
        fills = page.evaluate(
            """() => Array.from(document.querySelectorAll('.js-plotly-plot')).slice(0, 1).flatMap(div =>
                 Array.from(div.querySelectorAll('.scatterlayer .textpoint text'))
                   .map(t => getComputedStyle(t).fill))"""
        )
        assert fills and all(f == "rgb(31, 31, 31)" for f in fills), fills
    finally:
        context.close()
