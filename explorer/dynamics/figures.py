"""Figures of the dynamics view (Plotly only): influence map, Lyapunov spectrum, phase diagram.

Values are log10 magnitudes on linear axes (10^±900 stays drawable). Text comes in translated.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from explorer.shared.style import LEGEND_BELOW, MARGIN

EDGE_COLOUR = "#ff7f0e"
MEAN_FIELD_COLOUR = "#17becf"
MARKER_COLOUR = "#d62728"


MAX_CELLS_PER_AXIS = 300  # a longer map is drawn every k-th step (the browser draws at most 300 x 300 cells)


def _blank_upper(z: np.ndarray) -> list[list[float | None]]:
    """z as nested lists with None where it is not finite (above the diagonal, or an exactly zero product).

    Plotly leaves those cells blank.

    None, not NaN: nothing sent to the browser is NaN (docs/maths.md, "Numbers that leave float64").
    """
    return [[round(float(v), 3) if np.isfinite(v) else None for v in row] for row in z]


def fig_influence(log10: np.ndarray, t) -> go.Figure:
    """Heatmap over (source s, target t) of log10 ||ds_t/ds_s||; blank above the diagonal (s > t)."""
    steps = log10.shape[0] - 1
    stride = max(1, int(np.ceil((steps + 1) / MAX_CELLS_PER_AXIS)))
    index = np.arange(0, steps + 1, stride)
    z = log10[np.ix_(index, index)]
    finite = z[np.isfinite(z)]
    low, high = (float(finite.min()), float(finite.max())) if finite.size else (-1.0, 1.0)
    span = max(abs(low), abs(high), 1e-9)
    fig = go.Figure(
        go.Heatmap(
            x=index,
            y=index,
            z=_blank_upper(z),
            zmin=-span,
            zmax=span,
            colorscale="RdBu_r",
            zmid=0.0,
            colorbar=dict(title=dict(text="log₁₀", side="right")),
            hovertemplate="s %{x} → t %{y}<br>log₁₀ ‖∂s<sub>t</sub>/∂s<sub>s</sub>‖ = %{z:.2f}<extra></extra>",
        )
    )
    fig.update_layout(
        title=t("dynamics.fig.influence.title"),
        xaxis_title=t("dynamics.fig.influence.x"),
        yaxis_title=t("dynamics.fig.influence.y"),
        height=460,
        margin=MARGIN,
    )
    fig.update_yaxes(scaleanchor="x", scaleratio=1)
    return fig


def fig_exponents(report, t) -> go.Figure:
    """λ_1..λ_k as markers, with the fitted growth rate, Pascanu's bound and log10 ρ as lines."""
    k = report.exponents.size
    idx = np.arange(1, k + 1)
    finite = np.isfinite(report.exponents)  # -inf (an exactly zero product) is said in words, not drawn
    fig = go.Figure(
        go.Scatter(
            x=idx[finite],
            y=report.exponents[finite],
            mode="markers+lines",
            marker=dict(size=11, color="#1f77b4"),
            name=t("dynamics.fig.exponents.lambda"),
        )
    )
    lines = (
        (report.growth, t("dynamics.fig.exponents.growth"), "#2ca02c", "dash"),
        (report.bound, t("dynamics.fig.exponents.bound"), "#d62728", "dot"),
        (report.log10_rho, t("dynamics.fig.exponents.rho"), "#9467bd", "dashdot"),
    )
    for value, name, colour, dash in lines:
        if np.isfinite(value):
            fig.add_trace(
                go.Scatter(
                    x=[0.6, k + 0.4], y=[value, value], mode="lines", line=dict(color=colour, dash=dash), name=name
                )
            )
    fig.add_hline(y=0.0, line=dict(color="grey", width=1))
    fig.update_xaxes(tickvals=list(idx), ticktext=[f"λ{_sub(i)}" for i in idx], range=[0.5, k + 0.5])
    fig.update_layout(
        title=t("dynamics.fig.exponents.title"),
        xaxis_title=t("dynamics.fig.exponents.x"),
        yaxis_title=t("dynamics.fig.exponents.y"),
        height=400,
        margin=MARGIN,
        legend=LEGEND_BELOW,
    )
    return fig


def _sub(i: int) -> str:
    return str(i).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))


def fig_phase(report, rho: float, scale: float, t) -> go.Figure:
    """λ_1 over (ρ, input scale), its zero contour, the mean-field edge and the current setting.

    A transparent marker sits on every grid cell so that a click selects it (Plotly heatmaps
    fire no click selection themselves).
    """
    lam = report.lambda1
    finite = lam[np.isfinite(lam)]
    span = float(np.max(np.abs(finite))) if finite.size else 1.0
    fig = go.Figure()
    fig.add_trace(
        go.Heatmap(
            x=report.rhos,
            y=report.scales,
            z=_blank_upper(lam),
            zmid=0.0,
            zmin=-span,
            zmax=span,
            colorscale="RdBu_r",
            colorbar=dict(title=dict(text="λ₁", side="right")),
            hoverinfo="skip",
        )
    )
    fig.add_trace(
        go.Contour(
            x=report.rhos,
            y=report.scales,
            z=_blank_upper(lam),
            contours=dict(start=0.0, end=0.0, size=1.0, coloring="none", showlabels=False),
            line=dict(color=EDGE_COLOUR, width=3),
            name=t("dynamics.fig.phase.edge"),
            showlegend=True,
            showscale=False,
            hoverinfo="skip",
        )
    )
    if report.mean_field and np.isfinite(report.edge).any():
        keep = np.isfinite(report.edge) & (report.edge <= report.rhos[-1])
        fig.add_trace(
            go.Scatter(
                x=report.edge[keep],
                y=report.scales[keep],
                mode="lines",
                line=dict(color=MEAN_FIELD_COLOUR, width=3, dash="dash"),
                name=t("dynamics.fig.phase.mean_field"),
            )
        )
    rr, ss = np.meshgrid(report.rhos, report.scales)
    fig.add_trace(
        go.Scatter(
            x=rr.ravel(),
            y=ss.ravel(),
            customdata=np.stack([rr.ravel(), ss.ravel()], axis=1),
            mode="markers",
            marker=dict(size=14, symbol="square", opacity=0.01, color="#000000"),
            hovertemplate="ρ %{x:.2f}, xs %{y:.2f}<extra></extra>",
            showlegend=False,
            name="grid",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=[rho],
            y=[scale],
            mode="markers",
            marker=dict(size=16, symbol="x", color=MARKER_COLOUR, line=dict(width=2, color="#ffffff")),
            name=t("dynamics.fig.phase.here"),
        )
    )
    fig.update_layout(
        title=t("dynamics.fig.phase.title"),
        xaxis_title=t("dynamics.fig.phase.x"),
        yaxis_title=t("dynamics.fig.phase.y"),
        height=480,
        margin=MARGIN,
        legend=LEGEND_BELOW,
        clickmode="event+select",
    )
    fig.update_xaxes(range=[report.rhos[0], report.rhos[-1]])
    fig.update_yaxes(range=[report.scales[0], report.scales[-1]])
    return fig
