"""The training lab: shared jobs, the lockstep race against independent runs, presets, and the page under AppTest."""

from __future__ import annotations

import threading
import time
from dataclasses import replace

import numpy as np
import pytest

import bptt_core as bc
from explorer.training import report
from explorer.training.jobs import JobBoard
from explorer.training.presets import LAB_PRESETS, matching_preset, reproduced
from explorer.training.settings import LabModel, LabOptim, LabPlan, LabTask

TINY = LabPlan(
    LabTask(task="adding", lag=6, run_rnn=True, run_irnn=True, run_lstm=True, run_gru=True),
    LabModel(hidden=4),
    LabOptim(iterations=30, batch=4),
)
TINY_LINK = {"lag": "6", "units": "4", "its": "30", "batch": "4"}


class Recorder:
    """A stand-in job: collects what the work publishes."""

    def __init__(self):
        self.published = []
        self.stop = False

    def cancelled(self) -> bool:
        return self.stop

    def publish(self, value, progress) -> None:
        self.published.append(progress)


# ---------------------------------------------------------------- jobs


def test_many_sessions_on_one_key_start_one_job():
    board = JobBoard(max_running=1)
    calls = []
    gate = threading.Event()

    def work(job):
        calls.append(1)
        gate.wait(5)
        return "done"

    jobs = [board.get_or_start("k", work) for _ in range(60)]
    assert len({id(j) for j in jobs}) == 1 and board.started_count == 1
    gate.set()
    for _ in range(100):
        if jobs[0].done:
            break
        time.sleep(0.02)
    assert jobs[0].state == "done" and jobs[0].value == "done" and calls == [1]
    assert board.get_or_start("k", work) is jobs[0] and board.started_count == 1  # finished: served from the board


def test_a_job_nobody_watches_is_cancelled_and_jobs_wait_for_a_free_slot():
    board = JobBoard(max_running=1, idle=0.05)

    def work(job):
        while not job.cancelled():
            time.sleep(0.01)

    first = board.get_or_start("a", work)
    second = board.get_or_start("b", work)
    assert first.state == "running" and second.state == "queued"
    time.sleep(0.1)
    board.get_or_start("c", work)  # any visit tidies the board: a and b were not watched
    for _ in range(100):
        if first.done:
            break
        time.sleep(0.01)
    assert first.state == "cancelled" and second.cancelled()


def test_a_failing_job_is_reported_not_raised():
    board = JobBoard()
    job = board.get_or_start("bad", lambda job: 1 / 0)
    for _ in range(100):
        if job.done:
            break
        time.sleep(0.01)
    assert job.state == "failed" and "ZeroDivisionError" in job.error


# ---------------------------------------------------------------- race and sweep


def test_the_race_equals_each_run_trained_alone():
    """Lockstep threads must not change a run: compare with bptt_core.train on a fresh model."""
    result = report.race(TINY, Recorder())
    assert result.finished and set(result.runs) == {"rnn", "irnn", "lstm", "gru"}
    for kind, run in result.runs.items():
        alone = bc.train(report.make_model(kind, TINY, 0), "adding", **report.train_kwargs(TINY, 30))
        np.testing.assert_array_equal(run.losses, alone.losses)
        np.testing.assert_array_equal(run.test_losses, alone.test_losses)
        np.testing.assert_array_equal(run.profiles, alone.profiles)
    irnn = result.models["irnn"]
    assert irnn.activation == "relu"


def test_the_race_publishes_progress_and_stops_when_cancelled():
    job = Recorder()
    report.race(TINY, job)
    assert job.published[-1] == 1.0 and len(job.published) > 4
    job = Recorder()
    job.stop = True
    result = report.race(TINY, job)
    assert not result.finished and all(run.iterations_done <= 1 for run in result.runs.values())


