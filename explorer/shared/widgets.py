"""Streamlit widgets drawn from settings classes: one URL-bound widget per field."""

from __future__ import annotations

import streamlit as st

from explorer.shared.fields import BoolField, ChoiceField, FloatField, IntField
from explorer.shared.i18n import translator
from explorer.shared.links import check_link
from explorer.shared.presets import PRESET_NAMES, preset
from explorer.shared.settings import CommonSettings, ProblemSettings, specs

key_of = {name: key for name, key, _, _ in specs(ProblemSettings)}


def _choice_kwargs(t, spec: ChoiceField) -> dict:
    """Choice widgets show their option tokens, which are also what the URL carries.

    Streamlit writes a bound choice widget's *formatted label* into the URL and reads it
    back the same way, so a translated format_func would put "ReLU" or "한국어" in links
    and break them across languages. The translated names go into radio captions instead.
    """
    if spec.widget == "radio":
        return dict(captions=[t(f"choice.{o}") for o in spec.options], horizontal=False)
    return {}


def draw(cls, t, prefix: str = "settings"):
    """Draw one URL-bound widget per field of cls; return the settings instance."""
    check_link(cls)
    values = {}
    for name, key, spec, default in specs(cls):
        label, help_text = t(f"{prefix}.{name}"), t(f"{prefix}.{name}.help")
        common = dict(key=key, bind="query-params", help=help_text)
        if isinstance(spec, IntField) and spec.widget == "number":
            values[name] = st.number_input(label, spec.lo, spec.hi, default, 1, **common)
        elif isinstance(spec, IntField):
            values[name] = st.slider(label, spec.lo, spec.hi, default, 1, **common)
        elif isinstance(spec, FloatField):
            values[name] = st.slider(label, spec.lo, spec.hi, default, spec.step, **common)
        elif isinstance(spec, ChoiceField):
            widget = st.radio if spec.widget == "radio" else st.selectbox
            index = spec.options.index(default)
            values[name] = widget(label, spec.options, index, **_choice_kwargs(t, spec), **common)
        elif isinstance(spec, BoolField):
            values[name] = st.toggle(label, default, **common)
    return cls(**values)


def language_selector():
    """The language choice, itself a bound widget so that links carry it. Returns t."""
    check_link(CommonSettings)
    _, key, spec, default = specs(CommonSettings)[0]
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


def _apply_preset(defaults: dict[str, object]) -> None:
    """on_change of the preset picker: write every shared setting (defaults + preset)."""
    name = st.session_state.get("preset")
    if not name:
        return
    values = {**defaults, **{key_of[attr]: v for attr, v in preset(name).values.items()}}
    for key, value in values.items():
        st.session_state[key] = value


def preset_picker(t) -> None:
    """Classroom presets: one choice sets several controls and so the URL."""
    defaults = {key: default for _, key, _, default in specs(ProblemSettings)}
    name = st.selectbox(
        t("preset.label"),
        ("", *PRESET_NAMES),
        format_func=lambda n: t(f"preset.{n}") if n else t("preset.none"),
        key="preset",
        help=t("preset.help"),
        on_change=_apply_preset,
        args=(defaults,),
    )
    if name:
        st.caption(t(f"preset.{name}.explain"))


