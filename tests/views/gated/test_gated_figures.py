"""The gated view's figures draw only finite points and label their axes."""

import numpy as np

from explorer.gated.figures import fig_gate_products, fig_gated_gradients


def test_figures_drop_non_finite_points_and_label_axes():
    lanes = {
        "rnn": {
            "t": np.arange(5),
            "log10": np.array([-np.inf, -3.0, -2.0, np.nan, 0.0]),
        },
        "lstm": {"t": np.arange(5), "log10": np.zeros(5)},
    }
    fig = fig_gated_gradients(lanes, title="T", x_label="X", y_label="Y")
    assert fig.layout.xaxis.title.text == "X" and fig.layout.yaxis.title.text == "Y"
    for trace in fig.data:
        assert np.all(np.isfinite(np.asarray(trace.y, dtype=float)))
    assert list(fig.data[0].x) == [3, 2, 0]  # distance T - t of the finite points
    gates = {
        "lstm": {
            "t": np.arange(4),
            "max": np.array([-1.0, np.inf, -0.5, 0.0]),
            "mean": np.zeros(4),
        }
    }
    fig = fig_gate_products(gates, title="G", x_label="X", y_label="Y")
    for trace in fig.data:
        assert np.all(np.isfinite(np.asarray(trace.y, dtype=float)))
