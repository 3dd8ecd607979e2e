"""Streamlit panels of the training lab: the preset picker, the race (live or finished), the sweep.

Kept out of page.py so the page reads top to bottom: settings, job, panels.
"""

from __future__ import annotations

import math

import numpy as np
import streamlit as st

import bptt_core as bc
from bptt_core.export import torch_npz
from explorer.shared.layout import chart
from explorer.shared.numbers import power_of_ten
from explorer.shared.settings import specs
from explorer.training import figures as figs
from explorer.training import report
from explorer.training.presets import LAB_PRESET_NAMES, lab_preset, reproduced
from explorer.training.settings import LabModel, LabOptim, LabPlan, LabTask

LIVE_SECONDS = 1.0  # how often a running race is redrawn


def run_names(t, kinds) -> dict[str, str]:
    return {kind: t(f"training.run.{kind}") for kind in kinds}


def _apply_preset() -> None:
    """on_change of the preset picker: every lab setting to the preset's value or its default."""
    name = st.session_state.get("lab_preset_picker")
    if not name:
        return
    values = lab_preset(name).values
    for cls in (LabTask, LabModel, LabOptim):
        for attr, key, _, default in specs(cls):
            st.session_state[key] = values.get(attr, default)


def preset_picker(t) -> None:
    st.selectbox(
        t("training.preset.label"),
        ("", *LAB_PRESET_NAMES),
        format_func=lambda n: t(f"training.preset.{n}") if n else t("training.preset.none"),
        key="lab_preset_picker",
        on_change=_apply_preset,
        help=t("training.preset.help"),
    )


def preset_note(t, preset, runs: dict | None) -> None:
    """The preset's explanation and, once its runs finished, whether it reproduced."""
    st.info(t(f"training.preset.{preset.name}.explain"))
    if runs is None or not preset.expect:
        return
    outcome = reproduced(preset, report.verdict_of(runs))
    if outcome is None:
        return
    names = run_names(t, preset.expect)
    expected = ", ".join(
        t("training.expect." + ("yes" if ok else "no"), run=names[k]) for k, ok in preset.expect.items()
    )
    if outcome:
        st.success(t("training.badge.yes", expected=expected))
    else:
        st.warning(t("training.badge.no", expected=expected))


def _final_text(t, run: bc.TrainingRun, name: str) -> str:
    if run.diverged:
        return t("training.result.diverged", run=name, iteration=run.iterations_done)
    accuracy = "" if run.test_accuracy is None else t("training.result.accuracy", accuracy=100 * run.test_accuracy)
    key = "training.result.success" if run.success else "training.result.failure"
    return t(key, run=name, loss=run.test_loss, chance=run.chance, ratio=run.test_loss / run.chance, accuracy=accuracy)


def race_panel(t, plan: LabPlan, state: str, result, progress: float) -> None:
    """Progress, the four charts and (once finished) the verdict sentences of one race."""
    runs = dict(result.runs) if result is not None else {}
    names = run_names(t, plan.task.kinds())
    iterations = result.iterations if result is not None else report.affordable_iterations(plan)
    if state in ("queued", "running"):
        done = int(round(progress * iterations))
        st.progress(progress, text=t("training.progress", done=done, total=iterations))
    if state == "failed":
        st.error(t("training.failed"))
    if not runs:
        st.info(t("training.waiting"))
        return
    chance = bc.TASKS[plan.task.task].chance(plan.task.lag)
    chart(figs.fig_losses(runs, chance, iterations, names, t), "training_losses", t("training.read.losses"))
    left, right = st.columns(2)
    with left:
        chart(
            figs.fig_grad_norms(runs, plan.optim.clip, iterations, names, t), "training_norms", t("training.read.norms")
        )
    with right:
        chart(figs.fig_cue(runs, names, t), "training_cue", t("training.read.cue"))
    cue = cue_step(plan)
    chart(figs.fig_reach(runs, names, cue, t), "training_reach", reach_sentence(t, runs, names))
    if state == "done":
        for kind, run in runs.items():
            st.markdown("- " + _final_text(t, run, names[kind]))


def cue_step(plan: LabPlan) -> float | None:
    """The step (1-based) of the information to remember, where it is fixed (None where it varies: adding)."""
    return {"first_symbol": 1.0, "copy": 1.0}.get(plan.task.task)


def reach_sentence(t, runs: dict, names: dict) -> str:
    """The reach chart's caption, with each run's last value at the cue computed from the numbers."""
    parts = []
    for kind, run in runs.items():
        if run.cue_profile.size and math.isfinite(run.cue_profile[-1]):
            parts.append(t("training.read.reach.run", run=names[kind], value=power_of_ten(run.cue_profile[-1])))
    return t("training.read.reach") + (" " + "; ".join(parts) + "." if parts else "")


def exports(t, plan: LabPlan, result) -> None:
    """CSV of the curves and the trained weights as PyTorch state dicts."""
    left, right = st.columns(2)
    left.download_button(
        t("training.export.csv"),
        figs.curves_csv(result.runs),
        file_name=f"bptt_lab_{plan.task.task}_T{plan.task.lag}.csv",
        mime="text/csv",
        key="training_csv",
    )
    right.download_button(
        t("training.export.weights"),
        torch_npz(result.models),
        file_name=f"bptt_lab_{plan.task.task}_T{plan.task.lag}.npz",
        key="training_weights",
    )
    st.caption(t("training.export.help"))


def sweep_panel(t, plan: LabPlan, job) -> None:
    """Success against T: its progress while it runs, the chart once it has results."""
    if job is None:
        st.caption(t("training.sweep.idle", lags=", ".join(map(str, report.SWEEP_LAGS)), seeds=report.SWEEP_SEEDS))
        return
    state, result, progress = job.read()
    if state in ("queued", "running"):
        st.progress(
            progress,
            text=t("training.sweep.progress", done=getattr(result, "done", 0), total=getattr(result, "total", 0)),
        )
    if result is None or not result.done:
        return
    names = run_names(t, plan.task.kinds())
    chart(figs.fig_success(result, names, t), "training_sweep", sweep_sentence(t, result, names))


def sweep_sentence(t, result, names: dict) -> str:
    parts = []
    for kind, success in result.success.items():
        rows = [i for i in range(len(result.lags)) if np.isfinite(result.test_loss[kind][i]).all()]
        if rows:
            last = rows[-1]
            parts.append(
                t("training.read.sweep.run", run=names[kind], lag=result.lags[last], share=100 * success[last].mean())
            )
    return t("training.read.sweep", iterations=result.iterations, seconds=result.seconds) + " " + "; ".join(parts)
