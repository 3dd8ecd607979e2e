"""Figures of the Derivation view: the unrolled graph, the f = (x - y) z warm-up, the shrinking chain.

Pure functions returning go.Figure; no streamlit. Node ids follow bptt_core.derivation:
"x3", "a3", "h3", "o3", "L3", "h0", and the shared parameters "W_h", "W_x", "W_y", "b_h",
"b_y" (an edge ("a3", "W_h") is drawn to the copy of W_h used at step 3).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

HIGHLIGHT = "#d62728"  # the edge being traversed
VISITED = "#f4a3a3"  # edges already traversed
FORWARD = "#9a9a9a"  # forward edges
NODE = "#4a6fa5"
FORWARD_VALUE = "#2ca02c"  # warm-up: forward values
GRADIENT = "#d62728"  # warm-up: gradients
SHARED_COLOURS = {"W_h": "#ff7f0e", "W_x": "#17becf", "W_y": "#9467bd", "b_h": "#bcbd22", "b_y": "#8c564b"}

# (row y, label base) of each per-step node; columns are the time steps.
_ROWS = {"x": 0.0, "a": 1.0, "h": 2.0, "o": 3.0, "L": 4.0}
# Offset (dx, dy) of the copy of each parameter from the node it feeds (a_t or o_t).
_COPY_OFFSETS = {
    "W_h": (-0.42, -0.3),
    "W_x": (0.32, -0.45),
    "b_h": (0.38, 0.1),
    "W_y": (-0.38, -0.45),
    "b_y": (0.38, 0.0),
}
_PARAM_TARGET = {"W_h": "a", "W_x": "a", "b_h": "a", "W_y": "o", "b_y": "o"}
_NAMES = {
    "standard": {"x": "x", "a": "a", "h": "h", "o": "o", "L": "L", "W_h": "W_h", "W_x": "W_x", "W_y": "W_y"},
    "course": {"x": "x", "a": "a", "h": "s", "o": "o", "L": "E", "W_h": "W", "W_x": "U", "W_y": "V"},
}


def _html(name: str, t: int | None = None) -> str:
    """ "W_h" -> W<sub>h</sub>; with t: "h", 3 -> h<sub>3</sub>."""
    if "_" in name:
        base, sub = name.split("_", 1)
        return f"{base}<sub>{sub}</sub>"
    return name if t is None else f"{name}<sub>{t}</sub>"


def _split(node: str) -> tuple[str, int | None]:
    m = re.fullmatch(r"([a-zA-Z]+)(\d+)", node)
    return (m.group(1), int(m.group(2))) if m else (node, None)


class _Layout:
    """Positions of the unrolled graph's nodes and its forward edges."""

    def __init__(self, steps: int, loss_steps: str, params: Sequence[str]):
        self.pos: dict[str, tuple[float, float]] = {"h0": (0.0, _ROWS["h"])}
        self.edges: list[tuple[str, str]] = []  # forward direction
        self.copies: dict[str, list[str]] = {p: [] for p in params}
        for t in range(1, steps + 1):
            for kind in ("x", "a", "h", "o"):
                self.pos[f"{kind}{t}"] = (float(t), _ROWS[kind])
            self.edges += [(f"x{t}", f"a{t}"), (f"h{t - 1}", f"a{t}"), (f"a{t}", f"h{t}"), (f"h{t}", f"o{t}")]
            if loss_steps == "all" or t == steps:
                self.pos[f"L{t}"] = (float(t), _ROWS["L"])
                self.edges.append((f"o{t}", f"L{t}"))
            for p in params:
                tx, ty = self.pos[f"{_PARAM_TARGET[p]}{t}"]
                dx, dy = _COPY_OFFSETS[p]
                copy = f"{p}@{t}"
                self.pos[copy] = (tx + dx, ty + dy)
                self.copies[p].append(copy)
                self.edges.append((copy, f"{_PARAM_TARGET[p]}{t}"))

    def resolve(self, node: str, other: str) -> str | None:
        """Graph node for a derivation node id; a parameter resolves to its copy at other's step."""
        if node in self.copies:
            _, t = _split(other)
            node = f"{node}@{t}"
        return node if node in self.pos else None


