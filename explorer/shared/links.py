"""Links: every setting lives in the URL; a bad link value is replaced and named in a notice.

Every widget is bound to the URL (bind="query-params") under its field's key, so a link
reproduces the view. Before a widget is first drawn in a session, the raw link value is parsed
with the field's spec: a bad value is replaced by a valid one through st.session_state and named
in a notice (Streamlit alone would drop it silently and fall back to the default).
See docs/streamlit.md for the measured behaviour of bound widgets.
"""

from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st

from explorer.shared.settings import LINK_VERSION, VERSION_KEY, specs

_CHECKED = "_link_checked_keys"
_NOTICES = "_link_notices"
MAX_LISTED_UNKNOWN = 5


def _notices() -> list[tuple[str, str, str, str]]:
    return st.session_state.setdefault(_NOTICES, [])


def check_link(cls) -> None:
    """Parse, once per session, the link's values for cls's fields; fix bad ones."""
    checked: set = st.session_state.setdefault(_CHECKED, set())
    for _, key, spec, default in specs(cls):
        if key in checked:
            continue
        checked.add(key)
        raw = st.query_params.get_all(key)
        if not raw:
            continue
        parsed = spec.parse(raw[-1], default)  # a repeated key: the last one wins
        # Always through session state, valid values too: one parser for every widget kind.
        st.session_state[key] = parsed.value
        if parsed.reason is not None:
            _notices().append((key, raw[-1][:40], str(parsed.value), parsed.reason))
            try:  # keep Streamlit's own URL parser away from it (seed=1e309 crashes number_input)
                del st.query_params[key]
            except Exception:  # noqa: BLE001 - a bound key already registered: session state wins anyway
                pass


def drop_unknown_keys(known: set[str]) -> None:
    """Remove keys no page knows (once per session) and stamp the link version."""
    if st.session_state.get("_unknown_checked"):
        return
    st.session_state["_unknown_checked"] = True
    unknown = [k for k in st.query_params.keys() if k not in known and k != VERSION_KEY]
    for key in unknown:
        del st.query_params[key]
    if unknown:
        listed = ", ".join(k[:20] for k in unknown[:MAX_LISTED_UNKNOWN])
        _notices().append(("?", listed, "", "unknown_key"))
    version = st.query_params.get(VERSION_KEY)
    if version not in (None, LINK_VERSION):
        _notices().append((VERSION_KEY, version[:20], LINK_VERSION, "version"))
    st.query_params[VERSION_KEY] = LINK_VERSION


def show_notices(t, settings) -> None:
    """One short warning naming every value the link carried that was replaced.

    Shown until the user changes a setting (then the link is no longer the cause).
    """
    notices = _notices()
    first_seen = st.session_state.setdefault("_notice_settings", settings)
    if first_seen != settings:
        notices.clear()
    if notices:
        lines = [t(f"link.reason.{reason}", key=key, raw=raw, value=value) for key, raw, value, reason in notices]
        st.warning(t("link.replaced") + "\n\n" + "\n".join(f"- {line}" for line in lines))


def _url_value(value) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def share_link(t, classes) -> None:
    """The current view's link, in a code box with Streamlit's copy icon."""
    query = {VERSION_KEY: LINK_VERSION}
    for cls in classes:
        for _, key, _, default in specs(cls):
            value = st.session_state.get(key, default)
            if value != default:
                query[key] = _url_value(value)
    base = st.context.url or ""
    st.caption(t("link.copy"))
    st.code(f"{base}?{urlencode(query)}", language=None, wrap_lines=True)
    st.caption(t("link.reproduces"))
