"""app.py's body with only the truncation page, for AppTest (tests/test_truncation_page.py).

Mirrors app.py line by line; TruncationSettings is added explicitly until ALL_SETTINGS lists it.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from ui import widgets  # noqa: E402
from ui.settings import ALL_SETTINGS, FlowSettings, url_keys  # noqa: E402
from ui.settings_truncation import TruncationSettings  # noqa: E402

st.set_page_config(page_title="BPTT explorer", page_icon="🔁", layout="wide")

t, lang = widgets.language_selector()
widgets.drop_unknown_keys(url_keys(*ALL_SETTINGS, TruncationSettings))
with st.sidebar:
    st.header(t("app.settings"))
    widgets.preset_picker(t)
    settings = widgets.draw(FlowSettings, t)

page = st.navigation(
    [
        st.Page(
            str(ROOT / "views" / "truncation.py"),
            title=t("nav.truncation"),
            icon="✂️",
            url_path="truncation",
            default=True,
        ),
    ]
)
widgets.show_notices(t, settings)
page.run()
with st.sidebar:
    widgets.share_link(t, (*ALL_SETTINGS, TruncationSettings))
