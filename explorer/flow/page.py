"""Gradient flow: how ||dL/dh_t|| and ||dh_T/dh_t|| vanish or explode with distance."""

from __future__ import annotations

import numpy as np
import streamlit as st

from explorer.flow.compute import flow_figures, flow_problem, flow_report
from explorer.shared import context
from explorer.shared.layout import chart

t, settings = context.get()
st.title(t("flow.title"))
st.markdown(t("flow.intro"))

problem = flow_problem(settings)
report = flow_report(problem, settings.band)
figures = flow_figures(t.lang, problem, settings.band)
if report.steps < settings.steps:
    st.info(t("flow.budget", asked=settings.steps, used=report.steps, H=settings.hidden))
if report.overflow_step is not None:
    st.warning(t("flow.overflow", step=report.overflow_step, shown=report.grad_steps))

v = report.verdict
cols = st.columns(6)
cols[0].metric(t("flow.m.rho"), f"{report.spectrum.radius:.3f}")
cols[1].metric(t("flow.m.sigma"), f"{report.spectrum.sigma_max:.3f}")
cols[2].metric(t("flow.m.gamma"), f"{report.gamma:g}")
cols[3].metric(t("flow.m.bound"), f"{v.bound:.3f}")
cols[4].metric(t("flow.m.growth"), f"{v.growth:.4f}")
cols[5].metric(t("flow.m.verdict"), t(f"flow.verdict.{v.kind}"))
st.markdown(t(f"flow.rule.{v.rule}", bound=v.bound, growth=v.growth, tol=0.02, kind=t(f"flow.verdict.{v.kind}")))

if report.grad_steps > 0:
    chart(figures["grad"], "flow_grad", t("flow.grad.read"))
chart(figures["jac"], "flow_jac", t("flow.jac.read"))
if report.grad_steps > 0:
    chart(figures["weight"], "flow_weight", t("flow.weight.read"))
left, right = st.columns(2)
with left:
    chart(figures["eig"], "flow_eig", t("flow.eig.read"))
with right:
    chart(figures["sv"], "flow_sv", t("flow.sv.read"))

st.download_button(
    t("flow.csv"),
    figures["csv"],
    file_name=f"bptt_flow_T{report.steps}_H{report.hidden}_rho{settings.rho}_seed{settings.seed}.csv",
    mime="text/csv",
    key="flow_csv",
)
st.caption(t("flow.csv.help", loss=f"{report.loss:.6g}" if np.isfinite(report.loss) else "—"))
