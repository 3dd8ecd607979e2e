"""Test entry for the gated-cells page: app.py's language and sidebar, with this page alone.

Used by tests/test_gated_page.py until app.py lists the page; mirrors app.py line by line.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from ui import widgets  # noqa: E402
from ui.settings import ALL_SETTINGS, FlowSettings, url_keys  # noqa: E402
from ui.settings_gated import GatedSettings  # noqa: E402

t, lang = widgets.language_selector()
widgets.drop_unknown_keys(url_keys(*ALL_SETTINGS, GatedSettings))
with st.sidebar:
    st.header(t("app.settings"))
    settings = widgets.draw(FlowSettings, t)

page = st.navigation(
    [st.Page(ROOT / "views" / "gated_cells.py", title=t("nav.gated"), icon="🚪", url_path="gated", default=True)]
)
widgets.show_notices(t, settings)
page.run()
