"""Small drawing helpers shared by the views."""

from __future__ import annotations

import streamlit as st

PLOT_CONFIG = {"displaylogo": False, "toImageButtonOptions": {"format": "png", "scale": 2}}


def chart(fig, key: str, how_to_read: str) -> None:
    """A figure with its 'how to read' caption underneath."""
    st.plotly_chart(fig, width="stretch", config=PLOT_CONFIG, key=key)
    st.caption(how_to_read)
