"""Items 5, 13, 14 of issue 10 on /derivation: one notation throughout, two kinds of "step", edge settings."""

from __future__ import annotations

import re

import numpy as np
import pytest

from explorer.shared.i18n import translate

STANDARD_ONLY = re.compile(r"\b(L_|h_|W_h|W_x|W_y)")
COURSE_ONLY = re.compile(r"\b(E_|s_)")


def shown_texts(at) -> list[str]:
    """Markdown, captions, headers and radio labels of the page, minus the note that names both notations."""
    note = {translate(lang, "derivation.notation_note") for lang in ("en", "ko")}
    elements = [*at.markdown, *at.caption, *at.header, *at.subheader]
    texts = [e.value for e in elements if e.value not in note]
    return texts + [r.label for r in at.radio]


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("step", ["0", "3", "8"])
def test_course_notation_never_mixes_in_the_standard_names(pages, lang, step):
    at = pages.run("derivation", notation="course", step=step, lang=lang)
    pages.assert_healthy(at)
    mixed = [text for text in shown_texts(at) if STANDARD_ONLY.search(text)]
    assert not mixed, mixed


def test_standard_notation_never_mixes_in_the_course_names(pages):
    at = pages.run("derivation", notation="standard", step="3")
    mixed = [text for text in shown_texts(at) if COURSE_ONLY.search(text)]
    assert not mixed, mixed


@pytest.mark.parametrize(
    ("lang", "backward", "time"), [("en", "Backward step", "Time step t ="), ("ko", "역전파", "시점 t =")]
)
def test_backward_steps_and_time_steps_are_named_apart(pages, lang, backward, time):
    at = pages.run("derivation", step="2", lang=lang)
    stepper = next(m.value for m in at.markdown if m.value.startswith("**"))
    assert stepper.startswith(f"**{backward}")  # "Backward step 3 of 19", never a bare "Step 3"
    sentence = next(m.value for m in at.markdown if m.value.startswith(time))
    assert sentence.startswith(f"{time} 3")  # the time step the edge belongs to


EDGES = [dict(dT="2", dH="1"), dict(dT="6", dH="3"), dict(dT="2", dH="1", dseed="0", dplace="all")]


@pytest.mark.parametrize("edge", EDGES, ids=lambda e: "&".join(f"{k}={v}" for k, v in e.items()))
def test_edge_settings_draw_every_chart(pages, edge):
    at = pages.run("derivation", **edge)
    pages.assert_healthy(at)
    for key in ("derivation_warmup", "derivation_graph", "derivation_shrink"):
        spec = pages.chart_spec(at, key)
        ys = [np.asarray(pages.decode(d.get("y", [])), float) for d in spec["data"]]
        assert sum(int(np.isfinite(y).sum()) for y in ys) > 0, key


def test_long_equations_are_broken_into_rows():
    for lang in ("en", "ko"):
        for key in ("derivation.eq.warmup_chain", "derivation.eq.warmup_update", "derivation.eq.total_W_h_last.course"):
            assert "\\\\" in translate(lang, key), key
