"""Test entry for the clipping page: app.py's body with only this page (and its settings known)."""

from pathlib import Path

import streamlit as st

from ui import widgets
from ui.settings import ALL_SETTINGS, FlowSettings, url_keys
from ui.settings_clipping import ClippingSettings

SETTINGS = (*ALL_SETTINGS, ClippingSettings)  # until ALL_SETTINGS lists ClippingSettings
PAGE = Path(__file__).resolve().parent.parent / "views" / "clipping.py"

st.set_page_config(page_title="BPTT explorer", page_icon="🔁", layout="wide")

t, lang = widgets.language_selector()
widgets.drop_unknown_keys(url_keys(*SETTINGS))
with st.sidebar:
    st.header(t("app.settings"))
    widgets.preset_picker(t)
    settings = widgets.draw(FlowSettings, t)

page = st.navigation(
    [
        st.Page(PAGE, title=t("nav.clipping"), icon="✂️", url_path="clipping", default=True),
    ]
)
widgets.show_notices(t, settings)
page.run()
with st.sidebar:
    widgets.share_link(t, SETTINGS)
