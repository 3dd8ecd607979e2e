"""What the training lab computes (NumPy and threads, no streamlit, no plotly).

race(plan, board_job) trains every selected run on the same task in lockstep (no run more than
LOCKSTEP iterations ahead of the slowest), publishing copies of the curves as it goes, so a
page polling the job sees the runs race. sweep(plan, lags, seeds, job) trains each run for every
lag and seed and records which succeed (success against T). Both respect the job's cancel flag
and the work budget of bptt_core.training (one place: MAX_RUN_COST and run_cost).
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass, replace

import numpy as np

import bptt_core as bc
from explorer.training.settings import RUN_KINDS, LabPlan

LOCKSTEP = 5  # iterations a run may lead the slowest one by
PUBLISH_EVERY = 10  # iterations between two published snapshots of a run
EVAL_POINTS = 20  # test evaluations over a run (eval_every = iterations / EVAL_POINTS)
SWEEP_LAGS = (5, 10, 20, 50, 100)
SWEEP_SEEDS = 3
LAB_BUDGET = 2 * bc.MAX_RUN_COST  # all runs of one race together
SWEEP_BUDGET = 5 * LAB_BUDGET  # all runs of one sweep together


def make_model(kind: str, plan: LabPlan, seed: int):
    """The network of one run kind for the plan's task (RUN_KINDS: cell, activation, forced init)."""
    task = bc.TASKS[plan.task.task]
    cell, activation, forced_init = RUN_KINDS[kind]
    common = dict(spectral_radius=plan.model.rho, init=forced_init or plan.model.init, seed=seed)
    sizes = (task.input_size, plan.model.hidden, task.output_size)
    if cell == "rnn":
        return bc.init_rnn(*sizes, activation=activation, **common)
    if cell == "lstm":
        return bc.init_lstm(*sizes, forget_bias=plan.model.forget_bias, **common)
    return bc.init_gru(*sizes, **common)


def run_cost(kind: str, plan: LabPlan, lag: int | None = None, iterations: int | None = None) -> float:
    """bptt_core.run_cost of one run of this kind (multiply-adds), its test evaluations included."""
    o = plan.optim
    its = o.iterations if iterations is None else iterations
    lag = plan.task.lag if lag is None else lag
    cell = RUN_KINDS[kind][0]
    return bc.run_cost(cell, lag, plan.model.hidden, o.batch, its, task=plan.task.task, eval_every=eval_every(its))


def plan_cost(plan: LabPlan, iterations: int, lags: tuple[int, ...] | None = None, seeds: int = 1) -> float:
    """Cost of every selected run (at every lag of lags, for seeds seeds) for `iterations` iterations."""
    lags = (plan.task.lag,) if lags is None else lags
    return seeds * sum(run_cost(kind, plan, lag, iterations) for kind in plan.task.kinds() for lag in lags)


def affordable(plan: LabPlan, budget: float, lags: tuple[int, ...] | None = None, seeds: int = 1) -> int:
    """The largest number of iterations (at most the plan's) whose plan_cost fits budget; at least 1."""
    low, high = 1, plan.optim.iterations
    if not plan.task.kinds() or plan_cost(plan, high, lags, seeds) <= budget:
        return high
    while low < high:  # plan_cost grows with the iterations
        mid = (low + high + 1) // 2
        low, high = (mid, high) if plan_cost(plan, mid, lags, seeds) <= budget else (low, mid - 1)
    return low


def affordable_iterations(plan: LabPlan) -> int:
    """The plan's iterations, capped so that every selected run together fits LAB_BUDGET."""
    return affordable(plan, LAB_BUDGET)


