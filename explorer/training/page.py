"""Training lab: the same long-dependency task learnt by a vanilla RNN, an IRNN, an LSTM and a GRU, live."""

from __future__ import annotations

import streamlit as st

from explorer.shared import context, widgets
from explorer.training import panels, report
from explorer.training.compute import race_job, sweep_job
from explorer.training.presets import matching_preset
from explorer.training.settings import LabModel, LabOptim, LabPlan, LabTask

t, _ = context.get()
st.title(t("training.title"))
st.markdown(t("training.intro"))

panels.preset_picker(t)
columns = st.columns(3)
with columns[0]:
    task = widgets.draw(LabTask, t, prefix="training.settings")
with columns[1]:
    model = widgets.draw(LabModel, t, prefix="training.settings")
with columns[2]:
    optim = widgets.draw(LabOptim, t, prefix="training.settings")
plan = LabPlan(task, model, optim)

if not task.kinds():
    st.info(t("training.no_runs"))
    st.stop()
iterations = report.affordable_iterations(plan)
if iterations < optim.iterations:
    st.warning(t("training.budget", asked=optim.iterations, used=iterations))
preset = matching_preset(plan)

job = race_job(plan)
state, result, progress = job.read()
if preset is not None:
    panels.preset_note(t, preset, result.runs if state == "done" else None)

if job.done:
    panels.race_panel(t, plan, state, result, progress)
    if state == "done":
        panels.exports(t, plan, result)
else:

    @st.fragment(run_every=panels.LIVE_SECONDS)
    def live_race() -> None:
        job.touch()
        state, result, progress = job.read()
        if job.done:
            st.rerun()  # the whole page: badge, verdicts, downloads
        panels.race_panel(t, plan, state, result, progress)

    live_race()

st.header(t("training.sweep.title"))
st.markdown(t("training.sweep.intro"))
start = st.button(t("training.sweep.button"), key="training_sweep_start")
sweep = sweep_job(plan, start)
if sweep is not None and not sweep.done:

    @st.fragment(run_every=panels.LIVE_SECONDS)
    def live_sweep() -> None:
        sweep.touch()
        if sweep.done:
            st.rerun()
        panels.sweep_panel(t, plan, sweep)

    live_sweep()
else:
    panels.sweep_panel(t, plan, sweep)
