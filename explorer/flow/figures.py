"""Figures of the gradient-flow view: pure functions of a FlowReport (no streamlit).

Magnitudes are drawn as log10 on a linear axis: 10^-700 is a point like any other.
Points that are exactly zero (log10 = -inf) are left out, never drawn as NaN.
"""

from __future__ import annotations

import csv
import io

import numpy as np
import plotly.graph_objects as go

from explorer.flow.report import FlowReport
from explorer.shared.style import LEGEND_BELOW, MARGIN

BLUE, ORANGE, GREEN, RED, GREY, PURPLE = "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#7f7f7f", "#9467bd"


def _finite(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    keep = np.isfinite(y)
    return x[keep], y[keep]


# Traces and layouts are plain dicts and the Figure skips validation: built on every
# uncached rerun, a validated figure costs about 8x more (measured: 6.8 ms vs 0.8 ms).


def _line(x, y, name, color, dash="solid", width=2) -> dict:
    x, y = _finite(np.asarray(x, float), np.asarray(y, float))
    return dict(type="scatter", x=x, y=y, name=name, mode="lines", line=dict(color=color, dash=dash, width=width))


def _figure(traces: list[dict], title: str, x_title: str, y_title: str, **layout) -> go.Figure:
    base = dict(
        title=dict(text=title),
        xaxis=dict(title=dict(text=x_title)),
        yaxis=dict(title=dict(text=y_title)),
        height=440,
        margin=MARGIN,
        legend=LEGEND_BELOW,
    )
    for key, value in layout.items():
        base[key] = {**base.get(key, {}), **value}
    return go.Figure(dict(data=traces, layout=base), _validate=False)


def fig_gradient_norms(report: FlowReport, t) -> go.Figure:
    """log10 ||dL/dh_t|| (all later losses) and log10 ||dL_T/dh_t|| (last loss only) against t."""
    steps = np.arange(1, report.grad_steps + 1)
    traces = [
        _line(steps, report.grad_total, t("flow.grad.total"), BLUE),
        _line(steps, report.grad_last, t("flow.grad.last"), ORANGE, dash="dash"),
    ]
    return _figure(traces, t("flow.grad.title"), t("flow.axis.t"), t("flow.axis.log10_norm"))


def fitted_line(report: FlowReport) -> tuple[np.ndarray, np.ndarray]:
    """The fitted growth line over the distances it was fitted on: (k, log10 value)."""
    spec = report.jac_spectral[::-1]  # index k = T - t
    k = np.arange(report.steps + 1)
    keep = k >= (report.steps // 2 if report.steps >= 4 else 1)
    if not np.isfinite(report.log10_growth) or not np.all(np.isfinite(spec[keep])):
        return np.empty(0), np.empty(0)
    offset = np.mean(spec[keep] - report.log10_growth * k[keep])
    return k[keep], offset + report.log10_growth * k[keep]


def fig_jacobian_products(report: FlowReport, t) -> go.Figure:
    """log10 ||dh_T/dh_t|| against the distance T - t, with bounds and the fitted rate."""
    k = np.arange(report.steps + 1)
    traces = []
    if np.all(np.isfinite(report.band_low[np.isfinite(report.band_high)])) and np.isfinite(report.band_high).any():
        low, high = report.band_low[::-1], report.band_high[::-1]
        keep = np.isfinite(low) & np.isfinite(high)
        edge = dict(type="scatter", x=k[keep], mode="lines", line=dict(width=0))
        traces += [
            dict(edge, y=high[keep], showlegend=False, hoverinfo="skip"),
            dict(edge, y=low[keep], fill="tonexty", fillcolor="rgba(127,127,127,0.2)", name=t("flow.jac.band")),
        ]
    bound = report.gamma * report.spectrum.sigma_max
    if bound > 0:
        traces.append(_line(k, k * np.log10(bound), t("flow.jac.pascanu"), RED, dash="dot"))
    if report.spectrum.radius > 0:
        traces.append(_line(k, k * np.log10(report.spectrum.radius), t("flow.jac.rho"), PURPLE, dash="dot"))
    fit_k, fit_y = fitted_line(report)
    traces.append(_line(fit_k, fit_y, t("flow.jac.fit", g=10**report.log10_growth), GREEN, dash="dash"))
    traces.append(_line(k, report.jac_frobenius[::-1], t("flow.jac.fro"), ORANGE, width=1.5))
    traces.append(_line(k, report.jac_spectral[::-1], t("flow.jac.spectral"), BLUE))
    # Frame the norms and the lines, not the band: its lower edge can sit hundreds of decades
    # further down (one near-singular J_t suffices). Zooming out shows all of it.
    shown = np.concatenate([tr["y"] for tr in traces if tr.get("fill") is None and tr.get("showlegend", True)])
    layout = {}
    if shown.size:
        pad = 0.05 * max(1.0, np.ptp(shown))
        layout["yaxis"] = dict(range=[float(shown.min() - pad), float(shown.max() + pad)])
    return _figure(traces, t("flow.jac.title"), t("flow.axis.distance"), t("flow.axis.log10_norm"), **layout)


def fig_weight_contributions(report: FlowReport, t) -> go.Figure:
    """log10 ||dL/da_t h_{t-1}^T||_F: which steps feed the update of W_h."""
    steps = np.arange(1, report.grad_steps + 1)
    x, y = _finite(steps.astype(float), report.weight_terms)
    bars = dict(type="bar", x=x, y=y, marker=dict(color=BLUE), name=t("flow.weight.name"))
    return _figure([bars], t("flow.weight.title"), t("flow.axis.t"), t("flow.axis.log10_norm"))


def fig_eigenvalues(report: FlowReport, t) -> go.Figure:
    """Eigenvalues of W_h in the complex plane with the unit circle and the 1/gamma circle."""
    angle = np.linspace(0, 2 * np.pi, 241)
    eig = report.spectrum.eigenvalues
    traces = [
        _line(np.cos(angle), np.sin(angle), t("flow.eig.unit"), GREY),
        _line(
            np.cos(angle) / report.gamma,
            np.sin(angle) / report.gamma,
            t("flow.eig.gamma", r=1 / report.gamma),
            RED,
            "dot",
        ),
        dict(
            type="scatter",
            x=eig.real,
            y=eig.imag,
            mode="markers",
            marker=dict(color=BLUE, size=6),
            name=t("flow.eig.name"),
        ),
    ]
    square = dict(yaxis=dict(scaleanchor="x", scaleratio=1))
    return _figure(traces, t("flow.eig.title"), t("flow.axis.real"), t("flow.axis.imag"), **square)


def fig_singular_values(report: FlowReport, t) -> go.Figure:
    """Singular values of W_h, largest first, against 1/gamma."""
    sv = report.spectrum.singular_values
    index = np.arange(1, sv.size + 1)
    traces = [
        dict(type="bar", x=index, y=sv, marker=dict(color=BLUE), name=t("flow.sv.name")),
        _line([0.5, sv.size + 0.5], [1 / report.gamma] * 2, t("flow.sv.gamma"), RED, "dot"),
    ]
    return _figure(traces, t("flow.sv.title"), t("flow.axis.index"), t("flow.axis.sigma"))


def curves_csv(report: FlowReport) -> str:
    """Every drawn curve as CSV, one row per t = 0..T (log10 values; empty where undefined)."""
    rows = io.StringIO()
    writer = csv.writer(rows)
    writer.writerow(
        [
            "t",
            "distance_T_minus_t",
            "log10_dL_dh_t",
            "log10_dLT_dh_t",
            "log10_weight_term_t",
            "log10_jac_spectral",
            "log10_jac_frobenius",
            "log10_band_low",
            "log10_band_high",
        ]
    )

    def cell(values: np.ndarray, i: int) -> str:
        return f"{values[i]:.12g}" if 0 <= i < values.size and np.isfinite(values[i]) else ""

    for step in range(report.steps + 1):
        g = step - 1  # per-step curves start at t = 1
        writer.writerow(
            [
                step,
                report.steps - step,
                cell(report.grad_total, g),
                cell(report.grad_last, g),
                cell(report.weight_terms, g),
                cell(report.jac_spectral, step),
                cell(report.jac_frobenius, step),
                cell(report.band_low, step),
                cell(report.band_high, step),
            ]
        )
    return rows.getvalue()
