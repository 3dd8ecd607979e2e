"""BPTT explorer: entry point. `streamlit run app.py`

The shared sidebar (language and the RNN's settings) is drawn here, once, before
the page runs: its widgets stay alive across page switches and keep the URL.
Pages live in views/ (not pages/: a pages/ folder next to app.py switches the
first session after a server start to Streamlit's legacy runner, which loses
the link's parameters on a page switch; see NOTES §3).
"""

import streamlit as st

from ui import widgets
from ui.settings import ALL_SETTINGS, FlowSettings, url_keys

st.set_page_config(page_title="BPTT explorer", page_icon="🔁", layout="wide")

t, lang = widgets.language_selector()
widgets.drop_unknown_keys(url_keys(*ALL_SETTINGS))
with st.sidebar:
    st.header(t("app.settings"))
    widgets.preset_picker(t)
    settings = widgets.draw(FlowSettings, t)

page = st.navigation(
    [
        st.Page("views/gradient_flow.py", title=t("nav.flow"), icon="📉", url_path="flow", default=True),
        st.Page("views/gated_cells.py", title=t("nav.gated"), icon="🚪", url_path="gated"),
        st.Page("views/truncation.py", title=t("nav.truncation"), icon="✂️", url_path="truncation"),
        st.Page("views/clipping.py", title=t("nav.clipping"), icon="🧗", url_path="clipping"),
        st.Page("views/derivation.py", title=t("derivation.nav"), icon="🧮", url_path="derivation"),
    ]
)
notices = st.container()  # above the page, filled after it: pages check their own link keys
page.run()
with notices:
    widgets.show_notices(t, settings)
with st.sidebar:
    widgets.share_link(t, ALL_SETTINGS)
