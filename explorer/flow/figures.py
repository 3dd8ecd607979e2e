"""Figures of the gradient-flow view: pure functions of FlowReports (no streamlit).

Magnitudes are drawn as log10 on a linear axis: 10^-700 is a point like any other.
Points that are exactly zero (log10 = -inf) are left out, never drawn as NaN; the page says
why in a sentence when a chart has nothing left to draw (explorer/flow/notes.py).

Compare mode: every fig_* takes the first report and optionally a second one (`other`) with a
label naming each setting; the second setting's curves use their own colours and dashes.
Chart text uses Plotly's HTML subset (<sub>, <sup>) for mathematics, never TeX or "_{...}".
"""

from __future__ import annotations

import csv
import io
import math

import numpy as np
import plotly.graph_objects as go

from explorer.flow.report import FlowReport
from explorer.shared.style import LEGEND_BELOW, MARGIN

# Every colour keeps a contrast of at least 3:1 against both the light (#ffffff) and the dark
# (#0e1117) background (tests/views/flow/test_flow_figures.py checks it on every trace).
BLUE, ORANGE, GREEN, RED = "#2f80ed", "#e0780b", "#1f9d55", "#e0443a"
GREY, PURPLE, TEAL, PINK = "#8f8f8f", "#9a6bf0", "#0891b2", "#d0459a"
BAND_FILL = "rgba(143,143,143,0.25)"
HEIGHT = 440