def _arrow(start, end, colour: str, width: float, dash: bool = False) -> dict:
    """One arrow annotation; the figures add them all at once (add_annotation one by one is quadratic)."""
    return dict(
        x=end[0],
        y=end[1],
        ax=start[0],
        ay=start[1],
        xref="x",
        yref="y",
        axref="x",
        ayref="y",
        showarrow=True,
        arrowhead=2,
        arrowsize=1.0,
        arrowwidth=width,
        arrowcolor=colour,
        standoff=13,
        startstandoff=13,
        text="",
        opacity=0.6 if dash else 1.0,
    )


def _default_label(node: str, notation: str) -> str:
    names = _NAMES[notation]
    if "@" in node:
        param = node.split("@")[0]
        return _html(names.get(param, param))
    kind, t = _split(node)
    return _html(names.get(kind, kind), t)


def fig_unrolled_graph(
    steps: int,
    highlight_edge: tuple[str, str] | None = None,
    labels: Mapping[str, str] | None = None,
    *,
    visited_edges: Sequence[tuple[str, str]] = (),
    loss_steps: str = "all",
    notation: str = "standard",
    show_biases: bool = False,
    shared_label: str = "shared {name}",
    hover: Mapping[str, str] | None = None,
    title: str | None = None,
) -> go.Figure:
    """The RNN unrolled over t = 1..steps as a node-link diagram.

    Columns are time steps; rows from bottom to top: x_t, a_t, h_t, o_t, L_t (h_0 at the left).
    Each step's copy of a shared parameter is a square in that parameter's colour (one legend
    entry per parameter, "shared W_h"). Grey arrows: the forward pass. highlight_edge (from, to),
    in backward direction as in bptt_core.derivation, is a thick red arrow from `from` to `to`;
    visited_edges are light red; both endpoints of the highlighted edge are ringed in red.
    labels: node id -> display text (HTML <sub> allowed), overriding the notation's names
    ("standard": h, W_h, W_x, W_y, L; "course": s, W, U, V, E). hover: node id -> hover text.
    loss_steps "last" draws L_T only. Biases (b_h, b_y) are drawn only when show_biases is set.
    """
    if notation not in _NAMES:
        raise ValueError(f"notation must be one of {sorted(_NAMES)}")
    params = ["W_h", "W_x", "W_y"] + (["b_h", "b_y"] if show_biases else [])
    lay = _Layout(steps, loss_steps, params)
    labels, hover = dict(labels or {}), dict(hover or {})
    fig = go.Figure()
    arrows = [_arrow(lay.pos[start], lay.pos[end], FORWARD, 1.2, dash="@" in start) for start, end in lay.edges]
    for edge in visited_edges:
        _backward_arrow(arrows, lay, edge, VISITED, 3.0)
    ring = _backward_arrow(arrows, lay, highlight_edge, HIGHLIGHT, 5.0) if highlight_edge else []

    def text(node: str) -> str:
        return labels.get(node, _default_label(node, notation))

    plain = [n for n in lay.pos if "@" not in n]
    fig.add_trace(
        go.Scatter(
            x=[lay.pos[n][0] for n in plain],
            y=[lay.pos[n][1] for n in plain],
            mode="markers+text",
            marker={"size": 30, "color": "white", "line": {"color": NODE, "width": 2}},
            text=[text(n) for n in plain],
            textposition="middle center",
            textfont={"size": 13, "color": "#1f1f1f"},
            hovertext=[hover.get(n, n) for n in plain],
            hoverinfo="text",
            showlegend=False,
        )
    )
    names = _NAMES[notation]
    for p, copies in lay.copies.items():
        name = labels.get(p, _html(names.get(p, p)))
        fig.add_trace(
            go.Scatter(
                x=[lay.pos[c][0] for c in copies],
                y=[lay.pos[c][1] for c in copies],
                mode="markers+text",
                marker={"size": 24, "symbol": "square", "color": SHARED_COLOURS[p], "opacity": 0.85},
                text=[name] * len(copies),
                textfont={"size": 10, "color": "white"},
                textposition="middle center",
                hovertext=[hover.get(p, shared_label.format(name=name))] * len(copies),
                hoverinfo="text",
                name=shared_label.format(name=name),
                legendgroup=p,
            )
        )
    if ring:
        fig.add_trace(
            go.Scatter(
                x=[lay.pos[n][0] for n in ring],
                y=[lay.pos[n][1] for n in ring],
                mode="markers",
                marker={"size": 38, "color": "rgba(0,0,0,0)", "line": {"color": HIGHLIGHT, "width": 3}},
                hoverinfo="skip",
                showlegend=False,
            )
        )
    fig.update_layout(
        annotations=arrows,
        title=title,
        height=430,
        margin={"l": 10, "r": 10, "t": 40 if title else 10, "b": 10},
        plot_bgcolor="rgba(0,0,0,0)",  # the theme shows through: white boxes glared on the dark theme
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "left", "x": 0.0},
    )
    fig.update_xaxes(visible=False, range=[-0.7, steps + 0.7])
    fig.update_yaxes(visible=False, range=[-0.7, 4.5], scaleanchor=None)
    return fig


