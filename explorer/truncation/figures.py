"""Figures of the truncated-BPTT view: pure functions of plain arrays (no streamlit).

`t` is the caller's translation function, t(key) -> text (keys in explorer/truncation/locales/*.json).
Magnitudes are drawn as log10 on a linear axis; non-finite points are left out (heatmap cells
become gaps, None), never drawn as NaN or inf.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
import plotly.graph_objects as go

from explorer.shared.style import titled
from explorer.truncation.report import ROUNDING

Translate = Callable[[str], str]
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#17becf")
KEPT, DROPPED, FORWARD, GREY = "#d62728", "#bdbdbd", "#1f77b4", "#7f7f7f"
# "All parameters": thick magenta, visible on the light and the dark theme (black vanished on dark).
ALL = "#e377c2"


def _finite(x, y) -> tuple[np.ndarray, np.ndarray]:
    x, y = np.asarray(x, float), np.asarray(y, float)
    keep = np.isfinite(x) & np.isfinite(y)
    return x[keep], y[keep]


def _log10(x) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log10(np.asarray(x, float))


def _gaps(z: np.ndarray) -> list[list[float | None]]:
    """A heatmap z with every non-finite cell as None (a gap)."""
    return [[float(v) if np.isfinite(v) else None for v in row] for row in np.asarray(z, float)]


def _layout(fig: go.Figure, title: str, height: int = 380) -> go.Figure:
    return titled(fig, title, height)


def fig_agreement_over_k(
    ks, agreement: Mapping[str, Mapping[str, np.ndarray]], t: Translate
) -> tuple[go.Figure, go.Figure]:
    """(1) Cosine and log10 relative error of Chunked(k) vs the full gradient, one line per parameter.

    ks: (M,); agreement: {"cosine": {name: (M,)}, "relative_error": {name: (M,)}} as from
    bptt_core.truncation.agreement_over_k; the entry "all" (every parameter) is drawn thick, in magenta.
    Two figures, not two subplots: side by side their titles and axis titles overprinted on a phone;
    the page puts them in two columns, which stack at 390 px. Errors below ROUNDING (k >= T: the
    full gradient itself) are left out of the error figure: drawn, float64's 1e-16 made a false cliff.
    """
    cosine, error = go.Figure(), go.Figure()
    for i, name in enumerate(agreement["cosine"]):
        color, width = (ALL, 4) if name == "all" else (PALETTE[i % len(PALETTE)], 1.5)
        label = t("truncation.agree.all") if name == "all" else name
        errors = np.asarray(agreement["relative_error"][name], float)
        errors = np.where(errors < ROUNDING, np.nan, errors)  # k >= T: exact, only rounding noise left to draw
        for fig, y in ((cosine, agreement["cosine"][name]), (error, _log10(errors))):
            x, yy = _finite(ks, y)
            fig.add_trace(
                go.Scatter(
                    x=x, y=yy, mode="lines+markers", name=label, legendgroup=name, line=dict(color=color, width=width)
                )
            )
    for fig in (cosine, error):
        fig.update_xaxes(title_text=t("truncation.axis.k"))
    cosine.update_yaxes(title_text=t("truncation.axis.cosine"), range=[-1.05, 1.05])
    error.update_yaxes(title_text=t("truncation.axis.log10_rel_error"))
    return _layout(cosine, t("truncation.agree.cosine")), _layout(error, t("truncation.agree.error"))


def fig_path_mask(kept: np.ndarray, log10_pair: np.ndarray | None, t: Translate) -> go.Figure:
    """(2a) Heatmap over (state step t, loss step s): kept paths in colour, dropped paths grey.

    kept: (T, T) bool [s-1, t-1]; log10_pair: (T, T) log10 norm of each path's term, or None
    (then kept cells are drawn as 1). Cells with t > s (no path) and zero terms stay empty.
    """
    kept = np.asarray(kept, bool)
    steps = kept.shape[0]
    lower = np.tril(np.ones((steps, steps), bool))
    values = np.where(lower, 0.0, np.nan) if log10_pair is None else np.asarray(log10_pair, float)
    axis = np.arange(1, steps + 1)
    common = dict(x=axis, y=axis, xgap=1, ygap=1, hovertemplate="s=%{y}, t=%{x}: %{z:.2f}<extra></extra>")
    fig = go.Figure(
        [
            go.Heatmap(
                z=_gaps(np.where(kept & lower, values, np.nan)),
                colorscale="Viridis",
                colorbar=dict(title=t("truncation.paths.colorbar")),
                name=t("truncation.paths.kept"),
                **common,
            ),
            go.Heatmap(
                z=_gaps(np.where(~kept & lower, values, np.nan)),
                colorscale=[[0, "#e0e0e0"], [1, "#8c8c8c"]],
                showscale=False,
                name=t("truncation.paths.dropped"),
                **common,
            ),
        ]
    )
    fig.update_xaxes(title_text=t("truncation.axis.state_step"))
    fig.update_yaxes(title_text=t("truncation.axis.loss_step"), autorange="reversed", scaleanchor="x")
    return _layout(fig, t("truncation.paths.title"), height=480)


def fig_step_contributions(log10_kept: np.ndarray, log10_dropped: np.ndarray, t: Translate) -> go.Figure:
    """(2b) log10 ||step t's term of dL/dW_h||: what the truncation keeps vs what it drops. Each (T,)."""
    steps = np.arange(1, len(log10_kept) + 1)
    fig = go.Figure()
    for y, key, color, dash in ((log10_kept, "kept", KEPT, None), (log10_dropped, "dropped", GREY, "dot")):
        x, yy = _finite(steps, y)
        fig.add_trace(
            go.Scatter(
                x=x,
                y=yy,
                mode="lines+markers",
                name=t(f"truncation.steps.{key}"),
                line=dict(color=color, dash=dash),
            )
        )
    fig.update_xaxes(title_text=t("truncation.axis.state_step"))
    fig.update_yaxes(title_text=t("truncation.axis.log10_norm"))
    return _layout(fig, t("truncation.steps.title"))


