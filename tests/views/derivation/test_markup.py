"""Item 9 of issue 10: no raw markup shown as text in the gated, truncation, clipping and derivation catalogues.

Mathematics renders: KaTeX between $...$ in Streamlit markdown, Unicode or Plotly's <sub>/<sup> in chart
text. Outside those, a subscript "_", a caret "^", a norm "||" or "sqrt(" would reach the reader raw.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
VIEWS = ("gated", "truncation", "clipping", "derivation")
CODE_TOKENS = ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0", "load_state_dict")
RAW = re.compile(r"[A-Za-z0-9)]_[A-Za-z0-9({]|\^|\|\||sqrt\(|<-")


def visible_text(text: str) -> str:
    """What a reader sees as plain characters: math, HTML sub/sup and code tokens removed."""
    text = re.sub(r"\$[^$]*\$", " ", text)
    text = re.sub(r"<su[bp]>.*?</su[bp]>", " ", text)
    text = re.sub(r"\{[A-Za-z_0-9]+(:[^}]*)?\}", " ", text)  # format fields, filled before display
    for token in CODE_TOKENS:
        text = text.replace(token, " ")
    return text


def catalogue(view: str, lang: str) -> dict[str, str]:
    return json.loads((ROOT / "explorer" / view / "locales" / f"{lang}.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("view", VIEWS)
def test_no_raw_markup(view, lang):
    raw = {}
    for key, text in catalogue(view, lang).items():
        if ".eq." in key:  # st.latex bodies: LaTeX by construction
            continue
        found = RAW.findall(visible_text(text))
        if found:
            raw[key] = found
    assert not raw, raw


@pytest.mark.parametrize("view", VIEWS)
def test_korean_says_gradient_as_giulgi(view):
    texts = catalogue(view, "ko").values()
    assert not [t for t in texts if "그래디언트" in t]


def test_dollar_signs_pair_up():
    for view in VIEWS:
        for lang in ("en", "ko"):
            for key, text in catalogue(view, lang).items():
                assert text.count("$") % 2 == 0, (view, lang, key)
