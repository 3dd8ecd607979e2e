"""Gated-cells page: its core report equals the direct core calls; the page runs in both languages."""

import numpy as np
import pytest

import bptt_core as bc
from bptt_core import INPUT_SIZE, OUTPUT_SIZE, Problem
from explorer.gated import compute
from explorer.gated.compute import gated_problem
from explorer.gated.report import gated_flow
from explorer.gated.settings import GATED_RANGE
from explorer.shared.settings import ProblemSettings

SMALL = {"T": "30", "H": "4"}  # keeps every AppTest run well under a second


@pytest.fixture
def run(pages):
    """run(lang="en", **params): the gated view opened with a link."""
    return lambda lang="en", **params: pages.run("gated", lang=lang, **params)


# ---------------------------------------------------------------- core


@pytest.mark.parametrize("loss_steps", bc.LOSS_STEPS)
def test_report_equals_direct_core_calls(loss_steps):
    kw = dict(steps=6, hidden=3, rho=0.9, init="orthogonal", input_scale=1.5, seed=4, loss="mse")
    problem = Problem(**kw, activation="tanh", loss_steps=loss_steps)
    report = gated_flow(problem, forget_bias=2.0, update_bias=-1.0)
    # the sequence, rebuilt by hand: inputs and targets from their own seeded generators
    xs = 1.5 * np.random.default_rng([4, 1]).standard_normal((1, 6, INPUT_SIZE))
    targets = np.random.default_rng([4, 2]).standard_normal((1, 6, OUTPUT_SIZE))
    common = dict(spectral_radius=0.9, init="orthogonal", seed=4)
    models = {
        "rnn": bc.init_rnn(INPUT_SIZE, 3, OUTPUT_SIZE, activation="tanh", **common),
        "lstm": bc.init_lstm(INPUT_SIZE, 3, OUTPUT_SIZE, forget_bias=2.0, **common),
        "gru": bc.init_gru(INPUT_SIZE, 3, OUTPUT_SIZE, update_bias=-1.0, **common),
    }
    results = {name: bc.bptt(m, xs, targets, loss="mse", loss_steps=loss_steps) for name, m in models.items()}
    for name, model in models.items():
        result = results[name]
        np.testing.assert_array_equal(report.grad_last[name], bc.log10_gradient_norms(model, result)["last"][0])
        np.testing.assert_array_equal(report.jac_spectral[name], bc.jacobian_log10_norms(model, result, ord=2)[0])
        assert report.loss[name] == result.loss
    for name in ("lstm", "gru"):
        products = bc.log10_gate_products(models[name], results[name])
        np.testing.assert_array_equal(report.gate_max[name], products["max"][0])
        np.testing.assert_array_equal(report.gate_mean[name], products["mean"][0])
    np.testing.assert_array_equal(report.cell_path, bc.cell_path_log10_norms(models["lstm"], results["lstm"])[0])

    # gate values straight from the pre-activations: f = sigmoid(a_f), z = sigmoid(a_z)
    def sigmoid(a):
        return 1.0 / (1.0 + np.exp(-a))

    for name in ("lstm", "gru"):
        gate = sigmoid(results[name].a[0, :, 3:6])  # the second H-block in both cells
        assert report.gate_average[name] == pytest.approx(gate.mean(), rel=1e-12)
    # dh_T/dc_T = o_T * (1 - tanh(c_T)^2), from the last state
    a_o = results["lstm"].a[0, -1, 9:12]
    c_last = results["lstm"].cache.states[0, -1, 3:]
    assert report.lstm_exit == pytest.approx(np.mean(sigmoid(a_o) * (1 - np.tanh(c_last) ** 2)), rel=1e-12)


def test_cell_path_is_the_product_of_forget_gates():
    report = gated_flow(Problem(steps=5, hidden=2, seed=3), forget_bias=4.0)
    # distance 0 is the identity; each step back multiplies by at most 1
    assert report.cell_path[-1] == 0.0
    assert np.all(np.diff(report.cell_path) >= 0)
    assert report.gate_average["lstm"] > 0.9  # sigmoid(4) = 0.982 before the inputs move it


def test_rnn_overflow_keeps_the_defined_prefix():
    report = gated_flow(Problem(steps=2000, hidden=4, activation="linear", rho=1.5, seed=0))
    assert report.rnn_overflow_step is not None
    assert report.grad_steps["rnn"] == report.rnn_overflow_step - 1
    assert report.grad_steps["lstm"] == report.grad_steps["gru"] == 2000
    for curve in (*report.grad_last.values(), report.cell_path, *report.gate_max.values()):
        assert np.all(np.isfinite(curve))


def test_every_h_of_the_range_gets_all_of_t_and_past_it_fewer():
    top = GATED_RANGE.hidden
    for hidden in (1, 4, 32, 64, top):
        assert gated_problem(ProblemSettings(steps=2000, hidden=hidden)).steps == 2000
    past = [gated_problem(ProblemSettings(steps=2000, hidden=hidden)).steps for hidden in (top + 8, 128, 256)]
    assert past == sorted(past, reverse=True) and past[0] < 2000 and past[-1] < past[0]


# ---------------------------------------------------------------- page


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_page_runs_with_defaults(pages, run, lang):
    at = run(lang)
    pages.assert_healthy(at)
    assert len(at.get("plotly_chart")) == 3
    assert at.title[0].value == ("게이트 셀: LSTM과 GRU" if lang == "ko" else "Gated cells: LSTM and GRU")
    assert len(at.caption) >= 3  # a how-to-read caption under every chart


def test_forget_bias_from_the_link_reaches_the_computation(pages, run):
    at = run(fb="3", ub="-2", **SMALL)
    pages.assert_healthy(at)
    assert at.slider(key="fb").value == 3.0 and at.slider(key="ub").value == -2.0
    problem = Problem(steps=30, hidden=4)
    expected = gated_flow(problem, forget_bias=3.0, update_bias=-2.0)
    shown = [m.value for m in at.metric]
    assert f"{expected.gate_average['lstm']:.3f}" in shown
    assert f"{expected.gate_average['gru']:.3f}" in shown
    default = gated_flow(problem)
    assert f"{default.gate_average['lstm']:.3f}" not in shown  # the bias changed the number
    assert "+3.0" in " ".join(m.value for m in at.markdown)


def test_budget_cap_is_announced(pages, run, monkeypatch):
    monkeypatch.setattr(compute, "steps_within", lambda steps, *_: min(steps, 20))  # the guard forced to 20 steps
    at = run(**SMALL)
    pages.assert_healthy(at)
    assert at.info and "20" in at.info[0].value


@pytest.mark.parametrize(
    "params",
    [
        {"act": "linear", "rho": "1.5", "T": "2000", "H": "4", "lang": "ko"},  # the RNN overflows
        {"rho": "0", **SMALL},  # every W_h = 0: products exactly zero
        {"T": "1", "H": "1"},
        {"fb": "10", "ub": "-5", "rho": "3", "init": "identity", **SMALL},
        {"fb": "-5", "ub": "10", "act": "relu", "place": "last", "loss": "mse", **SMALL},
        {"fb": "abc", "ub": "1e400", **SMALL},  # hostile link values
    ],
)
def test_page_extreme_settings(pages, run, params):
    params = dict(params)
    lang = params.pop("lang", "en")
    at = run(lang, **params)
    pages.assert_healthy(at)
    if "ub" in params and params["ub"] == "1e400":
        assert at.slider(key="ub").value == 10.0 and at.slider(key="fb").value == 1.0
