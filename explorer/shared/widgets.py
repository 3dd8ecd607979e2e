"""Streamlit widgets drawn from settings classes: one widget per field, its value in the URL.

Numbers and toggles are URL-bound widgets (bind="query-params"). Choice widgets show their
options' names in the UI language (catalogue keys choice.<token>) and are NOT bound: a bound
choice widget writes its displayed label into the URL (docs/streamlit.md, "URL-bound widgets"),
which would make links depend on the language. links.keep_in_url writes their token instead.
A presentation link's `show=` flag draws only the named controls; the others keep their values.
"""

from __future__ import annotations

import streamlit as st

from explorer.shared import links
from explorer.shared.fields import BoolField, ChoiceField, FloatField, IntField
from explorer.shared.i18n import translator
from explorer.shared.presets import PRESET_NAMES, preset
from explorer.shared.settings import CommonSettings, ProblemSettings, specs

key_of = {name: key for name, key, _, _ in specs(ProblemSettings)}
COMMON = {name: (key, spec, default) for name, key, spec, default in specs(CommonSettings)}
# Settings that change what is computed (band only adds a band to a chart): a preset holds while these match.
PRESET_FIELDS = tuple(name for name in key_of if name != "band")


def shown_keys() -> set[str] | None:
    """The URL keys a presentation link's `show=` flag keeps visible; None: every control."""
    text = st.session_state.get(COMMON["show"][0], "")
    return set(text.split(",")) if text else None


def keep_show_flag() -> None:
    """The `show=` flag has no widget: written into the URL again on every run (page switches drop it)."""
    key, _, default = COMMON["show"]
    links.keep_in_url(key, st.session_state.get(key, default), default)


def is_shown(key: str) -> bool:
    shown = shown_keys()
    return shown is None or key in shown


def choice_label(t, token: str) -> str:
    """An option's name in the UI language (catalogue key choice.<token>), the token if none."""
    name = t(f"choice.{token}")
    return token if name == f"choice.{token}" else name


def _hand_token_to_widget(t, key: str, options, default) -> None:
    """Before a translated choice widget is drawn: give it its token again on a first draw or a new language.

    The browser sends a choice widget's displayed label back; after a language switch that label
    is no longer an option, so the widget kept showing the old language's name (measured) and a
    callback could fire with a label for a value. Setting the token from here resets both.
    """
    value = st.session_state.get(key, default)
    lang_key = f"_choice_lang_{key}"
    if value not in options or st.session_state.get(lang_key) != t.lang:
        st.session_state[key] = value if value in options else default
    st.session_state[lang_key] = t.lang


def _draw_choice(t, spec: ChoiceField, label: str, key: str, default: str, help_text: str) -> str:
    widget = st.radio if spec.widget == "radio" else st.selectbox
    _hand_token_to_widget(t, key, spec.options, default)
    value = widget(label, spec.options, format_func=lambda o: choice_label(t, o), key=key, help=help_text)
    links.keep_in_url(key, value, default)
    return value


def within(key: str, spec: IntField, limit: int, default: int) -> IntField:
    """spec with its maximum lowered to limit; a value above it (a link, a page switch) set to limit.

    The value asked for is remembered: on a page whose range holds it again, a slider nobody moved in
    between gets it back (a class goes from the flow view at H = 256 to the gated view and back).
    """
    narrowed = IntField(spec.lo, min(spec.hi, limit), spec.widget)
    value = st.session_state.get(key, default)
    asked, lowered_to = st.session_state.get(f"_asked_{key}", (None, None))
    if value != lowered_to:  # moved since, or never lowered: nothing to give back
        st.session_state.pop(f"_asked_{key}", None)
    elif asked <= narrowed.hi:
        st.session_state.pop(f"_asked_{key}", None)
        value = asked
    if value > narrowed.hi:
        st.session_state[f"_asked_{key}"] = (asked if value == lowered_to else value, narrowed.hi)
        st.session_state.setdefault(CLAMPED, []).append((key, value, narrowed.hi))
        value = narrowed.hi
    # Always through session state: the slider's identity includes its maximum, so on a page with
    # another range it is a new widget, which takes its value from here.
    st.session_state[key] = value
    return narrowed


def _draw_ranged(spec: IntField, label: str, key: str, default: int, help_text: str) -> int:
    """A slider whose maximum depends on the page: not bound to the URL, written into it instead.

    A bound widget with a new maximum is seeded from the URL (which may hold a value above it, so
    Streamlit drops it) and does not write a value set through session state back into the URL; an
    unbound one takes session state's value, and links.keep_in_url writes it on every run.
    """
    value = st.slider(label, spec.lo, spec.hi, step=1, key=key, help=help_text)
    links.keep_in_url(key, value, default)
    return value


CLAMPED = "_range_clamped"  # [(url key, value asked, value used)] of this run: the frame names them