def fig_chunk_timeline(steps: int, k: int, t: Translate, tokens: list[str] | None = None) -> go.Figure:
    """(3) The course example: T steps cut into chunks of k.

    Top row: states h_1..h_T with forward arrows across every border (the state is carried).
    Bottom row: backward arrows inside each chunk only; a grey cross marks each border the
    gradient does not cross. tokens: optional words shown under the steps (e.g. the sentence).
    """
    xs = np.arange(1, steps + 1)
    labels = tokens if tokens is not None and len(tokens) == steps else [f"h<sub>{i}</sub>" for i in xs]
    fig = go.Figure()
    # Words slanted at 45 degrees: level words overprint each other on a 390 px phone.
    words = [
        dict(
            x=x,
            y=1.15,
            text=label,
            showarrow=False,
            textangle=-45,
            xanchor="left",
            yanchor="bottom",
            font=dict(size=13),
        )
        for x, label in zip(xs, labels, strict=True)
    ]
    fig.add_trace(
        go.Scatter(
            x=xs,
            y=np.ones(steps),
            mode="markers",
            text=labels,
            marker=dict(size=18, color=FORWARD),
            name=t("truncation.timeline.forward"),
            hoverinfo="skip",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=xs,
            y=np.zeros(steps),
            mode="markers",
            marker=dict(size=12, color=KEPT, symbol="diamond"),
            name=t("truncation.timeline.backward"),
            hoverinfo="skip",
        )
    )
    arrow = dict(xref="x", yref="y", axref="x", ayref="y", showarrow=True, arrowhead=2, arrowwidth=2, text="")
    arrows = []
    for i in range(1, steps):
        arrows.append(dict(x=i + 0.8, y=1, ax=i + 0.2, ay=1, arrowcolor=FORWARD, **arrow))
        if i % k:  # inside a chunk: the gradient flows back from i+1 to i
            arrows.append(dict(x=i + 0.2, y=0, ax=i + 0.8, ay=0, arrowcolor=KEPT, **arrow))
    fig.update_layout(annotations=words + arrows)
    borders = [c * k + 0.5 for c in range(1, -(-steps // k))]
    for b in borders:
        fig.add_vline(x=b, line=dict(color=GREY, dash="dash"))
    if borders:
        fig.add_trace(
            go.Scatter(
                x=borders,
                y=np.zeros(len(borders)),
                mode="markers",
                marker=dict(symbol="x", size=14, color=GREY),
                name=t("truncation.timeline.cut"),
                hoverinfo="skip",
            )
        )
    fig.update_xaxes(title_text=t("truncation.axis.step"), range=[0.3, steps + 0.7], dtick=1)
    fig.update_yaxes(
        tickvals=[0, 1],
        ticktext=[t("truncation.timeline.backward_row"), t("truncation.timeline.forward_row")],
        range=[-0.6, 3.2],
    )
    return _layout(fig, t("truncation.timeline.title").format(k=k), height=360)


def fig_randomized_spread(
    spread: Mapping[str, np.ndarray], t: Translate, chunked_error: float | None = None
) -> tuple[go.Figure, go.Figure]:
    """(4) Randomized truncation: variance of one estimate, and the vanishing bias of their mean.

    spread: {"relative_error": (M,), "mean_relative_error": (M,)} as from
    bptt_core.truncation.randomized_spread. First figure: histogram of log10 relative error of single
    estimates. Second: log10 relative error of the mean of the first n estimates, with a 1/sqrt(n)
    reference line and, if given, the deterministic chunked truncation's error (its bias).
    Two figures for the same reason as fig_agreement_over_k.
    """
    single = _log10(spread["relative_error"])
    histogram = go.Figure(
        go.Histogram(x=single[np.isfinite(single)], marker_color=KEPT, name=t("truncation.random.single"))
    )
    histogram.update_xaxes(title_text=t("truncation.axis.log10_rel_error"))
    histogram.update_yaxes(title_text=t("truncation.axis.count"))
    mean = np.asarray(spread["mean_relative_error"], float)
    n = np.arange(1, len(mean) + 1)
    x, y = _finite(n, _log10(mean))
    means = go.Figure(go.Scatter(x=x, y=y, mode="lines", name=t("truncation.random.mean"), line=dict(color=KEPT)))
    if len(y):
        ref = y[0] - 0.5 * _log10(n)
        means.add_trace(
            go.Scatter(x=n, y=ref, mode="lines", name=t("truncation.random.sqrt_n"), line=dict(color=GREY, dash="dot"))
        )
    if chunked_error is not None and chunked_error > 0 and np.isfinite(chunked_error):
        level = float(np.log10(chunked_error))
        means.add_trace(
            go.Scatter(
                x=[1, len(mean)],
                y=[level, level],
                mode="lines",
                name=t("truncation.random.chunked"),
                line=dict(color=FORWARD, dash="dash"),
            )
        )
    means.update_xaxes(title_text=t("truncation.axis.seeds"))
    means.update_yaxes(title_text=t("truncation.axis.log10_rel_error"))
    return _layout(histogram, t("truncation.random.single")), _layout(means, t("truncation.random.mean"))
