"""Korean and English catalogues, for every view at once: same keys, same format fields, every label."""

from __future__ import annotations

import json
import string

import pytest

from explorer.registry import VIEWS
from explorer.shared.i18n import catalogue, catalogue_files
from explorer.shared.settings import CommonSettings, ProblemSettings, specs


def fields(text: str) -> list[str]:
    return sorted(name for _, name, _, _ in string.Formatter().parse(text) if name is not None)


def test_english_and_korean_have_the_same_keys_and_fields():
    en, ko = catalogue("en"), catalogue("ko")
    assert en.keys() == ko.keys(), sorted(en.keys() ^ ko.keys())
    for key in en:
        assert fields(en[key]) == fields(ko[key]), key
        assert en[key].strip() and ko[key].strip(), key


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_each_view_file_holds_only_its_own_keys(lang):
    for path in catalogue_files(lang):
        owner = path.parent.parent.name
        entries = json.loads(path.read_text(encoding="utf-8"))
        if owner == "shared":
            continue
        stray = [k for k in entries if not (k.startswith(f"{owner}.") or k.startswith("choice."))]
        assert not stray, (path, stray)


def test_every_setting_has_a_label_and_a_help_text_in_both_languages():
    prefixes = {ProblemSettings: "settings"} | {cls: f"{view.name}.settings" for view in VIEWS for cls in view.settings}
    for lang in ("en", "ko"):
        texts = catalogue(lang)
        for cls, prefix in prefixes.items():
            for name, *_ in specs(cls):
                assert f"{prefix}.{name}" in texts and f"{prefix}.{name}.help" in texts, (lang, prefix, name)
    # drawn by the frame with their own labels (explorer/shared/widgets.py)
    assert [name for name, *_ in specs(CommonSettings)] == ["lang", "preset", "present", "show"]


def test_every_view_has_a_navigation_title():
    for lang in ("en", "ko"):
        for view in VIEWS:
            assert view.title_key in catalogue(lang), (lang, view.name)
