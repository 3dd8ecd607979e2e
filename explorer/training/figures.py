"""Figures of the training lab (Plotly only): the loss race, gradient norms, reach of the gradient, success against T.

Pure functions of TrainingRun / SweepResult data and a translator t. Losses and norms are drawn
as log10 values on a linear axis, so a loss of 1e-5 and a norm of 1e-300 stay drawable; points
that are not finite are dropped.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from explorer.shared.style import LEGEND_BELOW, MARGIN

RUN_COLOURS = {"rnn": "#d62728", "irnn": "#ff7f0e", "lstm": "#1f77b4", "gru": "#2ca02c"}
CHANCE_COLOUR = "#7f7f7f"


def _log10(values) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log10(np.asarray(values, dtype=float))


def _finite(x, y) -> tuple[np.ndarray, np.ndarray]:
    x, y = np.asarray(x), np.asarray(y, dtype=float)
    keep = np.isfinite(y)
    return x[keep], y[keep]


def smoothed(values: np.ndarray, window: int) -> np.ndarray:
    """Trailing mean over `window` iterations (the first ones average what exists)."""
    values = np.asarray(values, dtype=float)
    if values.size == 0 or window <= 1:
        return values
    cumulative = np.cumsum(np.insert(values, 0, 0.0))
    idx = np.arange(1, values.size + 1)
    start = np.maximum(idx - window, 0)
    return (cumulative[idx] - cumulative[start]) / (idx - start)


def _curve(x, log10_values, colour: str, width: float, name: str, group: str, **style) -> go.Scatter:
    """One run's line (its finite points only), grouped in the legend with the run's other lines."""
    x, y = _finite(x, log10_values)
    style.setdefault("mode", "lines")
    return go.Scatter(x=x, y=y, line=dict(color=colour, width=width), name=name, legendgroup=group, **style)


def _layout(fig: go.Figure, title: str, x_label: str, y_label: str, height: int = 380) -> go.Figure:
    fig.update_layout(title=title, xaxis_title=x_label, yaxis_title=y_label, height=height, margin=MARGIN)
    fig.update_layout(legend=LEGEND_BELOW)
    return fig


def fig_losses(runs: dict, chance: float, iterations: int, names: dict, t) -> go.Figure:
    """Training loss (smoothed, thin) and test loss (markers) per iteration, every run; the chance line."""
    fig = go.Figure()
    window = max(1, iterations // 50)
    for kind, run in runs.items():
        colour = RUN_COLOURS[kind]
        its = np.arange(1, run.losses.size + 1)
        train, test = t("training.fig.train", run=names[kind]), t("training.fig.test", run=names[kind])
        fig.add_trace(_curve(its, _log10(smoothed(run.losses, window)), colour, 1, train, kind, opacity=0.6))
        fig.add_trace(
            _curve(run.test_iterations, _log10(run.test_losses), colour, 2.5, test, kind, mode="lines+markers")
        )
    fig.add_hline(y=float(np.log10(chance)), line=dict(color=CHANCE_COLOUR, dash="dash", width=2))
    fig.add_annotation(
        x=1,
        xref="paper",
        xanchor="right",
        y=float(np.log10(chance)),
        yanchor="bottom",
        text=t("training.fig.chance"),
        showarrow=False,
    )
    fig.update_xaxes(range=[0, iterations])
    return _layout(fig, t("training.fig.losses.title"), t("training.fig.iteration"), t("training.fig.losses.y"))


def fig_grad_norms(runs: dict, clip: float, iterations: int, names: dict, t) -> go.Figure:
    """Gradient norm before clipping (thin) and after (thick), log10, every run; the threshold."""
    fig = go.Figure()
    for kind, run in runs.items():
        colour = RUN_COLOURS[kind]
        its = np.arange(1, run.grad_norms.size + 1)
        before, after = t("training.fig.before", run=names[kind]), t("training.fig.after", run=names[kind])
        fig.add_trace(_curve(its, _log10(run.grad_norms), colour, 1, before, kind, opacity=0.5))
        if clip > 0:
            fig.add_trace(_curve(its, _log10(run.clipped_norms), colour, 2, after, kind))
    if clip > 0:
        fig.add_hline(y=float(np.log10(clip)), line=dict(color=CHANCE_COLOUR, dash="dash", width=2))
    fig.update_xaxes(range=[0, iterations])
    return _layout(fig, t("training.fig.norms.title"), t("training.fig.iteration"), t("training.fig.norms.y"))


def fig_reach(runs: dict, names: dict, cue_step: float | None, t) -> go.Figure:
    """One heatmap per run over (test iteration, step t): log10 ||dL/dh_t|| for the loss at the answer."""
    kinds = [k for k, run in runs.items() if run.profiles.size]
    fig = make_subplots(rows=1, cols=max(1, len(kinds)), shared_yaxes=True, subplot_titles=[names[k] for k in kinds])
    values = np.concatenate([runs[k].profiles[np.isfinite(runs[k].profiles)] for k in kinds]) if kinds else np.zeros(1)
    top = float(np.max(values)) if values.size else 0.0
    low = max(float(np.min(values)) if values.size else -1.0, top - 12.0)  # a dozen decades of contrast
    for col, kind in enumerate(kinds, start=1):
        run = runs[kind]
        z = np.where(np.isfinite(run.profiles), run.profiles, np.nan).T  # (L, S)
        fig.add_trace(
            go.Heatmap(
                x=run.profile_iterations,
                y=np.arange(1, run.sequence_length + 1),
                z=np.clip(z, low, top),
                zmin=low,
                zmax=top,
                colorscale="Viridis",
                showscale=col == len(kinds),
                colorbar=dict(title=dict(text="log₁₀", side="right")),
                hovertemplate="it %{x}<br>t %{y}<br>log₁₀ %{z:.1f}<extra></extra>",
            ),
            row=1,
            col=col,
        )
        if cue_step is not None:
            fig.add_hline(y=cue_step, line=dict(color="#ffffff", dash="dot", width=1), row=1, col=col)
    fig.update_xaxes(title_text=t("training.fig.iteration"))
    fig.update_yaxes(title_text=t("training.fig.reach.y"), row=1, col=1)
    fig.update_layout(title=t("training.fig.reach.title"), height=380, margin=MARGIN)
    return fig


def fig_cue(runs: dict, names: dict, t) -> go.Figure:
    """log10 ||dL/dh_cue|| per test iteration: how much of the answer's gradient reaches the cue."""
    fig = go.Figure()
    for kind, run in runs.items():
        x, y = _finite(run.profile_iterations, run.cue_profile)
        fig.add_trace(
            go.Scatter(x=x, y=y, mode="lines+markers", line=dict(color=RUN_COLOURS[kind], width=2), name=names[kind])
        )
    return _layout(fig, t("training.fig.cue.title"), t("training.fig.iteration"), t("training.fig.cue.y"), height=320)