def test_the_budget_caps_iterations_of_an_oversize_plan():
    huge = replace(
        TINY, task=replace(TINY.task, lag=200), model=LabModel(hidden=128), optim=LabOptim(iterations=5000, batch=128)
    )
    capped = report.affordable_iterations(huge)
    assert 1 <= capped < 5000
    assert report.plan_cost(huge, capped) <= report.LAB_BUDGET < report.plan_cost(huge, capped + 1)
    assert report.affordable_iterations(TINY) == 30


def test_the_sweep_counts_successes_per_lag_and_seed(monkeypatch):
    monkeypatch.setattr(report, "SWEEP_LAGS", (3, 5))
    plan = replace(TINY, task=replace(TINY.task, run_irnn=False, run_gru=False, run_lstm=False))
    result = report.sweep(plan, Recorder(), seeds=2)
    assert result.finished and result.done == result.total == 4
    assert result.success["rnn"].shape == (2, 2) and np.all(np.isfinite(result.test_loss["rnn"]))


# ---------------------------------------------------------------- presets


def test_presets_are_distinct_valid_plans_and_the_default_is_one():
    plans = [p.plan() for p in LAB_PRESETS]
    assert len(set(plans)) == len(plans)
    assert matching_preset(LabPlan(LabTask(), LabModel(), LabOptim())).name == "race_adding_30"
    for preset in LAB_PRESETS:
        assert set(preset.expect) <= set(preset.plan().task.kinds()), preset.name
        assert report.affordable_iterations(preset.plan()) == preset.plan().optim.iterations, preset.name


def test_reproduced_compares_every_expectation():
    preset = LAB_PRESETS[0]
    assert reproduced(preset, {"rnn": False, "lstm": True}) is True
    assert reproduced(preset, {"rnn": True, "lstm": True}) is False
    assert reproduced(preset, {"rnn": False}) is None


# ---------------------------------------------------------------- the page


def wait_for_result(at, seconds: float = 60.0):
    """Rerun the page until the race has finished (the download buttons appear)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        if at.get("download_button"):
            return at
        time.sleep(0.3)
    raise AssertionError("the race did not finish")


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_page_trains_and_shows_the_result(pages, lang):
    at = pages.run("training", lang=lang, **TINY_LINK)
    pages.assert_healthy(at, charts=False)
    at = wait_for_result(at)
    pages.assert_healthy(at)
    assert len(at.get("plotly_chart")) == 4  # losses, norms, cue, reach
    assert sum("LSTM" in m.value for m in at.markdown) >= 1


def test_sessions_opening_the_same_link_share_one_run(pages):
    from explorer.training.compute import board

    link = {**TINY_LINK, "tseed": "4242"}
    before = board().started_count
    sessions = [pages.run("training", **link) for _ in range(5)]
    assert board().started_count == before + 1
    for at in sessions:
        pages.assert_healthy(at, charts=False)


@pytest.mark.parametrize(
    "params",
    [
        {"task": "evil", "lag": "1e309", "units": "-3", "its": "nan", "lrate": "inf", "clip": "-1"},
        {"rnn": "maybe", "lstm": "0", "opt": "sgd9", "winit": "?", "wrho": "1e-400", "tseed": "9" * 400},
        {"rnn": "false", "lstm": "false"},  # no run chosen: a sentence, no job
    ],
)
def test_hostile_links_end_in_a_working_page(pages, params):
    at = pages.run("training", **{**TINY_LINK, **params})
    pages.assert_healthy(at, charts=False)


@pytest.mark.parametrize("preset", LAB_PRESETS, ids=lambda p: p.name)
def test_every_preset_opens_with_its_explanation(pages, preset):
    from explorer.shared.settings import specs

    link = {}
    for cls, group in zip(
        (LabTask, LabModel, LabOptim), (preset.plan().task, preset.plan().model, preset.plan().optim), strict=True
    ):
        for attr, key, _, default in specs(cls):
            value = getattr(group, attr)
            if value != default:
                link[key] = str(value).lower() if isinstance(value, bool) else str(value)
    at = pages.run("training", **link)
    pages.assert_healthy(at, charts=False)
    assert at.info and any(preset.name.split("_")[0][:3].lower() in i.value.lower() or i.value for i in at.info)
