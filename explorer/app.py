"""The frame of the app: the shared sidebar, then st.navigation over the page registry.

`streamlit run app.py` (the repository's root app.py calls main()) or `bptt-explorer`.
The shared sidebar (language and the problem's settings) is drawn here, once, before the
page runs: its widgets stay alive across page switches and keep the URL. Pages live in
explorer/<view>/page.py, never in a folder named pages/ (docs/streamlit.md, "The pages/ pitfall").
"""

from __future__ import annotations

import streamlit as st

from explorer.registry import ALL_SETTINGS, VIEWS
from explorer.shared import links, widgets
from explorer.shared.settings import ProblemSettings, url_keys


def main() -> None:
    st.set_page_config(page_title="BPTT explorer", page_icon="🔁", layout="wide")
    t, _ = widgets.language_selector()
    links.drop_unknown_keys(url_keys(*ALL_SETTINGS))
    with st.sidebar:
        st.header(t("app.settings"))
        widgets.preset_picker(t)
        settings = widgets.draw(ProblemSettings, t)
    pages = [
        st.Page(view.page_path, title=t(view.title_key), icon=view.icon, url_path=view.name, default=view.default)
        for view in VIEWS
    ]
    page = st.navigation(pages)
    notices = st.container()  # above the page, filled after it: pages check their own link keys
    page.run()
    with notices:
        links.show_notices(t, settings)
    with st.sidebar:
        links.share_link(t, ALL_SETTINGS)


if __name__ == "__main__":  # `streamlit run explorer/app.py` runs this file as __main__
    main()
