"""The training lab's shared computations: one job board per server process.

Jobs (explorer/training/jobs.py) run in background threads, keyed by the LabPlan: every session
looking at the same plan shares one race and, once it is finished, its result.
"""

from __future__ import annotations

import streamlit as st

from explorer.training import report
from explorer.training.jobs import Job, JobBoard
from explorer.training.settings import LabPlan


@st.cache_resource(show_spinner=False)
def board() -> JobBoard:
    """The process's job board (cache_resource: one object shared by every session)."""
    return JobBoard()


def race_job(plan: LabPlan) -> Job:
    """The race for this plan: running, finished, or started now."""
    return board().get_or_start(("race", plan), lambda job: report.race(plan, job))


def sweep_job(plan: LabPlan, start: bool) -> Job | None:
    """The success-against-T sweep for this plan (its lag and seed do not matter): started only on request."""
    key = ("sweep", plan.task.task, plan.task.kinds(), plan.model, plan.optim.optimizer, plan.optim.lr)
    key += (plan.optim.clip, plan.optim.batch, plan.optim.iterations, plan.optim.seed)
    if start:
        return board().get_or_start(key, lambda job: report.sweep(plan, job))
    return board().peek(key)