def _backward_arrow(arrows: list[dict], lay: _Layout, edge, colour: str, width: float) -> list[str]:
    """Add a backward edge (from, to) as an arrow from `from` to `to`; returns the nodes found."""
    start, end = lay.resolve(edge[0], edge[1]), lay.resolve(edge[1], edge[0])
    if start and end:
        arrows.append(_arrow(lay.pos[start], lay.pos[end], colour, width))
    return [n for n in (start, end) if n]


# ---------------------------------------------------------------- warm-up graph


def _fmt(v: float) -> str:
    return f"{v:.4g}"


def fig_warmup_graph(values: Mapping[str, float], *, labels: Mapping[str, str] | None = None) -> go.Figure:
    """f = (x - y) z as a circuit: inputs x, y, z; a "−" gate giving q; a "×" gate giving f.

    values: keys x, y, z, q, f, df_dx, df_dy, df_dz, df_dq (bptt_core.derivation.Warmup.as_dict()).
    Each edge carries its forward value in green above it and its gradient df/d(.) in red
    below it; the output's gradient is df/df = 1. labels may rename "forward" and "gradient"
    (the legend entries).
    """
    labels = dict(labels or {})
    pos = {
        "x": (0.0, 2.0),
        "y": (0.0, 1.0),
        "z": (0.0, 0.0),
        "minus": (1.4, 1.5),
        "times": (2.8, 0.75),
        "out": (4.0, 0.75),
    }
    # (start, end, forward value, gradient): the value flowing along the edge and dF/d(that value)
    edges = [
        ("x", "minus", values["x"], values["df_dx"]),
        ("y", "minus", values["y"], values["df_dy"]),
        ("minus", "times", values["q"], values["df_dq"]),
        ("z", "times", values["z"], values["df_dz"]),
        ("times", "out", values["f"], 1.0),
    ]
    fig = go.Figure()
    notes = []
    for start, end, value, grad in edges:
        (x0, y0), (x1, y1) = pos[start], pos[end]
        notes.append(_arrow((x0, y0), (x1, y1), FORWARD, 1.5))
        mx, my = (x0 + x1) / 2, (y0 + y1) / 2
        for text, shift, colour in ((_fmt(value), 12, FORWARD_VALUE), (_fmt(grad), -12, GRADIENT)):
            notes.append(dict(x=mx, y=my, text=text, showarrow=False, yshift=shift, font={"color": colour, "size": 15}))
    names = {"x": "x", "y": "y", "z": "z", "minus": "−", "times": "×", "out": "f"}
    fig.add_trace(
        go.Scatter(
            x=[p[0] for p in pos.values()],
            y=[p[1] for p in pos.values()],
            mode="markers+text",
            marker={"size": 34, "color": "white", "line": {"color": NODE, "width": 2}},
            text=[names[k] for k in pos],
            textfont={"size": 16, "color": "#1f1f1f"},  # dark on the white nodes, in either theme
            hoverinfo="skip",
            showlegend=False,
        )
    )
    for name, colour in (
        (labels.get("forward", "forward value"), FORWARD_VALUE),
        (labels.get("gradient", "gradient"), GRADIENT),
    ):
        fig.add_trace(
            go.Scatter(
                x=[-10.0],  # outside the axis range: a legend entry only
                y=[-10.0],
                mode="markers",
                name=name,
                hoverinfo="skip",
                marker={"color": colour, "size": 10, "symbol": "square"},
            )
        )
    fig.update_layout(
        annotations=notes,
        height=300,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        plot_bgcolor="rgba(0,0,0,0)",  # the theme shows through: white boxes glared on the dark theme
        legend={
            "orientation": "h",
            "yanchor": "bottom",
            "y": 1.0,
            "xanchor": "left",
            "x": 0.0,
            "itemclick": False,
            "itemdoubleclick": False,
        },
    )
    fig.update_xaxes(visible=False, range=[-0.5, 4.5])
    fig.update_yaxes(visible=False, range=[-0.5, 2.5])
    return fig


