"""Figures of the gradient-clipping view: pure functions of plain arrays (no streamlit).

`t` is the caller's translation function, t(key) -> text (keys in explorer/clipping/locales/*.json).
Magnitudes are drawn as log10 on a linear axis; non-finite points are left out.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
import plotly.graph_objects as go

from explorer.shared.style import titled

Translate = Callable[[str], str]
COLORS = {"none": "#d62728", "norm": "#2ca02c", "value": "#ff7f0e"}
GREY = "#7f7f7f"
# The threshold: a purple dash, visible on the light and the dark theme (black vanished on dark).
THRESHOLD = "#9467bd"


def _log10(x) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log10(np.asarray(x, float))


def _finite(x, y) -> tuple[np.ndarray, np.ndarray]:
    x, y = np.asarray(x, float), np.asarray(y, float)
    keep = np.isfinite(x) & np.isfinite(y)
    return x[keep], y[keep]


def _layout(fig: go.Figure, title: str, height: int = 400) -> go.Figure:
    return titled(fig, title, height)


def _get(record, key: str):
    """A field of a dict or of a dataclass (e.g. ClipReport, Descent)."""
    return record[key] if isinstance(record, Mapping) else getattr(record, key)


def fig_cliff_surface(
    w_grid: np.ndarray,
    b_grid: np.ndarray,
    surface: np.ndarray,
    runs: Mapping[str, object],
    t: Translate,
) -> go.Figure:
    """(5) log10 of the cliff's loss over (w, b) with one descent trajectory per clipper.

    w_grid: (Nw,), b_grid: (Nb,), surface: (Nb, Nw) loss (bptt_core.cliff.loss_surface);
    runs: {clipper: {"trajectory": (n+1, 2), "clipped": (n,) bool}} or cliff.Descent objects.
    Axes are fixed to the grid: a trajectory thrown out of the window leaves the picture, which is
    the point. Clipped iterations are marked with an open circle at the point they start from.
    """
    z = _log10(np.maximum(np.asarray(surface, float), 1e-300))
    z = [[float(v) if np.isfinite(v) else None for v in row] for row in z]
    fig = go.Figure(
        go.Heatmap(
            x=w_grid,
            y=b_grid,
            z=z,
            colorscale="Cividis",
            colorbar=dict(title=t("clipping.cliff.colorbar")),
            hovertemplate="w=%{x:.2f}, b=%{y:.2f}: %{z:.2f}<extra></extra>",
        )
    )
    for name, run in runs.items():
        path = np.asarray(_get(run, "trajectory"), float)
        clipped = np.asarray(_get(run, "clipped"), bool)
        color = COLORS.get(name, GREY)
        w, b = _finite(path[:, 0], path[:, 1])
        fig.add_trace(
            go.Scatter(
                x=w,
                y=b,
                mode="lines+markers",
                name=t(f"clipping.method.{name}"),
                line=dict(color=color, width=2),
                marker=dict(size=4, color=color),
            )
        )
        cw, cb = _finite(path[:-1][clipped, 0], path[:-1][clipped, 1])
        if len(cw):
            fig.add_trace(
                go.Scatter(
                    x=cw,
                    y=cb,
                    mode="markers",
                    name=t("clipping.cliff.clip_event").format(method=t(f"clipping.method.{name}")),
                    marker=dict(size=10, symbol="circle-open", color=color, line=dict(width=2)),
                )
            )
        fig.add_trace(
            go.Scatter(
                x=path[:1, 0],
                y=path[:1, 1],
                mode="markers",
                showlegend=False,
                marker=dict(size=12, symbol="star", color="white", line=dict(color="black", width=1)),
                hoverinfo="skip",
            )
        )
    fig.update_xaxes(title_text=t("clipping.axis.w"), range=[float(np.min(w_grid)), float(np.max(w_grid))])
    fig.update_yaxes(title_text=t("clipping.axis.b"), range=[float(np.min(b_grid)), float(np.max(b_grid))])
    return _layout(fig, t("clipping.cliff.title"), height=520)


def fig_gradient_norms(runs: Mapping[str, np.ndarray], threshold: float | None, t: Translate) -> go.Figure:
    """(6) log10 ||g|| (before clipping) per iteration, one line per clipper, threshold dashed.

    runs: {clipper: (n,) gradient norms}; iterations whose gradient left float64 are left out.
    """
    fig = go.Figure()
    for name, norms in runs.items():
        x, y = _finite(np.arange(len(norms)), _log10(norms))
        fig.add_trace(
            go.Scatter(
                x=x,
                y=y,
                mode="lines+markers",
                name=t(f"clipping.method.{name}"),
                line=dict(color=COLORS.get(name, GREY)),
            )
        )
    if threshold is not None and threshold > 0 and np.isfinite(threshold):
        fig.add_hline(
            y=float(np.log10(threshold)),
            line=dict(color=THRESHOLD, dash="dash", width=3),
            annotation_text=t("clipping.norms.threshold"),
            annotation_font_color=THRESHOLD,
        )
    fig.update_xaxes(title_text=t("clipping.axis.iteration"))
    fig.update_yaxes(title_text=t("clipping.axis.log10_norm"))
    return _layout(fig, t("clipping.norms.title"))


def _bar_label(text: str) -> str:
    """A method name on two lines under its bar: side by side on one line they ran together at 390 px."""
    return text.replace(" ", "<br>", 1)


def fig_clip_norms(reports: Mapping[str, object], t: Translate) -> go.Figure:
    """(7a) Clipping the main RNN's gradient: log10 norm before and after each clipper.

    reports: {clipper: ClipReport or dict with norm_before, norm_after}. An infinite norm_before
    (overflow) is left out of the bars. One figure per panel: two subplot titles overprint on a phone.
    """
    names = list(reports)
    labels = [_bar_label(t(f"clipping.method.{name}")) for name in names]
    fig = go.Figure()
    for key, color in (("norm_before", GREY), ("norm_after", "#1f77b4")):
        values = _log10([_get(reports[name], key) for name in names])
        keep = np.isfinite(values)
        fig.add_trace(
            go.Bar(
                x=[label for label, k in zip(labels, keep, strict=True) if k],
                y=values[keep],
                name=t(f"clipping.report.{key}"),
                marker_color=color,
            )
        )
    fig.update_layout(barmode="group")
    fig.update_yaxes(title_text=t("clipping.axis.log10_norm"))
    return _layout(fig, t("clipping.report.norms"))


def fig_clip_cosine(reports: Mapping[str, object], t: Translate) -> go.Figure:
    """(7b) Cosine of each clipped gradient to the raw one, the share of changed entries above each bar.

    reports: {clipper: ClipReport or dict with cosine, fraction_clipped}.
    """
    names = list(reports)
    labels = [_bar_label(t(f"clipping.method.{name}")) for name in names]
    cosines = np.array([_get(reports[name], "cosine") for name in names], float)
    fractions = [_get(reports[name], "fraction_clipped") for name in names]
    fig = go.Figure(
        go.Bar(
            x=labels,
            y=cosines,
            text=[t("clipping.report.fraction").format(percent=100 * f) for f in fractions],
            textposition="outside",
            cliponaxis=False,
            marker_color=[COLORS.get(name, GREY) for name in names],
            name=t("clipping.report.cosine"),
            showlegend=False,
        )
    )
    fig.update_yaxes(title_text=t("clipping.axis.cosine"), range=[min(0.0, float(np.min(cosines))) - 0.05, 1.2])
    return _layout(fig, t("clipping.report.cosine"))


def fig_clip_report(reports: Mapping[str, object], t: Translate) -> tuple[go.Figure, go.Figure]:
    """(7) Both panels: (fig_clip_norms, fig_clip_cosine)."""
    return fig_clip_norms(reports, t), fig_clip_cosine(reports, t)
