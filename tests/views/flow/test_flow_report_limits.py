"""The flow report where float64 runs out (issue 10, items 4 and 5).

MSE on an exploding linear RNN: h_t stays finite (10^180) but (o_t - y_t)^2 does not, so the
plain-float64 gradients are inf/NaN. The report must still give every step's gradient; it is
checked against an independent brute force in Python's Decimal (no float64 range limit).
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal, getcontext

import numpy as np
import pytest

from bptt_core import Problem
from explorer.flow.report import MIN_RATE_STEPS, _gradient_curves, gradient_flow


def _dec(a: np.ndarray):
    return [[Decimal(float(v)) for v in row] for row in np.atleast_2d(a)]


def _matvec(m, v):
    return [sum((mij * vj for mij, vj in zip(row, v, strict=True)), Decimal(0)) for row in m]


def _transpose(m):
    return [list(col) for col in zip(*m, strict=True)]


def _log10_norm(v) -> float:
    return float((sum((x * x for x in v), Decimal(0))).sqrt().log10())


def decimal_linear_mse_curves(problem: Problem) -> dict[str, np.ndarray]:
    """log10 ||dL/dh_t||, ||dL_T/dh_t|| and ||dL/da_t|| ||h_{t-1}|| for a linear RNN with MSE at every step.

    Written from the equations, in Decimal: h_t = W_h h_{t-1} + W_x x_t + b_h, o_t = W_y h_t + b_y,
    L = 1/2 sum_t ||o_t - y_t||^2, dL/dh_t = W_y^T (o_t - y_t) + W_h^T dL/dh_{t+1} (f' = 1).
    """
    getcontext().prec = 40
    model = problem.model()
    xs, ys = problem.sequence()
    w_h, w_x, w_y = _dec(model.W_h), _dec(model.W_x), _dec(model.W_y)
    b_h, b_y = _dec(model.b_h)[0], _dec(model.b_y)[0]
    w_h_t, w_y_t = _transpose(w_h), _transpose(w_y)
    h = [Decimal(0)] * len(b_h)
    hs, outs = [h], []
    for t in range(problem.steps):
        x = _dec(xs[0, t])[0]
        h = [a + b + c for a, b, c in zip(_matvec(w_h, h), _matvec(w_x, x), b_h, strict=True)]
        hs.append(h)
        o = [a + b for a, b in zip(_matvec(w_y, h), b_y, strict=True)]
        outs.append([oi - Decimal(float(yi)) for oi, yi in zip(o, ys[0, t], strict=True)])
    total, last, weight = [], [], []
    carry = [Decimal(0)] * len(b_h)
    carry_last = [Decimal(0)] * len(b_h)
    for t in range(problem.steps, 0, -1):
        direct = _matvec(w_y_t, outs[t - 1])
        carry = [a + b for a, b in zip(direct, _matvec(w_h_t, carry), strict=True)]
        carry_last = direct if t == problem.steps else _matvec(w_h_t, carry_last)
        total.append(_log10_norm(carry))
        last.append(_log10_norm(carry_last))
        h_prev = hs[t - 1]
        weight.append(_log10_norm(carry) + _log10_norm(h_prev) if any(h_prev) else -np.inf)
    return {"total": np.array(total[::-1]), "last": np.array(last[::-1]), "weight": np.array(weight[::-1])}


def test_mse_with_an_overflowing_readout_loss_still_has_every_gradient():
    """The case of the issue (/?loss=mse&act=linear&rho=4&T=300): the gradient curves were empty."""
    problem = Problem(steps=300, hidden=3, rho=4.0, activation="linear", loss="mse")
    report = gradient_flow(problem, with_band=False)
    assert not np.isfinite(report.loss)  # the loss itself overflows: 10^360
    assert report.overflow_step is None and report.grad_limit is None and report.grad_steps == 300
    exact = decimal_linear_mse_curves(problem)
    assert exact["total"].max() > 300  # far outside float64: a real test of the log domain
    np.testing.assert_allclose(report.grad_total, exact["total"], rtol=0, atol=1e-9)
    np.testing.assert_allclose(report.grad_last, exact["last"], rtol=0, atol=1e-9)
    np.testing.assert_array_equal(np.isfinite(report.weight_terms), np.isfinite(exact["weight"]))
    keep = np.isfinite(exact["weight"])
    np.testing.assert_allclose(report.weight_terms[keep], exact["weight"][keep], rtol=0, atol=1e-9)


def test_mse_after_a_forward_overflow_shows_the_defined_prefix():
    """/?loss=mse&act=linear&rho=4&T=2000: h_t overflows; every gradient before it is a number."""
    report = gradient_flow(Problem(steps=2000, hidden=4, rho=4.0, activation="linear", loss="mse"), with_band=False)
    assert report.overflow_step is not None and report.grad_limit in ("forward", "readout")
    assert report.overflow_step - 2 <= report.grad_steps <= report.overflow_step - 1  # o_t may overflow a step earlier
    assert report.grad_steps > 100
    assert np.all(np.isfinite(report.grad_total)) and np.all(np.isfinite(report.grad_last))
    assert np.all(np.isfinite(report.weight_terms[1:]))  # t = 1: h_0 = 0, an exact zero


def test_a_readout_that_overflows_before_the_state_stops_the_gradients_there():
    """o_t = W_y h_t can leave float64 while h_t is finite: the curves cover the steps before it."""
    problem = Problem(steps=60, hidden=4, rho=4.0, activation="linear", loss="cross_entropy")
    model = problem.model()
    model.W_y = model.W_y * 1e290  # o_t overflows once |h_t| passes about 10^18
    result = problem.backprop(model)
    assert result.overflow_step is None and not np.all(np.isfinite(result.outputs))
    steps, total, last, weight, _, limit, readout_step = _gradient_curves(problem, model, result)
    first_bad = int(np.argmax(~np.all(np.isfinite(result.outputs[0]), axis=-1))) + 1
    assert limit == "readout" and readout_step == first_bad and steps == first_bad - 1
    assert np.all(np.isfinite(total)) and np.all(np.isfinite(last))


def test_cross_entropy_and_mse_agree_on_the_jacobians():
    a = gradient_flow(Problem(steps=300, hidden=3, rho=4.0, activation="linear", loss="mse"), with_band=False)
    b = gradient_flow(replace(Problem(steps=300, hidden=3, rho=4.0, activation="linear")), with_band=False)
    np.testing.assert_array_equal(a.jac_spectral, b.jac_spectral)


@pytest.mark.parametrize("steps", [1, 2, 3])
def test_no_measured_verdict_from_fewer_than_the_minimum_steps(steps):
    report = gradient_flow(Problem(steps=steps, hidden=4, rho=0.9), with_band=False)
    assert report.verdict.kind == "undecided" and report.verdict.rule == "too_short" and not report.has_rate


def test_the_pascanu_bound_decides_at_any_length():
    report = gradient_flow(Problem(steps=1, hidden=4, rho=0.3, activation="sigmoid"), with_band=False)
    assert report.verdict.rule == "pascanu_sufficient" and report.verdict.kind == "vanishing"


def test_verdict_from_enough_steps_is_unchanged():
    report = gradient_flow(Problem(steps=MIN_RATE_STEPS, hidden=4, rho=0.9), with_band=False)
    assert report.verdict.kind != "undecided"


def test_edge_reasons_are_in_the_report():
    zero_w = gradient_flow(Problem(steps=20, hidden=4, rho=0.0), with_band=False)
    assert zero_w.jac_zero_from == 1 and zero_w.spectrum.sigma_max == 0.0
    no_input = gradient_flow(Problem(steps=20, hidden=4, input_scale=0.0), with_band=False)
    assert no_input.weight_zero == no_input.weight_zero_h == 20  # h_{t-1} = 0 at every step
    default = gradient_flow(Problem(steps=20, hidden=4), with_band=False)
    assert default.weight_zero == default.weight_zero_h == 1  # t = 1 only: h_0 = 0


def test_the_lstm_report_uses_the_2h_state():
    report = gradient_flow(Problem(steps=30, hidden=5), with_band=True, cell="lstm")
    assert report.cell == "lstm" and report.spectrum is None and report.gamma is None
    assert report.jac_frobenius[-1] == pytest.approx(0.5 * np.log10(10))  # ||I_{2H}||_F = sqrt(2H)
    assert report.verdict.rule == "measured_rate_lstm" and np.all(np.isfinite(report.grad_total))