# ---------------------------------------------------------------- shrinking chain


def fig_jacobian_shrink(
    factor_norms: Sequence[float],
    *,
    product_log10: Sequence[float] | None = None,
    reference: float | None = None,
    k_max: int = 20,
    labels: Mapping[str, str] | None = None,
) -> go.Figure:
    """How a product of k Jacobian factors shrinks (log10 values on a linear axis).

    factor_norms: ||J_t|| of the chain's factors in backward order (J_T first).
    - markers "product of norms": log10 of ||J_T|| ... (first k factors), the upper bound;
    - markers "norm of the product" (product_log10[k] = log10 ||J_T ... ||, k = 0..len) if given;
    - dashed line "c^k": a constant factor c repeated k = 0..k_max times, with c = reference or the
      geometric mean of factor_norms; a horizontal line at 0 (= 1).
    labels: "x", "y", "bound", "product", "reference" (may contain {c}) override the English texts.
    Non-finite points (a zero factor) are dropped.
    """
    labels = dict(labels or {})
    norms = np.asarray(factor_norms, dtype=float)
    with np.errstate(divide="ignore"):
        logs = np.log10(norms)
    bound = np.concatenate([[0.0], np.cumsum(logs)])
    if reference is None:
        reference = float(10 ** np.mean(logs)) if norms.size and np.all(np.isfinite(logs)) else 0.5
    fig = go.Figure()
    fig.add_hline(y=0.0, line={"color": "#bbbbbb", "width": 1})
    if reference > 0:
        k = np.arange(k_max + 1)
        c_text = f"{reference:.3g}"
        fig.add_trace(
            _line(
                k,
                k * math.log10(reference),
                labels.get("reference", "c<sup>k</sup>, c = {c}").format(c=c_text),
                {"color": "#7f7f7f", "dash": "dash"},
                "lines",
            )
        )
    fig.add_trace(
        _line(
            np.arange(bound.size),
            bound,
            labels.get("bound", "product of the factor norms"),
            {"color": "#ff7f0e"},
            "lines+markers",
        )
    )
    if product_log10 is not None:
        p = np.asarray(product_log10, dtype=float)
        fig.add_trace(
            _line(
                np.arange(p.size),
                p,
                labels.get("product", "norm of the product"),
                {"color": HIGHLIGHT},
                "markers",
                marker={"size": 10, "symbol": "diamond"},
            )
        )
    fig.update_layout(
        height=360,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        plot_bgcolor="rgba(0,0,0,0)",  # the theme shows through: white boxes glared on the dark theme
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "left", "x": 0.0},
    )
    fig.update_xaxes(title=labels.get("x", "number of factors k"), dtick=max(1, k_max // 10))
    fig.update_yaxes(title=labels.get("y", "log10 of the norm"), zeroline=False)
    return fig


def _line(x, y, name: str, line: dict, mode: str, marker: dict | None = None) -> go.Scatter:
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    keep = np.isfinite(y)  # never draw NaN/inf: drop the point
    return go.Scatter(x=x[keep], y=y[keep], name=name, mode=mode, line=line, marker=marker or {})
