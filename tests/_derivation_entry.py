"""AppTest entry for the Derivation view: app.py's body with only this page in the navigation."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # AppTest runs this file as a script, outside the package
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from ui import widgets  # noqa: E402
from ui.settings import ALL_SETTINGS, FlowSettings, url_keys  # noqa: E402
from ui.settings_derivation import DerivationSettings  # noqa: E402

st.set_page_config(page_title="BPTT explorer", page_icon="🔁", layout="wide")

t, lang = widgets.language_selector()
widgets.drop_unknown_keys(url_keys(*ALL_SETTINGS, DerivationSettings))
with st.sidebar:
    st.header(t("app.settings"))
    settings = widgets.draw(FlowSettings, t)

page = st.navigation(
    [
        st.Page(
            ROOT / "views" / "derivation.py", title=t("derivation.nav"), icon="🧮", url_path="derivation", default=True
        ),
    ]
)
widgets.show_notices(t, settings)
page.run()
