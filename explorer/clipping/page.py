"""Clipping: Pascanu's cliff with three descents, then clipping the main RNN's raw gradient."""

from __future__ import annotations

import math

import streamlit as st

from explorer.clipping import figures as figs
from explorer.clipping.compute import cliff_descent, cliff_surface, clip_reports, clipping_problem
from explorer.clipping.report import METHODS
from explorer.clipping.settings import ClippingSettings
from explorer.shared import context
from explorer.shared.layout import chart
from explorer.shared.widgets import draw


def norm_text(value: float, digits: int = 4) -> str:
    """A norm for display; "overflow" instead of inf (docs/maths.md, "Numbers that leave float64")."""
    return f"{value:.{digits}g}" if math.isfinite(value) else t("clipping.rnn.overflow")


t, settings = context.get()
st.title(t("clipping.title"))
st.markdown(t("clipping.intro"))

controls, surface_column = st.columns([1, 3])
with controls:
    st.subheader(t("clipping.settings.header"))
    clip = draw(ClippingSettings, t, prefix="clipping.settings")

runs = {
    name: cliff_descent(clip.start_w, clip.start_b, clip.lr, clip.iterations, name, clip.limit_for(name))
    for name in METHODS
}
with surface_column:
    chart(figs.fig_cliff_surface(*cliff_surface(), runs, t), "clipping_cliff", t("clipping.read.cliff"))
for name, run in runs.items():
    if run.stopped_at is not None:
        st.info(t("clipping.note.stopped", method=t(f"clipping.method.{name}"), step=run.stopped_at))
norms = {name: run.grad_norms for name, run in runs.items()}
chart(figs.fig_gradient_norms(norms, clip.threshold, t), "clipping_norms", t("clipping.read.norms"))
st.markdown("\n".join(f"- {t(f'clipping.cost.{key}')}" for key in (*METHODS, "neither")))

st.header(t("clipping.rnn.header"))
problem = clipping_problem(settings)
steps = problem.steps
st.markdown(t("clipping.rnn.intro", T=steps, H=settings.hidden, thr=clip.threshold, limit=clip.limit))
if steps < settings.steps:
    st.info(t("clipping.rnn.budget", asked=settings.steps, used=steps, H=settings.hidden))
reports, overflow_step = clip_reports(problem, clip.threshold, clip.limit)
if overflow_step is not None:
    st.warning(t("clipping.rnn.forward_overflow", step=overflow_step, used=max(overflow_step - 1, 0)))
if not all(math.isfinite(r.norm_before) for r in reports.values()):
    st.warning(t("clipping.note.overflow"))
columns = st.columns(len(reports))
for column, (name, report) in zip(columns, reports.items(), strict=True):
    column.metric(
        t(f"clipping.method.{name}"),
        t("clipping.rnn.metric_norm", before=norm_text(report.norm_before, 3), after=norm_text(report.norm_after, 3)),
        t("clipping.rnn.metric_cos", cosine=report.cosine, percent=100 * report.fraction_clipped),
        delta_color="off",
    )
norm, value = reports["norm"], reports["value"]
norm_key = "norm_active" if norm.fraction_clipped > 0 else "norm_idle"
value_key = "value_active" if value.fraction_clipped > 0 else "value_idle"
st.markdown(
    "- "
    + t(
        f"clipping.rnn.verdict.{norm_key}",
        before=norm_text(norm.norm_before),
        after=norm_text(norm.norm_after),
        thr=clip.threshold,
    )
    + "\n- "
    + t(
        f"clipping.rnn.verdict.{value_key}", percent=100 * value.fraction_clipped, limit=clip.limit, cosine=value.cosine
    )
)
st.subheader(t("clipping.report.title"))
norms_fig, cosine_fig = figs.fig_clip_report(reports, t)
left, right = st.columns(2)
with left:
    chart(norms_fig, "clipping_report", t("clipping.read.report"))
with right:
    chart(cosine_fig, "clipping_cosine", t("clipping.read.report_cosine"))