def eval_every(iterations: int) -> int:
    return max(1, iterations // EVAL_POINTS)


def train_kwargs(plan: LabPlan, iterations: int, lag: int | None = None, seed: int | None = None) -> dict:
    o = plan.optim
    return dict(
        steps=plan.task.lag if lag is None else lag,
        iterations=iterations,
        batch=o.batch,
        optimizer=o.optimizer,
        lr=o.lr,
        clip=o.clip if o.clip > 0 else None,
        seed=o.seed if seed is None else seed,
        eval_every=eval_every(iterations),
    )


@dataclass
class RaceResult:
    """The race's state: runs[kind] is a TrainingRun (copies while running); models once finished."""

    iterations: int  # planned (after the budget)
    runs: dict
    models: dict
    finished: bool = False


def snapshot(run: bc.TrainingRun) -> bc.TrainingRun:
    """An independent copy of a run (its arrays are views of growing buffers while training)."""
    copies = {
        name: (value.copy() if isinstance(value, np.ndarray) else value)
        for name, value in vars(run).items()
        if isinstance(value, np.ndarray)
    }
    return replace(run, **copies)


class _Lockstep:
    """Keeps every running thread within LOCKSTEP iterations of the slowest one."""

    def __init__(self, names, cancelled):
        self.position = {name: 0 for name in names}
        self.cond = threading.Condition()
        self.cancelled = cancelled

    def arrive(self, name: str, i: int) -> None:
        with self.cond:
            self.position[name] = i
            self.cond.notify_all()
            self.cond.wait_for(lambda: self.cancelled() or i <= min(self.position.values()) + LOCKSTEP, timeout=5)

    def leave(self, name: str) -> None:
        with self.cond:
            self.position.pop(name, None)
            self.cond.notify_all()


def race(plan: LabPlan, job) -> RaceResult:
    """Train every selected run in lockstep threads; job.publish(result) as the curves grow.

    job: has cancelled() -> bool and publish(obj, progress: float). Returns the final RaceResult.
    """
    kinds = plan.task.kinds()
    iterations = affordable_iterations(plan)
    result = RaceResult(iterations, runs={}, models={})
    lock = threading.Lock()
    step = _Lockstep(kinds, job.cancelled)
    done = dict.fromkeys(kinds, 0)

    def publish() -> None:
        progress = sum(done.values()) / max(1, iterations * len(kinds))
        job.publish(result, progress)

    def train_one(kind: str) -> None:
        model = make_model(kind, plan, plan.optim.seed)

        def callback(i: int, run: bc.TrainingRun) -> bool:
            if i % PUBLISH_EVERY == 0:
                with lock:
                    result.runs[kind] = snapshot(run)
                    done[kind] = i
                    publish()
            step.arrive(kind, i)
            return not job.cancelled()

        try:
            run = bc.train(model, plan.task.task, callback=callback, **train_kwargs(plan, iterations))
        finally:
            step.leave(kind)
        with lock:
            result.runs[kind], result.models[kind] = run, model
            done[kind] = iterations
            publish()

    threads = [threading.Thread(target=train_one, args=(kind,), daemon=True) for kind in kinds]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.finished = not job.cancelled()
    job.publish(result, 1.0)
    return result


@dataclass
class SweepResult:
    """Success against the lag: success[kind] is (lags, seeds) of bool, NaN-free; filled as it goes."""

    lags: tuple[int, ...]
    seeds: int
    iterations: int
    success: dict
    test_loss: dict
    done: int = 0
    total: int = 0
    seconds: float = 0.0
    finished: bool = False


def sweep(plan: LabPlan, job, seeds: int = SWEEP_SEEDS) -> SweepResult:
    """Train each selected run kind at every lag of SWEEP_LAGS for `seeds` seeds; record success.

    Each run uses the plan's optimiser settings and iterations, capped so that the whole sweep
    fits SWEEP_BUDGET. Seeds are plan.optim.seed, +1, ...
    """
    kinds, lags = plan.task.kinds(), SWEEP_LAGS
    iterations = affordable(plan, SWEEP_BUDGET, lags, seeds)
    shape = (len(lags), seeds)
    result = SweepResult(
        lags,
        seeds,
        iterations,
        success={kind: np.zeros(shape, dtype=bool) for kind in kinds},
        test_loss={kind: np.full(shape, math.nan) for kind in kinds},
        total=len(kinds) * len(lags) * seeds,
    )
    started = time.perf_counter()
    for li, lag in enumerate(lags):
        for s in range(seeds):
            for kind in kinds:
                if job.cancelled():
                    return result
                seed = plan.optim.seed + s
                model = make_model(kind, plan, seed)
                run = bc.train(
                    model,
                    plan.task.task,
                    callback=lambda i, run: not job.cancelled(),
                    **train_kwargs(plan, iterations, lag=lag, seed=seed),
                )
                result.success[kind][li, s] = run.success
                result.test_loss[kind][li, s] = run.test_loss
                result.done += 1
                result.seconds = time.perf_counter() - started
                job.publish(result, result.done / result.total)
    result.finished = True
    job.publish(result, 1.0)
    return result


def verdict_of(runs: dict) -> dict[str, bool]:
    """kind -> success of each finished run."""
    return {kind: bool(run.success) for kind, run in runs.items() if run.finished}
