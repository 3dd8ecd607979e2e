"""The flow figures skip plotly's validation for speed: validate them here instead."""

import plotly.graph_objects as go
import pytest

from bptt_core import Problem
from explorer.flow import figures as figs
from explorer.flow.report import gradient_flow
from explorer.shared.i18n import translator

FIGURES = [figs.fig_gradient_norms, figs.fig_jacobian_products, figs.fig_weight_contributions]
FIGURES += [figs.fig_eigenvalues, figs.fig_singular_values]


@pytest.mark.parametrize("make", FIGURES, ids=lambda f: f.__name__)
@pytest.mark.parametrize("band", [False, True])
def test_flow_figures_pass_plotly_validation(make, band):
    report = gradient_flow(Problem(steps=40, hidden=6), with_band=band)
    fig = make(report, translator("ko"))
    go.Figure(fig.to_dict())  # raises on any invalid property


def test_csv_has_one_row_per_step_and_no_nan():
    report = gradient_flow(Problem(steps=30, hidden=4, rho=0.0))
    text = figs.curves_csv(report)
    assert len(text.strip().splitlines()) == 1 + 31 and "nan" not in text.lower() and "inf" not in text.lower()
