"""Korean and English: one catalogue per language, assembled from ui/locales/<lang>/*.json.

Each view owns one JSON file per language with flat keys "<view>.<name>".
Pure Python: figures and tests use translate() without streamlit.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

LOCALES = Path(__file__).parent / "locales"


@cache
def catalogue(lang: str) -> dict[str, str]:
    merged: dict[str, str] = {}
    for path in sorted((LOCALES / lang).glob("*.json")):
        entries = json.loads(path.read_text(encoding="utf-8"))
        clash = merged.keys() & entries.keys()
        if clash:
            raise ValueError(f"{path}: keys defined twice: {sorted(clash)}")
        merged.update(entries)
    return merged


def translate(lang: str, key: str, /, **values) -> str:
    """The text for key in lang, formatted with values; the key itself if missing."""
    text = catalogue(lang).get(key) or catalogue("en").get(key, key)
    return text.format(**values) if values else text


def translator(lang: str):
    """t(key, **values) bound to one language."""

    def t(key: str, /, **values) -> str:
        return translate(lang, key, **values)

    t.lang = lang
    return t
