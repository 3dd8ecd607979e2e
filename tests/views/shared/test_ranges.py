"""Each page's slider range: everything inside is computed in full, a value past it is set to the maximum.

The page's own step count (what its charts cover) is read at the corner of its range for every
option that narrows it; one step of H past the corner, the budget cuts T, so the guard is still there.
How long each corner takes is benchmarks/worst_links.py's business, not a timed test.
"""

from __future__ import annotations

import pytest

from explorer.clipping.compute import clipping_problem
from explorer.dynamics import compute as dynamics
from explorer.dynamics.settings import DynamicsSettings
from explorer.flow.compute import flow_steps
from explorer.flow.settings import FlowSettings
from explorer.gated.compute import gated_problem
from explorer.gated.settings import GatedSettings
from explorer.registry import VIEWS
from explorer.shared.i18n import translate
from explorer.shared.presets import PRESETS
from explorer.shared.ranges import FULL_HIDDEN, FULL_STEPS
from explorer.shared.settings import ProblemSettings, specs
from explorer.truncation.compute import page_steps
from explorer.truncation.settings import TruncationSettings

FLOW_OPTIONS = {
    "plain": (False, FlowSettings()),
    "band": (True, FlowSettings()),
    "compare": (False, FlowSettings(compare=True, rho2="1.10")),
    "lstm": (False, FlowSettings(compare=True, cell2="lstm")),
    "band and lstm": (True, FlowSettings(compare=True, cell2="lstm")),
    "band and compare": (True, FlowSettings(compare=True, act2="relu")),
}
VIEW = {view.name: view for view in VIEWS}


def view_settings(name: str) -> tuple:
    """The view's own settings at their defaults."""
    return tuple(cls() for cls in VIEW[name].settings)


def corner(name: str, problem: ProblemSettings, *extra) -> ProblemSettings:
    span = VIEW[name].ranges(problem, *(extra or view_settings(name)))
    return ProblemSettings(steps=span.steps, hidden=span.hidden, band=problem.band)


@pytest.mark.parametrize("option", FLOW_OPTIONS)
def test_the_flow_view_computes_its_range_in_full(option):
    band, flow = FLOW_OPTIONS[option]
    top = corner("flow", ProblemSettings(band=band), flow)
    assert flow_steps(top, flow) == top.steps == FULL_STEPS
    if top.hidden < FULL_HIDDEN:  # past the range, the budget is the guard
        assert flow_steps(ProblemSettings(steps=FULL_STEPS, hidden=top.hidden + 16, band=band), flow) < FULL_STEPS


def test_the_flow_view_offers_the_sidebars_whole_range_without_options():
    span = VIEW["flow"].ranges(ProblemSettings(), FlowSettings())
    assert (span.steps, span.hidden, span.reason) == (FULL_STEPS, FULL_HIDDEN, "")
    same = FlowSettings(compare=True)  # compare on, nothing differs: nothing more to compute
    assert VIEW["flow"].ranges(ProblemSettings(), same).hidden == FULL_HIDDEN


@pytest.mark.parametrize(
    "name, steps_used",
    [
        ("gated", lambda p: gated_problem(p).steps),
        ("truncation", page_steps),
        ("clipping", lambda p: clipping_problem(p).steps),
        ("dynamics", lambda p: min(dynamics.exponent_steps(p, cell) for cell in ("rnn", "gru", "lstm"))),
    ],
)
def test_every_page_computes_its_range_corner_in_full(name, steps_used):
    top = corner(name, ProblemSettings())
    assert steps_used(top) == top.steps
    if top.hidden < FULL_HIDDEN:
        past = ProblemSettings(steps=top.steps, hidden=FULL_HIDDEN)
        assert steps_used(past) < top.steps


def test_every_default_and_preset_lies_inside_every_range():
    """A preset must never be cut by a page: it would stop holding as soon as the class switches page."""
    for preset in PRESETS:
        problem = ProblemSettings(**preset.values)
        for view in VIEWS:
            span = view.ranges(problem, *view_settings(view.name))
            assert problem.steps <= span.steps and problem.hidden <= span.hidden, (preset.name, view.name)


def test_every_range_stays_inside_the_sliders_and_names_its_reason():
    sliders = {name: spec for name, _, spec, _ in specs(ProblemSettings)}
    settings = {
        "flow": [FlowSettings(compare=True, cell2="lstm")],
        "gated": [GatedSettings()],
        "truncation": [TruncationSettings()],
        "dynamics": [DynamicsSettings()],
    }
    for name, extra in settings.items():
        span = VIEW[name].ranges(ProblemSettings(band=True), *extra)
        assert sliders["steps"].lo <= span.steps <= sliders["steps"].hi
        assert sliders["hidden"].lo <= span.hidden <= sliders["hidden"].hi
        for lang in ("en", "ko"):
            text = translate(lang, span.reason, T=span.steps, H=span.hidden)
            assert text != span.reason and str(span.hidden) in text, (name, lang)


def sidebar_slider(at, key: str):
    return next(s for s in at.sidebar.slider if s.key == key)


def test_a_link_past_a_pages_range_is_set_to_its_maximum_and_computed_in_full(pages):
    top = VIEW["gated"].ranges(ProblemSettings(), GatedSettings())
    at = pages.run("gated", T="2000", H="256")
    pages.assert_healthy(at)
    h = sidebar_slider(at, "H")
    assert (h.value, h.max) == (top.hidden, top.hidden)
    assert at.query_params["H"] == str(top.hidden)
    warnings = " ".join(w.value for w in at.warning)
    assert translate("en", "range.clamped", key="H", asked=256, value=top.hidden) in warnings
    cut = translate("en", "gated.budget", asked=2000, used=1, H=top.hidden, S=2 * top.hidden)
    assert not any(i.value[:20] == cut[:20] for i in at.info)  # no budget notice: all of T computed
    notes = " ".join(c.value for c in at.sidebar.caption)
    assert translate("en", "gated.range", T=top.steps, H=top.hidden) in notes


def test_a_page_switch_lowers_h_and_the_way_back_gives_it_back(pages):
    at = pages.run("flow", H="200")
    at.switch_page(pages.path("truncation"))
    at.run()
    span = VIEW["truncation"].ranges(ProblemSettings(), TruncationSettings())
    assert sidebar_slider(at, "H").value == span.hidden
    at.switch_page(pages.path("flow"))
    at.run()
    assert sidebar_slider(at, "H").value == 200 and not at.warning
    # moved in between: the value the student chose stays
    at.switch_page(pages.path("truncation"))
    at.run()
    sidebar_slider(at, "H").set_value(40)
    at.run()
    at.switch_page(pages.path("flow"))
    at.run()
    assert sidebar_slider(at, "H").value == 40


def test_the_band_toggle_lowers_h_and_turning_it_off_gives_it_back(pages):
    from explorer.flow.settings import BAND_HIDDEN

    at = pages.run("flow", T="50", H="256")
    at.toggle(key="band").set_value(True)
    at.run()
    assert sidebar_slider(at, "H").value == BAND_HIDDEN and sidebar_slider(at, "H").max == BAND_HIDDEN
    assert any("256" in w.value for w in at.warning)
    at.toggle(key="band").set_value(False)
    at.run()
    assert sidebar_slider(at, "H").value == 256 and not at.warning
