"""Small drawing helpers shared by the views, and the page style the frame injects once per run."""

from __future__ import annotations

import streamlit as st

from explorer.shared.i18n import translate

# Plotly's mode bar sits at the top right, on the title's line; on a phone (390 px, touch: always shown)
# its eight buttons covered every chart title. One button is kept, the PNG download a teacher uses for
# slides (Streamlit's own toolbar adds full screen); zooming needs no button (drag to zoom, double-click
# to reset). Measured at 390 px: tests/browser/test_shared_layout.py.
PLOT_CONFIG = {
    "displaylogo": False,
    "displayModeBar": "hover",
    "modeBarButtons": [["toImage"]],
    "toImageButtonOptions": {"format": "png", "scale": 2},
}

# Streamlit 1.67 draws st.metric's value and label on one line with an ellipsis ("vanishi…"): let them
# wrap instead, and size the value with the viewport so that a six-column row still fits at 1024 px.
# Metrics in a horizontal container (the flow view's row) share its width equally, as columns would,
# and wrap onto a second line only below 4.5rem each (a phone).
METRIC_CSS = """
[data-testid="stMetricValue"], [data-testid="stMetricValue"] * {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
  overflow-wrap: anywhere; line-height: 1.15;
}
[data-testid="stMetricValue"] { font-size: clamp(1.05rem, 1.9vw, 2.1rem) !important; }
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] * {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
}
[data-testid="stHorizontalBlock"] > [data-testid="stElementContainer"]:has(> [data-testid="stMetric"]) {
  flex: 1 1 0 !important; min-width: 4.5rem;
}
"""

# On a phone even one button covers the end of a long title: the mode bar is hidden below 640 px
# (Streamlit's own full-screen button stays; drag to zoom and double-click to reset need no button).
PHONE_CSS = """
@media (max-width: 640px) { .js-plotly-plot .modebar-container { display: none !important; } }
"""

# Presentation mode: larger type for a projector, wider content.
PRESENT_CSS = """
html { font-size: 19px; }
[data-testid="stMainBlockContainer"] { max-width: 100%; padding-left: 2rem; padding-right: 2rem; }
[data-testid="stMetricValue"] { font-size: clamp(1.2rem, 2.3vw, 2.6rem) !important; }
"""


def presenting() -> bool:
    """True in presentation mode (the link's present=1, or the sidebar's toggle)."""
    return bool(st.session_state.get("present", False))


def frame_style(present: bool = False) -> None:
    """The app's CSS, injected once per run by the frame (st.html with only a <style> takes no space)."""
    st.html(f"<style>{METRIC_CSS}{PHONE_CSS}{PRESENT_CSS if present else ''}</style>")


def chart(fig, key: str, how_to_read: str) -> None:
    """A figure with its 'how to read' caption underneath (behind an expander in presentation mode)."""
    st.plotly_chart(fig, width="stretch", config=PLOT_CONFIG, key=key)
    if presenting():
        lang = st.session_state.get("lang", "en")
        with st.expander(translate(lang, "layout.how_to_read")):
            st.caption(how_to_read)
    else:
        st.caption(how_to_read)