def draw(cls, t, prefix: str = "settings", limits: dict[str, int] | None = None, limit_note: str = ""):
    """Draw one widget per field of cls (those a `show=` link keeps); return the settings instance.

    limits: {field: maximum} for integer fields, the page's range (explorer/shared/ranges.py);
    limit_note: a caption saying why, drawn under the last of those sliders.
    """
    links.check_link(cls)
    values = {}
    for name, key, spec, default in specs(cls):
        ranged = bool(limits) and name in limits
        if ranged:
            spec = within(key, spec, limits[name], default)
        if not is_shown(key):  # hidden by a presentation link: the link's value, still in the URL
            values[name] = st.session_state.get(key, default)
            links.keep_in_url(key, values[name], default)
            continue
        label, help_text = t(f"{prefix}.{name}"), t(f"{prefix}.{name}.help")
        common = dict(key=key, bind="query-params", help=help_text)
        if ranged:
            values[name] = _draw_ranged(spec, label, key, default, help_text)
            if limit_note and name == list(limits)[-1]:
                st.caption(limit_note)
        elif isinstance(spec, IntField) and spec.widget == "number":
            values[name] = st.number_input(label, spec.lo, spec.hi, default, 1, **common)
        elif isinstance(spec, IntField):
            values[name] = st.slider(label, spec.lo, spec.hi, default, 1, **common)
        elif isinstance(spec, FloatField):
            values[name] = st.slider(label, spec.lo, spec.hi, default, spec.step, **common)
        elif isinstance(spec, ChoiceField):
            values[name] = _draw_choice(t, spec, label, key, default, help_text)
        elif isinstance(spec, BoolField):
            values[name] = st.toggle(label, default, **common)
    links.rerun_if_replaced()
    return cls(**values)


def language_selector():
    """The language choice, itself a bound widget so that links carry it (tokens en/ko). Returns (t, lang)."""
    key, spec, default = COMMON["lang"]
    lang = st.sidebar.radio(
        "Language / 언어",
        spec.options,
        spec.options.index(default),
        captions=["English", "한국어"],
        horizontal=True,
        key=key,
        bind="query-params",
    )
    return translator(lang), lang


def presentation_toggle(t) -> bool:
    """Presentation mode (larger type, captions behind expanders, sidebar collapsed); carried as present=1."""
    key, _, default = COMMON["present"]
    st.session_state.setdefault(key, default)
    value = st.toggle(t("present.label"), key=key, help=t("present.help"))
    links.keep_in_url(key, value, default)
    return value


def preset_values(name: str) -> dict[str, object]:
    """{url key: value} of every shared setting under a preset (defaults + the preset's values)."""
    values = {key: default for attr, key, _, default in specs(ProblemSettings) if attr in PRESET_FIELDS}
    values.update({key_of[attr]: v for attr, v in preset(name).values.items()})
    return values


def preset_holds(name: str) -> bool:
    """True while every shared setting still equals the preset's value."""
    defaults = {key: default for _, key, _, default in specs(ProblemSettings)}
    return all(st.session_state.get(key, defaults[key]) == value for key, value in preset_values(name).items())


def _apply_preset() -> None:
    """on_change of the preset picker: write every shared setting (defaults + preset)."""
    name = st.session_state.get(COMMON["preset"][0])
    st.session_state.pop("_preset_left", None)
    if name in PRESET_NAMES:  # never a label: see _hand_token_to_widget
        for key, value in preset_values(name).items():
            st.session_state[key] = value


def apply_linked_preset() -> None:
    """A link's preset=<name> sets the preset's values for every shared setting the link does not name."""
    key = COMMON["preset"][0]
    if st.session_state.get("_preset_link_checked"):
        return
    st.session_state["_preset_link_checked"] = True
    name = st.session_state.get(key, "")
    if name:
        named = set(st.query_params.keys())
        defaults = {k: default for _, k, _, default in specs(ProblemSettings)}
        for k, v in preset_values(name).items():
            if k not in named:  # before any widget is drawn: no URL value to seed these widgets from
                st.session_state[k] = v
                links.write_to_url(k, v, defaults[k])


def preset_picker(t) -> str:
    """Classroom presets: one choice sets several controls and so the URL; returns the preset that holds.

    The preset is carried in the link (preset=<name>) while the settings still equal its values;
    once a control moves away from it, the key and the explanation go, and a caption says so.
    """
    key, spec, default = COMMON["preset"]
    _hand_token_to_widget(t, key, spec.options, default)
    name = st.session_state.get(key, default)
    if name and not preset_holds(name):
        st.session_state["_preset_left"] = name
        st.session_state[key] = name = ""
    if is_shown(key):
        name = st.selectbox(
            t("preset.label"),
            ("", *PRESET_NAMES),
            format_func=lambda n: t(f"preset.{n}") if n else t("preset.none"),
            key=key,
            help=t("preset.help"),
            on_change=_apply_preset,
        )
    left = st.session_state.get("_preset_left")
    if left and not name:
        st.caption(t("preset.left", name=t(f"preset.{left}")))
    links.keep_in_url(key, name, default)
    return name
