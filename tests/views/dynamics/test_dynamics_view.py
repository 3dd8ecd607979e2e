"""The dynamics view: its report against the core, the click rule, the budget caps, the page under AppTest."""

from __future__ import annotations

import math

import numpy as np
import pytest

import bptt_core as bc
from explorer.dynamics import compute, report
from explorer.dynamics.panels import selected_setting
from explorer.shared.settings import ProblemSettings


def test_the_horizon_is_the_steps_for_a_tenfold_change():
    problem = bc.Problem(steps=200, hidden=6, rho=0.5, activation="linear", init="orthogonal")
    ex = report.exponents(problem, "rnn", 3)
    np.testing.assert_allclose(ex.exponents, np.log10(0.5), atol=1e-9)  # every exponent of 0.5 * orthogonal
    assert ex.horizon == pytest.approx(1 / abs(np.log10(0.5)))
    assert ex.log10_rho == pytest.approx(np.log10(0.5)) and ex.bound == pytest.approx(np.log10(0.5))
    assert ex.growth == pytest.approx(np.log10(0.5), abs=1e-6)


def test_the_lstm_map_covers_its_two_h_state():
    problem = bc.Problem(steps=12, hidden=3)
    infl = report.influence(problem, "lstm")
    assert infl.log10.shape == (13, 13)
    assert np.all(np.diag(infl.log10) == 0) and np.isnan(infl.log10[0, 5])
    model, result = problem.run("lstm")
    np.testing.assert_allclose(infl.log10[-1], bc.jacobian_log10_norms(model, result, ord=2)[0], atol=1e-9)
    assert report.exponents(problem, "lstm", 8).exponents.size == 6  # k capped at the state size 2H


def test_the_phase_report_marks_the_nearest_cell_and_the_mean_field_edge():
    phase = report.phase("tanh", "gaussian", 8, 0, 8)
    assert phase.lambda1.shape == (8, 8) and phase.mean_field
    row, col = report.nearest_cell(phase, 1.0, 1.0)
    assert abs(phase.rhos[col] - 1.0) <= (phase.rhos[1] - phase.rhos[0]) / 2 + 1e-12
    assert np.isfinite(phase.edge).any()
    assert not report.phase("relu", "identity", 8, 0, 8).mean_field


def test_a_click_snaps_to_the_sidebar_grids():
    from explorer.shared.settings import specs

    steps = {key: spec.step for _, key, spec, _ in specs(ProblemSettings) if key in ("rho", "xs")}
    clicked = {"rho": 1.23456, "xs": 0.7771}
    values = selected_setting({"selection": {"points": [{"x": clicked["rho"], "y": clicked["xs"]}]}})
    for key, step in steps.items():  # on the slider's grid, within half a step of the click
        assert abs(values[key] - clicked[key]) <= step / 2 + 1e-12
        assert abs(values[key] / step - round(values[key] / step)) < 1e-9
    assert selected_setting({"selection": {"points": []}}) is None and selected_setting(None) is None


def test_budget_caps_grow_with_the_size():
    big = ProblemSettings(steps=2000, hidden=256)
    assert compute.influence_steps(big, "lstm") < compute.influence_steps(big, "rnn") < 2000
    assert compute.influence_steps(ProblemSettings(steps=300, hidden=64), "rnn") == 300
    assert compute.influence_rank(100, 32) == 32 and compute.influence_rank(2000, 32) == compute.MIN_RANK
    assert compute.phase_grid_size(big, 40) < 40 and compute.phase_grid_size(ProblemSettings(), 40) == 40
    pairs = compute.influence_steps(big, "rnn") ** 2 / 2
    assert math.isfinite(pairs)


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_page_runs(pages, lang):
    at = pages.run("dynamics", lang=lang, T="40", H="8")
    pages.assert_healthy(at)
    assert len(at.get("plotly_chart")) == 3 and len(at.metric) == 4


@pytest.mark.parametrize(
    "params",
    [
        {"dcell": "evil", "lyk": "1e309", "grid": "-4"},
        {"dcell": "lstm", "lyk": "8", "grid": "40", "T": "30", "H": "4"},
        {"rho": "0", "T": "20", "H": "4"},  # every product zero: lambda_1 = -inf, said in words
        {"act": "linear", "rho": "4", "T": "300", "H": "4"},  # products far beyond float64
        {"T": "1", "H": "1", "dcell": "gru"},
        {"T": "2000", "H": "256", "grid": "40"},  # budget caps, announced
    ],
)
def test_edge_and_hostile_links(pages, params):
    at = pages.run("dynamics", **params)
    pages.assert_healthy(at)