def _finite(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    keep = np.isfinite(y)
    return x[keep], y[keep]


# Traces and layouts are plain dicts and the Figure skips validation: built on every
# uncached rerun, a validated figure costs about 8x more (measured: 6.8 ms vs 0.8 ms).


def _line(x, y, name, color, dash="solid", width=2) -> dict:
    """A line trace of the finite points; a lone point is drawn as a marker (a line needs two)."""
    x, y = _finite(np.asarray(x, float), np.asarray(y, float))
    mode = "lines" if x.size > 1 else "markers"
    return dict(
        type="scatter",
        x=x,
        y=y,
        name=name,
        mode=mode,
        line=dict(color=color, dash=dash, width=width),
        marker=dict(color=color, size=9),
    )


LEGEND_ROW = 22  # px per legend row; a phone wraps every entry onto its own row


def _figure(traces: list[dict], title: str, x_title: str, y_title: str, **layout) -> go.Figure:
    """A figure from plain dicts; taller by one legend row per entry past three, so that a legend
    wrapped on a phone does not squeeze the plot area into the axis title."""
    entries = sum(1 for tr in traces if tr.get("showlegend", True) and tr.get("name"))
    subtitle = layout.pop("subtitle", None)
    base = dict(
        title=dict(text=title)
        if subtitle is None
        else dict(text=title, subtitle=dict(text=subtitle, font=dict(size=12))),
        xaxis=dict(title=dict(text=x_title)),
        yaxis=dict(title=dict(text=y_title)),
        height=HEIGHT + LEGEND_ROW * max(0, entries - 3),
        margin=MARGIN,
        legend=LEGEND_BELOW,
        # An empty template: Plotly would otherwise build its default template into every figure
        # (5% of an uncached rerun); the app serves the default one, shared, at freeze time
        # (explorer/shared/frozen.py). Drawn outside the app, a figure has Plotly's plain look.
        template={},
    )
    for key, value in layout.items():
        base[key] = {**base.get(key, {}), **value} if isinstance(value, dict) else value
    return go.Figure(dict(data=traces, layout=base), _validate=False)


def horizon_marker(report: FlowReport, t, at_distance: bool) -> dict:
    """Layout entries marking the memory horizon 1/|lambda_1| (dynamics view) where it falls on the chart.

    at_distance: the x axis is the distance T - t (Jacobian chart), else the step t (gradient chart).
    """
    horizon = report.horizon
    if horizon is None or horizon > report.steps:
        return {}
    x = horizon if at_distance else report.steps - horizon
    text = t("flow.horizon.marker", steps=f"{horizon:.0f}" if horizon >= 10 else f"{horizon:.1f}")
    shape = dict(
        type="line", x0=x, x1=x, xref="x", y0=0, y1=1, yref="paper", line=dict(color=GREY, dash="dot", width=1.5)
    )
    note = dict(
        x=x, xref="x", y=1, yref="paper", text=text, showarrow=False, yanchor="bottom", font=dict(color=GREY, size=11)
    )
    return {"shapes": [shape], "annotations": [note]}


def _integer_ticks(steps: int) -> dict:
    """Steps are whole numbers: with few of them, one tick per step (never 0.5)."""
    return {"xaxis": dict(dtick=1)} if steps <= 10 else {}


def _named(name: str, label: str | None) -> str:
    """A trace name, followed by the setting it belongs to when two settings are compared."""
    return name if label is None else f"{name} · {label}"


def has_points(trace: dict) -> bool:
    return len(trace.get("y", ())) > 0


def fig_gradient_norms(report: FlowReport, t, other: FlowReport | None = None, labels=(None, None)) -> go.Figure:
    """log10 ||dL/dh_t|| (all later losses) and log10 ||dL_T/dh_t|| (last loss only) against t."""
    traces = []
    styles = ((BLUE, ORANGE, "solid", "dash"), (TEAL, PINK, "dashdot", "dot"))
    for rep, label, (c_total, c_last, d_total, d_last) in zip((report, other), labels, styles, strict=True):
        if rep is None:
            continue
        steps = np.arange(1, rep.grad_steps + 1)
        traces += [
            _line(steps, rep.grad_total, _named(t("flow.grad.total"), label), c_total, d_total),
            _line(steps, rep.grad_last, _named(t("flow.grad.last"), label), c_last, d_last),
        ]
    layout = _integer_ticks(max([report.grad_steps] + ([other.grad_steps] if other is not None else [])))
    if report.grad_steps == report.steps:
        layout.update(horizon_marker(report, t, at_distance=False))
    return _figure(traces, t("flow.grad.title"), t("flow.axis.t"), t("flow.axis.log10_norm"), **layout)


def fitted_line(report: FlowReport) -> tuple[np.ndarray, np.ndarray]:
    """The fitted growth line over the distances it was fitted on: (k, log10 value); empty when there is no rate."""
    spec = report.jac_spectral[::-1]  # index k = T - t
    k = np.arange(report.steps + 1)
    keep = k >= (report.steps // 2 if report.steps >= 4 else 1)
    if not report.has_rate or not np.all(np.isfinite(spec[keep])):
        return np.empty(0), np.empty(0)
    offset = np.mean(spec[keep] - report.log10_growth * k[keep])
    return k[keep], offset + report.log10_growth * k[keep]


def reference_lines(report: FlowReport) -> dict[str, np.ndarray]:
    """The straight reference lines of the RNN's Jacobian chart, (T+1,) each over k = T - t: log10 of
    the Pascanu bound (gamma sigma_max)^k and of rho^k (only those with a positive base)."""
    if report.cell != "rnn":
        return {}
    k = np.arange(report.steps + 1)
    lines = {}
    bound = report.gamma * report.spectrum.sigma_max
    if bound > 0:
        lines["pascanu"] = k * np.log10(bound)
    if report.spectrum.radius > 0:
        lines["rho"] = k * np.log10(report.spectrum.radius)
    return lines


def jacobian_frame(report: FlowReport, other: FlowReport | None = None) -> tuple[float, float] | None:
    """The y range of the Jacobian chart: the measured norms and fits (never the bounds), padded."""
    shown = []
    for rep in (report, other):
        if rep is None:
            continue
        shown += [rep.jac_spectral, rep.jac_frobenius, fitted_line(rep)[1]]
    values = np.concatenate(shown)
    values = values[np.isfinite(values)]
    if values.size == 0:
        return None
    pad = 0.08 * max(0.5, float(np.ptp(values)))
    return float(values.min() - pad), float(values.max() + pad)


def leaving_frame(line: np.ndarray, frame: tuple[float, float]) -> tuple[int, float, str] | None:
    """(distance where the line leaves the frame, its value at the far end, "up"/"down"), or None if it stays inside."""
    lo, hi = frame
    outside = (line > hi) | (line < lo)
    if not outside.any():
        return None
    k = int(np.argmax(outside))
    return k, float(line[-1]), "up" if line[k] > hi else "down"


def _exit_marker(k: int, frame: tuple[float, float], direction: str, text: str, color: str) -> dict:
    """A triangle on the frame's edge where a reference line leaves it, pointing the way it goes."""
    return dict(
        type="scatter",
        x=[k],
        y=[frame[1] if direction == "up" else frame[0]],
        mode="markers",
        marker=dict(symbol="triangle-up" if direction == "up" else "triangle-down", size=13, color=color),
        cliponaxis=False,
        showlegend=False,
        hovertext=[text],
        hoverinfo="text",
    )


def fig_jacobian_products(report: FlowReport, t, other: FlowReport | None = None, labels=(None, None)) -> go.Figure:
    """log10 ||ds_T/ds_t|| against the distance T - t, framed on the measured norms.

    The Pascanu bound and rho^(T-t) are drawn where they fall inside that frame; where one
    leaves it, an arrow at the frame's edge says where it goes (it can sit hundreds of decades
    away and would flatten the measured curve, e.g. a +0.35-decade transient bump).
    """
    k = np.arange(report.steps + 1)
    traces, exits = [], []
    if np.isfinite(report.band_high).any() and np.all(np.isfinite(report.band_low[np.isfinite(report.band_high)])):
        low, high = report.band_low[::-1], report.band_high[::-1]
        keep = np.isfinite(low) & np.isfinite(high)
        edge = dict(type="scatter", x=k[keep], mode="lines", line=dict(width=0))
        traces += [
            dict(edge, y=high[keep], showlegend=False, hoverinfo="skip"),
            dict(edge, y=low[keep], fill="tonexty", fillcolor=BAND_FILL, name=t("flow.jac.band")),
        ]
    frame = jacobian_frame(report, other)
    lines = reference_lines(report)
    styles = {"pascanu": (t("flow.jac.pascanu"), RED), "rho": (t("flow.jac.rho"), PURPLE)}
    for name, line in lines.items():
        title, color = styles[name]
        traces.append(_line(k, line, _named(title, labels[0] if other is not None else None), color, dash="dot"))
        exit_ = leaving_frame(line, frame) if frame else None
        if exit_ is not None:
            at, far, direction = exit_
            text = t(
                f"flow.jac.exit_{direction}", name=t(f"flow.jac.{name}.short"), value=_decades(far), T=report.steps
            )
            exits.append(f'<span style="color:{color}">{text}</span>')
            traces.append(_exit_marker(at, frame, direction, text, color))
    fit_k, fit_y = fitted_line(report)
    if fit_k.size:
        fit_name = _named(t("flow.jac.fit", g=10**report.log10_growth), labels[0] if other is not None else None)
        traces.append(_line(fit_k, fit_y, fit_name, GREEN, dash="dash"))
    traces.append(_line(k, report.jac_frobenius[::-1], _named(t("flow.jac.fro"), labels[0]), ORANGE, width=1.5))
    traces.append(_line(k, report.jac_spectral[::-1], _named(t("flow.jac.spectral"), labels[0]), BLUE))
    if other is not None:
        k2 = np.arange(other.steps + 1)
        fit_k2, fit_y2 = fitted_line(other)
        if fit_k2.size:
            traces.append(
                _line(fit_k2, fit_y2, _named(t("flow.jac.fit", g=10**other.log10_growth), labels[1]), PINK, "dot")
            )
        traces.append(_line(k2, other.jac_spectral[::-1], _named(t("flow.jac.spectral"), labels[1]), TEAL, "dashdot"))
    layout = _integer_ticks(report.steps)
    layout.update(horizon_marker(report, t, at_distance=True))
    if frame is not None:
        layout["yaxis"] = dict(range=list(frame))
    if exits:  # under the title, clear of the curves: where each line that left the frame goes
        layout["subtitle"] = "<br>".join(exits)
        layout["margin"] = dict(t=MARGIN["t"] + 18 * len(exits))
    return _figure(traces, t("flow.jac.title"), t("flow.axis.distance"), t("flow.axis.log10_norm"), **layout)


def _decades(log10_value: float) -> str:
    """10<sup>x</sup> for chart text (Plotly's HTML subset)."""
    return f"10<sup>{log10_value:.0f}</sup>".replace("-", "−")


def weight_floor(report: FlowReport) -> float | None:
    """The floor the weight-term bars stand on: below the smallest drawn term, so a longer bar is a larger term."""
    values = report.weight_terms[np.isfinite(report.weight_terms)]
    if values.size == 0:
        return None
    return float(np.floor(values.min() - 0.1 * max(1.0, float(np.ptp(values)))))


def fig_weight_contributions(report: FlowReport, t) -> go.Figure:
    """log10 ||dL/da_t h_{t-1}^T||_F as bars rising from the chart's floor: which steps feed the update of W_h."""
    steps = np.arange(1, report.grad_steps + 1)
    x, y = _finite(steps.astype(float), report.weight_terms)
    floor = weight_floor(report)
    bars = dict(
        type="bar",
        x=x,
        y=y - (floor if floor is not None else 0.0),
        base=floor if floor is not None else 0.0,
        customdata=y,
        hovertemplate="t = %{x}<br>log<sub>10</sub> = %{customdata:.3f}<extra></extra>",
        marker=dict(color=BLUE),
        name=t("flow.weight.name"),
    )
    layout = _integer_ticks(report.grad_steps)
    if floor is not None and y.size:
        layout["yaxis"] = dict(range=[floor, float(y.max() + 0.05 * max(1.0, np.ptp(y)))])
    return _figure([bars], t("flow.weight.title"), t("flow.axis.t"), t("flow.axis.log10_norm"), **layout)


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

    rows_n = report.steps + 1

    def column(values: np.ndarray, first: int) -> list[str]:
        """values[row + first] for row = 0..T as text, "" where undefined (outside the array or not finite).

        Whole columns through tolist(): indexing numpy scalars cell by cell cost 5% of an uncached rerun."""
        texts = [f"{v:.12g}" if math.isfinite(v) else "" for v in np.asarray(values, float).tolist()]
        return [texts[i] if 0 <= i < len(texts) else "" for i in range(first, first + rows_n)]

    # per-step curves start at t = 1 (index t - 1); the Jacobian curves at t = 0
    columns = [column(report.grad_total, -1), column(report.grad_last, -1), column(report.weight_terms, -1)]
    columns += [column(v, 0) for v in (report.jac_spectral, report.jac_frobenius, report.band_low, report.band_high)]
    writer.writerows([step, report.steps - step, *cells] for step, cells in enumerate(zip(*columns, strict=True)))
    return rows.getvalue()
