"""Figures for the gated-cells view: gradient flow of RNN / LSTM / GRU side by side, and the
running products of the memory gates. Pure functions of arrays (no streamlit).

Values are log10 magnitudes drawn on a linear axis (so 10^-700 stays drawable); points that
are not finite are dropped, never plotted. Text (title, axis labels, legend names) is passed
in already translated.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from explorer.shared.style import LEGEND_BELOW, MARGIN

CELL_COLOURS = {"rnn": "#d62728", "lstm": "#1f77b4", "gru": "#2ca02c"}
_FALLBACK_COLOURS = ("#9467bd", "#8c564b", "#e377c2", "#7f7f7f")
_WEBGL_FROM = 2000  # points per trace from which WebGL is faster than SVG


def _colour(key: str, index: int) -> str:
    return CELL_COLOURS.get(key, _FALLBACK_COLOURS[index % len(_FALLBACK_COLOURS)])


def _xy(lane: dict, values: np.ndarray, distance: bool) -> tuple[np.ndarray, np.ndarray]:
    """Finite points of values against t (or the distance T - t)."""
    values = np.asarray(values, dtype=float)
    t = np.asarray(lane.get("t", np.arange(values.shape[0])))
    last = lane["T"] if "T" in lane else (t.max() if t.size else 0)  # an empty lane draws nothing
    x = (last - t) if distance else t
    keep = np.isfinite(values)
    return x[keep], values[keep]


def _line(x, y, name: str, colour: str, dash: str = "solid", group: str | None = None):
    """A line; a lone finite point (T = 1, or every other point exactly 0) is drawn as a marker."""
    scatter = go.Scattergl if x.shape[0] >= _WEBGL_FROM else go.Scatter
    return scatter(
        x=x,
        y=y,
        name=name,
        mode="lines" if x.shape[0] > 1 else "markers",
        marker={"color": colour, "size": 9},
        line={"color": colour, "dash": dash},
        legendgroup=group or name,
    )


def _layout(fig: go.Figure, title: str, x_label: str, y_label: str) -> go.Figure:
    fig.add_hline(y=0.0, line={"color": "grey", "width": 1, "dash": "dot"})  # 10^0 = 1: no gain, no loss
    fig.update_layout(
        title=title,
        xaxis_title=x_label,
        yaxis_title=y_label,
        margin=MARGIN,
        legend=LEGEND_BELOW,
    )
    return fig


def fig_gated_gradients(
    lanes: dict[str, dict],
    *,
    title: str = "Gradient reaching step t, by cell",
    x_label: str = "distance T - t (steps back from the last step)",
    y_label: str = "log10 of the norm",
    distance: bool = True,
) -> go.Figure:
    """One line per cell on a log10 axis.

    lanes: {"rnn" | "lstm" | "gru" | any key: {"log10": (M,) log10 values, e.g. log10
    ||dL_T/dh_t|| or log10 ||ds_T/ds_t||, "t": (M,) their steps (default 0..M-1),
    optional "T" (last step, default max t), "label" (legend text, default the key),
    "colour" (default the cell's colour) and "dash" (default "solid")}}.
    x is the distance T - t when distance is True, else t.
    """
    fig = go.Figure()
    for index, (key, lane) in enumerate(lanes.items()):
        x, y = _xy(lane, lane["log10"], distance)
        colour = lane.get("colour", _colour(key, index))
        fig.add_trace(_line(x, y, lane.get("label", key), colour, lane.get("dash", "solid")))
    return _layout(fig, title, x_label, y_label)


def fig_gate_products(
    products: dict[str, dict],
    *,
    title: str = "Running product of the memory gate",
    x_label: str = "distance T - t (steps back from the last step)",
    y_label: str = "log10 of the product of gates",
    max_label: str = "largest unit",
    mean_label: str = "mean over units",
    distance: bool = True,
) -> go.Figure:
    """log10 prod f_t (LSTM) and log10 prod z_t (GRU) against distance.

    products: {"lstm" | "gru" | any key: {"max": (M,) log10 of the largest product over
    units, optional "mean": (M,) log10 of the mean product, "t", "T", "label" as in
    fig_gated_gradients}}, e.g. from bptt_core.gates.log10_gate_products(...)[n] rows.
    The largest unit is solid, the mean dashed, in the cell's colour.
    """
    fig = go.Figure()
    for index, (key, lane) in enumerate(products.items()):
        label, colour = lane.get("label", key), _colour(key, index)
        x, y = _xy(lane, lane["max"], distance)
        fig.add_trace(_line(x, y, f"{label}: {max_label}", colour, group=key))
        if "mean" in lane:
            x, y = _xy(lane, lane["mean"], distance)
            fig.add_trace(_line(x, y, f"{label}: {mean_label}", colour, dash="dash", group=key))
    return _layout(fig, title, x_label, y_label)


def lane(values: np.ndarray, first: int, last: int, **extra) -> dict:
    """A figure lane: values at steps first, first + 1, ..., drawn against the distance last - t."""
    return {"log10": values, "t": np.arange(first, first + values.size), "T": last, **extra}
