"""Dynamics: which step influences which, the rate that governs it, where this setting sits between order and chaos."""

from __future__ import annotations

import math

import streamlit as st

from explorer.dynamics import compute, panels, report
from explorer.dynamics import figures as figs
from explorer.dynamics.settings import DynamicsSettings
from explorer.shared import context, widgets
from explorer.shared.layout import PLOT_CONFIG, chart
from explorer.shared.numbers import power_of_ten

t, settings = context.get()
st.title(t("dynamics.title"))
st.markdown(t("dynamics.intro"))
with st.container(border=True, horizontal=True):
    dyn = widgets.draw(DynamicsSettings, t, prefix="dynamics.settings")

# 1. Influence map
st.header(t("dynamics.influence.header"))
steps = compute.influence_steps(settings, dyn.cell)
if steps < settings.steps:
    st.info(t("dynamics.influence.capped", asked=settings.steps, used=steps, H=settings.hidden))
influence = compute.influence(settings.problem(steps), dyn.cell)
read = t(f"dynamics.read.influence.{dyn.cell}")
if not influence.exact:
    read += " " + t("dynamics.influence.approx", T=influence.steps)
chart(figs.fig_influence(influence.log10, t), "dynamics_influence", read)

# 2. Lyapunov exponents and the memory horizon
st.header(t("dynamics.exponents.header"))
exp_steps = compute.exponent_steps(settings, dyn.cell)
if exp_steps < settings.steps:
    st.info(t("dynamics.exponents.capped", asked=settings.steps, used=exp_steps))
ex = compute.exponents(settings.problem(exp_steps), dyn.cell, dyn.exponents)
top = float(ex.exponents[0])
cols = st.columns(4)
cols[0].metric(t("dynamics.m.lambda1"), f"{top:+.4f}" if math.isfinite(top) else "−∞")
cols[1].metric(t("dynamics.m.growth"), f"{ex.growth:+.4f}" if math.isfinite(ex.growth) else "—")
cols[2].metric(t("dynamics.m.bound"), f"{ex.bound:+.4f}" if math.isfinite(ex.bound) else "−∞")
horizon = ex.horizon
cols[3].metric(t("dynamics.m.horizon"), f"{horizon:.1f}" if math.isfinite(horizon) else "∞")
if not math.isfinite(top):
    st.markdown(t("dynamics.horizon.zero"))
elif top < 0:
    st.markdown(t("dynamics.horizon.vanish", steps=horizon, factor=power_of_ten(top * ex.steps), T=ex.steps))
elif top > 0:
    st.markdown(t("dynamics.horizon.explode", steps=horizon, factor=power_of_ten(top * ex.steps), T=ex.steps))
else:
    st.markdown(t("dynamics.horizon.edge"))
chart(figs.fig_exponents(ex, t), "dynamics_exponents", t("dynamics.read.exponents"))

# 3. Phase diagram: click a cell to move the sidebar there
st.header(t("dynamics.phase.header"))
grid = compute.phase_grid_size(settings, dyn.grid)
if grid < dyn.grid:
    st.info(t("dynamics.phase.capped", asked=dyn.grid, used=grid, H=settings.hidden))
phase = compute.phase(settings.activation, settings.init, settings.hidden, settings.seed, grid)
row, col = report.nearest_cell(phase, settings.rho, settings.input_scale)
here = phase.lambda1[row, col]
st.plotly_chart(
    figs.fig_phase(phase, settings.rho, settings.input_scale, t),
    width="stretch",
    config=PLOT_CONFIG,
    key=panels.PHASE_KEY,
    on_select=panels.move_sidebar_to_selection,
    selection_mode="points",
)
side = "order" if here < 0 else ("chaos" if here > 0 else "edge")
st.caption(
    t("dynamics.read.phase", rho=settings.rho, xs=settings.input_scale, value=here, side=t(f"dynamics.side.{side}"))
    + " "
    + (t("dynamics.read.phase.mean_field") if phase.mean_field else t("dynamics.read.phase.no_mean_field"))
)
