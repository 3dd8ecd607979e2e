"""The frame of the app: st.navigation over the page registry, the shared sidebar, then the page.

`streamlit run app.py` (the repository's root app.py calls main()) or `bptt-explorer`.
The shared sidebar (language, preset, presentation mode and the problem's settings) is drawn
here, once, before the page runs: its widgets stay alive across page switches and keep the URL.
st.navigation comes first, so that the T and H sliders take the range of the page about to run
(explorer/shared/ranges.py).
Pages live in explorer/<view>/page.py, never in a folder named pages/ (docs/streamlit.md,
"The pages/ pitfall").
"""

from __future__ import annotations

import streamlit as st

from explorer.registry import ALL_SETTINGS, VIEWS
from explorer.shared import context, layout, links, widgets
from explorer.shared.ranges import Range
from explorer.shared.settings import CommonSettings, ProblemSettings, url_keys
from explorer.shared.view import View

RANGE_NOTICE = "_range_notice"


def page_range(view: View) -> Range:
    """The range of the page about to run, from the settings as they stand (its link keys checked first)."""
    for cls in view.settings:
        links.check_link(cls)
    return view.ranges(context.read(ProblemSettings), *(context.read(cls) for cls in view.settings))


def show_range_notice(t, view: View, settings: ProblemSettings) -> None:
    """Name the values this page's range replaced, on this page, until a setting changes."""
    clamped = st.session_state.pop(widgets.CLAMPED, None)
    if clamped:
        st.session_state[RANGE_NOTICE] = (view.name, settings, clamped)
    notice = st.session_state.get(RANGE_NOTICE)
    if notice is None:
        return
    name, seen, items = notice
    if seen != settings:
        del st.session_state[RANGE_NOTICE]
    elif name == view.name:
        lines = [t("range.clamped", key=key, asked=asked, value=value) for key, asked, value in items]
        st.warning("\n".join(f"- {line}" for line in lines))


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
    pages = [
        st.Page(view.page_path, title=t(view.title_key), icon=view.icon, url_path=view.name, default=view.default)
        for view in VIEWS
    ]
    page = st.navigation(pages)  # first: the sidebar's sliders take the range of the page about to run
    view = next(v for v, p in zip(VIEWS, pages, strict=True) if p is page)
    span = page_range(view)
    with st.sidebar:
        presenting = widgets.presentation_toggle(t)
        st.header(t("app.settings"))
        preset = widgets.preset_picker(t)
        note = t(span.reason, T=span.steps, H=span.hidden) if span.reason else ""
        settings = widgets.draw(ProblemSettings, t, limits=span.limits(), limit_note=note)
    layout.frame_style(presenting)
    notices = st.container()  # above the page, filled after it: pages check their own link keys
    if preset:
        st.info(f"**{t(f'preset.{preset}')}** — {t(f'preset.{preset}.explain')}")
    page.run()
    links.rerun_if_replaced()  # keys a page drew by hand (after widgets.draw's own check)
    with notices:
        links.show_notices(t, settings)
        show_range_notice(t, view, settings)
    with st.sidebar:
        links.share_link(t, ALL_SETTINGS)


if __name__ == "__main__":  # `streamlit run explorer/app.py` runs this file as __main__
    main()
