"""Korean and English: one catalogue per language, assembled from explorer/*/locales/<lang>.json.

Each view folder owns one JSON file per language with flat keys "<view>.<name>"; the shared
folder's file holds the sidebar's and the links' texts. Removing a view folder removes its texts.
Pure Python: figures and tests use translate() without streamlit.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

EXPLORER = Path(__file__).resolve().parent.parent


def catalogue_files(lang: str) -> list[Path]:
    """Every catalogue file of one language, shared first, then the views in name order."""
    return sorted(EXPLORER.glob(f"*/locales/{lang}.json"), key=lambda p: (p.parent.parent.name != "shared", str(p)))


@cache
def catalogue(lang: str) -> dict[str, str]:
    merged: dict[str, str] = {}
    for path in catalogue_files(lang):
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