def fig_success(sweep, names: dict, t) -> go.Figure:
    """Fraction of seeds that succeed against the lag T, one line per run kind (log x axis)."""
    fig = go.Figure()
    lags = np.asarray(sweep.lags)
    for kind, success in sweep.success.items():
        rows = np.arange(len(lags))
        done = np.array([np.isfinite(sweep.test_loss[kind][i]).all() for i in rows])
        fraction = success.mean(axis=1)
        fig.add_trace(
            go.Scatter(
                x=lags[done],
                y=fraction[done],
                mode="lines+markers",
                line=dict(color=RUN_COLOURS[kind], width=2.5),
                marker=dict(size=10),
                name=names[kind],
            )
        )
    fig.update_xaxes(type="log", tickvals=list(lags), ticktext=[str(v) for v in lags])
    fig.update_yaxes(range=[-0.05, 1.05], tickformat=".0%")
    return _layout(fig, t("training.fig.success.title"), t("training.fig.success.x"), t("training.fig.success.y"))


def curves_csv(runs: dict) -> str:
    """One row per (run, iteration): training loss, gradient norm before and after clipping, test loss if evaluated."""
    lines = ["run,iteration,train_loss,grad_norm,clipped_norm,test_loss"]
    for kind, run in runs.items():
        tests = dict(zip(run.test_iterations.tolist(), run.test_losses.tolist(), strict=True))
        if 0 in tests:
            lines.append(f"{kind},0,,,,{tests[0]!r}")
        for i in range(run.losses.size):
            test = tests.get(i + 1, "")
            lines.append(
                f"{kind},{i + 1},{run.losses[i]!r},{run.grad_norms[i]!r},{run.clipped_norms[i]!r},{test!r}".replace(
                    ",''", ","
                )
            )
    return "\n".join(lines) + "\n"
