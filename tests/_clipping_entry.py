"""Test entry for the clipping page: app.py's body with only this page (and its settings known)."""

import streamlit as st

from ui import widgets
from ui.settings import ALL_SETTINGS, FlowSettings, url_keys
from ui.settings_clipping import ClippingSettings

st.set_page_config(page_title="BPTT explorer", page_icon="🔁", layout="wide")

t, lang = widgets.language_selector()
widgets.drop_unknown_keys(url_keys(*ALL_SETTINGS, ClippingSettings))
with st.sidebar:
    st.header(t("app.settings"))
    settings = widgets.draw(FlowSettings, t)

page = st.navigation(
    [
        st.Page("views/clipping.py", title=t("nav.clipping"), icon="✂️", url_path="clipping", default=True),
    ]
)
widgets.show_notices(t, settings)
page.run()
