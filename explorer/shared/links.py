"""Links: every setting lives in the URL; a bad link value is replaced and named in a notice.

What is computed, what a widget shows and what the address bar carries are one value:
- Number and toggle widgets are bound to the URL (bind="query-params") under their field's key.
  Before a widget is first drawn in a session, the raw link value is parsed with the field's
  spec. On the first run of a session Streamlit seeds a bound widget from the raw URL text
  whatever session state says (docs/streamlit.md, "URL-bound widgets"), so a replaced value
  (rounded to the slider's step, clamped, invalid) is written back through st.session_state
  after one rerun: then the widget, the computation and the URL carry the replacement.
- Choice widgets are not bound (a bound choice writes its displayed, translated label into the
  URL): keep_in_url() writes their language-independent token into the URL on every run. The
  same goes for `v` and for controls a presentation link hides: Streamlit drops unbound query
  parameters on a page switch, so they are written again on every run.
"""

from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st
from streamlit.errors import StreamlitAPIException

from explorer.shared.fields import url_text
from explorer.shared.settings import LINK_VERSION, VERSION_KEY, specs

_CHECKED = "_link_checked_keys"
_NOTICES = "_link_notices"
_REPLACED = "_link_replaced"  # {key: value} replaced this run: written back after one rerun
_WRITE_BACK = "_link_write_back"
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
            _notices().append((key, raw[-1][:40], url_text(parsed.value), parsed.reason))
            write_to_url(key, parsed.value, default)
            replace_after_rerun({key: parsed.value})


def write_to_url(key: str, value, default) -> None:
    """The replacement into the address bar at once (and into the query string the rerun seeds widgets from)."""
    try:
        keep_in_url(key, value, default)
    except StreamlitAPIException:  # a key already bound to a drawn widget: session state decides
        pass


def replace_after_rerun(values: dict[str, object]) -> None:
    """Give these widget keys these values from the next run on (see rerun_if_replaced)."""
    st.session_state.setdefault(_REPLACED, {}).update(values)


def write_back() -> None:
    """First thing of every run, before any widget: the values replaced in the run before."""
    for key, value in (st.session_state.pop(_WRITE_BACK, None) or {}).items():
        st.session_state[key] = value


def rerun_if_replaced() -> None:
    """Rerun at once when this run replaced link values, so that write_back() hands them to the widgets.

    Called right after widgets are drawn. On a session's first run a bound widget takes the raw
    URL text whatever session state holds (0.913 on a 0.01-step slider); check_link has already
    written the replacement into the URL, which the rerun's widgets are seeded from, and
    write_back() puts it into session state, which wins over the first run's value. Each key is
    checked once per session, so this reruns at most once per link key.
    """
    replaced = st.session_state.pop(_REPLACED, None)
    if replaced:
        st.session_state.setdefault(_WRITE_BACK, {}).update(replaced)
        st.rerun()


def keep_in_url(key: str, value, default) -> None:
    """Write an unbound setting's token into the URL (left out when it equals the default)."""
    text = url_text(value)
    current = st.query_params.get_all(key)
    if value == default:
        if current:
            del st.query_params[key]
    elif current != [text]:
        st.query_params[key] = text


def drop_unknown_keys(known: set[str]) -> None:
    """Remove keys no page knows (once per session) and stamp the link version (on every run)."""
    if not st.session_state.get("_unknown_checked"):
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
    # v is not a widget: Streamlit drops it on a page switch unless it is written again.
    if st.query_params.get_all(VERSION_KEY) != [LINK_VERSION]:
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
    return url_text(value)


def link_query(classes) -> dict[str, str]:
    """The current view's query: v, then every setting that differs from its default."""
    query = {VERSION_KEY: LINK_VERSION}
    for cls in classes:
        for _, key, _, default in specs(cls):
            value = st.session_state.get(key, default)
            if value != default:
                query[key] = url_text(value)
    return query


def share_link(t, classes) -> None:
    """The current view's link, in a code box with Streamlit's copy icon."""
    base = st.context.url or ""
    st.caption(t("link.copy"))
    st.code(f"{base}?{urlencode(link_query(classes))}", language=None, wrap_lines=True)
    st.caption(t("link.reproduces"))
