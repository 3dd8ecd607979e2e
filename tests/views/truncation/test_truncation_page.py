"""The truncation view: its report (explorer/truncation/report.py) and the page under AppTest."""

from __future__ import annotations

import numpy as np
import pytest

from bptt_core import Problem
from bptt_core.truncation import Chunked, path_mask, truncated_grads
from explorer.shared.settings import ProblemSettings
from explorer.truncation.compute import page_steps, pair_step_limit
from explorer.truncation.report import (
    agreement_ks,
    agreement_report,
    chosen_report,
    run_sequence,
    spread_report,
)
from explorer.truncation.settings import TRUNCATION_RANGE

SMALL = Problem(steps=6, hidden=3, rho=0.9, seed=1)
SMALL_LINK = {"T": "12", "H": "4"}  # keeps each AppTest run short


def rel_err(a, b) -> float:
    return float(np.max(np.abs(a - b)) / max(np.max(np.abs(a) + np.abs(b)), 1e-300))


# ---------------------------------------------------------------- core aggregation


def test_run_sequence_gradients_match_finite_differences(num):
    run = run_sequence(SMALL)
    numeric = num.numeric_grads(run.model, *SMALL.sequence())
    for name, value in run.result.grads.items():
        assert rel_err(value, numeric[name]) < 1e-6, name


def test_run_sequence_shortens_until_gradients_are_finite():
    run = run_sequence(Problem(steps=2000, hidden=4, rho=3.0, activation="linear", input_scale=5.0))
    assert 1 <= run.steps < 2000
    assert all(np.all(np.isfinite(g)) for g in run.result.grads.values())


def test_agreement_ks_are_distinct_and_span_one_to_t():
    for steps in (1, 2, 7, 200):
        ks = agreement_ks(steps)
        assert ks[0] == 1 and ks[-1] == steps and np.all(np.diff(ks) > 0) and len(ks) <= 12


def test_chunked_k_ge_t_is_the_full_gradient_and_tbptt_kk_is_chunked():
    full = chosen_report(SMALL, "chunked", SMALL.steps, 1, 1, 1.0, with_pairs=True)
    assert full.cosine == pytest.approx(1.0, abs=1e-12) and full.relative_error < 1e-12
    assert full.kept_fraction == 1.0
    chunk = chosen_report(SMALL, "chunked", 2, 1, 1, 1.0, with_pairs=False)
    tbptt = chosen_report(SMALL, "tbptt", 9, 2, 2, 1.0, with_pairs=False)
    assert chunk.cosine == pytest.approx(tbptt.cosine) and chunk.relative_error == pytest.approx(tbptt.relative_error)
    assert np.array_equal(chunk.contributions.kept, path_mask(Chunked(2), SMALL.steps))
    assert chunk.contributions.log10_pair is None
    assert chunk.kept_fraction == pytest.approx(9 / 21)  # three 2x2 lower triangles of 3 paths each


def test_agreement_and_spread_reports_are_finite_and_consistent():
    report = agreement_report(SMALL, kind="chunked")
    run = run_sequence(SMALL)
    cos_k2 = report["agreement"]["cosine"]["all"][list(report["ks"]).index(2)]
    grads = truncated_grads(run.model, run.result, Chunked(2))
    flat = np.concatenate([np.ravel(grads[n]) for n in run.model.param_names])
    ref = np.concatenate([np.ravel(run.result.grads[n]) for n in run.model.param_names])
    assert cos_k2 == pytest.approx(flat @ ref / np.linalg.norm(flat) / np.linalg.norm(ref))
    spread = spread_report(SMALL, pi=1.0, seeds=3, k=2)  # pi = 1: every estimate is exact
    assert np.all(spread["spread"]["relative_error"] < 1e-12)
    assert spread["chunked_error"] == pytest.approx(report["agreement"]["relative_error"]["all"][1])


def test_budget_caps_steps_and_pair_norms():
    assert page_steps(ProblemSettings()) == 100  # defaults: untouched
    assert page_steps(ProblemSettings(steps=200, hidden=128)) == 200  # the range's corner: all of it
    assert page_steps(ProblemSettings(steps=2000, hidden=256)) < 100  # past the range: the guard
    assert pair_step_limit(256) < pair_step_limit(32) <= 256
    assert pair_step_limit(TRUNCATION_RANGE.hidden) >= TRUNCATION_RANGE.steps  # per-path norms: the whole range


# ---------------------------------------------------------------- the page


@pytest.fixture
def view(pages):
    """view(**params): the truncation view opened with a link."""
    return lambda **params: pages.run("truncation", **params)


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_page_runs_with_defaults(pages, view, lang):
    at = view(lang=lang)
    pages.assert_healthy(at)
    assert (
        len(at.get("plotly_chart")) == 7
    )  # agreement (cosine, error), step terms, path mask, timeline, randomized (2)


@pytest.mark.parametrize(
    "params",
    [
        {"tr": "bogus", "k": "abc", "k1": "nan", "k2": "1e309", "pi": "-5", "nseeds": "1e309"},
        {"tr": "randomized", "pi": "0.05", "nseeds": "-5", "k": "-5"},
        {"tr": "tbptt", "k1": "1e309", "k2": "1", "lang": "ko"},
        {"act": "linear", "rho": "3", "T": "2000", "H": "4", "xs": "5"},  # shortened to finite gradients
        {"T": "1", "H": "1", "tr": "tbptt"},
        {"rho": "0", "tr": "randomized"},
    ],
)
def test_page_survives_hostile_links(pages, view, params):
    pages.assert_healthy(view(**{**SMALL_LINK, **params}))


def test_link_values_reach_the_computation(pages, view):
    at = view(**SMALL_LINK, tr="chunked", k="3")
    pages.assert_healthy(at)
    kept = path_mask(Chunked(3), 12)
    expected = f"{100 * kept.sum() / (12 * 13 / 2):.1f} %"
    assert [m.value for m in at.metric][2] == expected
    at = view(**SMALL_LINK, tr="randomized", pi="0.3", nseeds="7")
    pages.assert_healthy(at)
    assert any("0.3" in c.value and "7" in c.value for c in at.caption)
