"""The frame of the app: the shared sidebar, then st.navigation over the page registry.

`streamlit run app.py` (the repository's root app.py calls main()) or `bptt-explorer`.
The shared sidebar (language, preset, presentation mode and the problem's settings) is drawn
here, once, before the page runs: its widgets stay alive across page switches and keep the URL.
Pages live in explorer/<view>/page.py, never in a folder named pages/ (docs/streamlit.md,
"The pages/ pitfall").
"""

from __future__ import annotations

import streamlit as st

from explorer.registry import ALL_SETTINGS, VIEWS
from explorer.shared import layout, links, widgets
from explorer.shared.settings import CommonSettings, ProblemSettings, url_keys


def main() -> None:
    links.write_back()  # values a link carried that were replaced in the run before (links.py)
    links.check_link(CommonSettings)
    links.check_link(ProblemSettings)
    presenting = bool(st.session_state.get("present", False))
    st.set_page_config(
        page_title="BPTT explorer",
        page_icon="🔁",
        layout="wide",
        initial_sidebar_state="collapsed" if presenting else "auto",
    )
    t, _ = widgets.language_selector()
    links.drop_unknown_keys(url_keys(*ALL_SETTINGS))
    widgets.apply_linked_preset()
    widgets.keep_show_flag()
    with st.sidebar:
        presenting = widgets.presentation_toggle(t)
        st.header(t("app.settings"))
        preset = widgets.preset_picker(t)
        settings = widgets.draw(ProblemSettings, t)
    layout.frame_style(presenting)
    pages = [
        st.Page(view.page_path, title=t(view.title_key), icon=view.icon, url_path=view.name, default=view.default)
        for view in VIEWS
    ]
    page = st.navigation(pages)
    notices = st.container()  # above the page, filled after it: pages check their own link keys
    if preset:
        st.info(f"**{t(f'preset.{preset}')}** — {t(f'preset.{preset}.explain')}")
    page.run()
    links.rerun_if_replaced()  # keys a page drew by hand (after widgets.draw's own check)
    with notices:
        links.show_notices(t, settings)
    with st.sidebar:
        links.share_link(t, ALL_SETTINGS)


if __name__ == "__main__":  # `streamlit run explorer/app.py` runs this file as __main__
    main()
