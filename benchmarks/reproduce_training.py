"""Reproduce the classic long-dependency results with bptt_core.train, and time them (docs/training.md).

Parts (run all, or some with --only a,b):
  adding100  adding, T = 100: LSTM (Adam, clip 1) until its test MSE < 0.01, then the tanh RNN
             (Gaussian, rho 1) for as many iterations; wall time to success.
  adding30   adding, T = 30, Sutskever et al. 2013 setting: tanh RNN, 64 units, SGD momentum 0.9,
             lr 0.01, clip 1; orthogonal against Gaussian initialisation, several seeds.
  copy50     copy, T = 50: GRU, LSTM and tanh RNN (Adam, clip 1) against the memoryless baseline.
  sweep      success against T in {5, 10, 20, 50, 100} for the tanh RNN and the LSTM on adding,
             several seeds, each run stopped at its first successful test evaluation.

Run with OPENBLAS_NUM_THREADS=1 (set below if unset). "wall s" is wall time; "cpu s" is this
process's CPU time (one thread), what the run would take on an idle core: the machine may be
shared, so the load average is printed with the table. "s to ok" / "cpu ok": time to the first
test evaluation that met the success rule.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

import numpy as np  # noqa: E402

from bptt_core.cells.gru import init_gru  # noqa: E402
from bptt_core.cells.lstm import init_lstm  # noqa: E402
from bptt_core.cells.rnn import init_rnn  # noqa: E402
from bptt_core.tasks import TASKS  # noqa: E402
from bptt_core.training import TrainingRun, train  # noqa: E402

PARTS = ("adding100", "adding30", "copy50", "sweep")


@dataclass
class Row:
    part: str
    label: str
    steps: int
    seed: int
    run: TrainingRun
    first_success: int | None  # first test iteration whose evaluation met the success rule
    seconds_to_success: float | None
    cpu_to_success: float | None  # CPU seconds of this process (less sensitive to a shared machine)
    cpu_seconds: float


def make_model(task: str, cell: str, hidden: int, init: str, rho: float, seed: int):
    spec = TASKS[task]
    sizes = (spec.input_size, hidden, spec.output_size)
    if cell == "rnn":
        return init_rnn(*sizes, spectral_radius=rho, activation="tanh", init=init, seed=seed)
    if cell == "lstm":
        return init_lstm(*sizes, spectral_radius=rho, init=init, forget_bias=1.0, seed=seed)
    return init_gru(*sizes, spectral_radius=rho, init=init, seed=seed)


def run_one(part, label, task, cell, *, steps, hidden, init, rho, seed, stop_at_success, wall_cap=None, **kw) -> Row:
    """Train one model; record when its test evaluation first met the success rule."""
    spec = TASKS[task]
    model = make_model(task, cell, hidden, init, rho, seed)
    started, cpu_started = time.perf_counter(), time.process_time()
    hit: list[tuple[int, float, float]] = []

    def callback(i: int, run: TrainingRun):
        if run.test_iterations.size and run.test_iterations[-1] == i and not hit:
            acc = None if run.test_accuracies is None else run.test_accuracies[-1]
            if spec.succeeded(steps, run.test_losses[-1], acc):
                hit.append((i, time.perf_counter() - started, time.process_time() - cpu_started))
                if stop_at_success:
                    return False
        if wall_cap is not None and time.perf_counter() - started > wall_cap:
            return False
        return None

    run = train(model, task, steps=steps, seed=seed, callback=callback, **kw)
    first, secs, cpu = hit[0] if hit else (None, None, None)
    row = Row(part, label, steps, seed, run, first, secs, cpu, time.process_time() - cpu_started)
    print_row(row)
    return row


HEADER = (
    f"{'part':<10} {'run':<38} {'T':>4} {'seed':>4} {'iters':>6} {'test loss':>10} {'chance':>7} {'acc':>6} "
    f"{'ok':>3} {'1st ok':>6} {'s to ok':>7} {'cpu ok':>6} {'wall s':>7} {'cpu s':>6} {'cue log10 start->end':>21}"
)


def print_row(row: Row) -> None:
    r = row.run
    acc = "-" if r.test_accuracy is None else f"{r.test_accuracy:.3f}"
    first = "-" if row.first_success is None else str(row.first_success)
    secs = "-" if row.seconds_to_success is None else f"{row.seconds_to_success:.1f}"
    cpu = "-" if row.cpu_to_success is None else f"{row.cpu_to_success:.1f}"
    cue = f"{r.cue_profile[0]:.2f} -> {r.cue_profile[-1]:.2f}"
    print(
        f"{row.part:<10} {row.label:<38} {row.steps:>4} {row.seed:>4} {r.iterations_done:>6} {r.test_loss:>10.4f} "
        f"{r.chance:>7.4f} {acc:>6} {'yes' if r.success else 'no':>3} {first:>6} {secs:>7} {cpu:>6} "
        f"{r.seconds:>7.1f} {row.cpu_seconds:>6.1f} {cue:>21}",
        flush=True,
    )


def adding100(args) -> list[Row]:
    common = dict(steps=100, hidden=args.hidden, rho=1.0, batch=32, optimizer="adam", lr=1e-2, clip=1.0, eval_every=50)
    rows = []
    for seed in args.seeds:
        lstm = run_one(
            "adding100",
            f"LSTM H{args.hidden} orth Adam 1e-2 clip1",
            "adding",
            "lstm",
            init="orthogonal",
            seed=seed,
            iterations=args.iterations or 3000,
            stop_at_success=True,
            wall_cap=args.wall_cap,
            **common,
        )
        rows.append(lstm)
        rnn = run_one(
            "adding100",
            f"tanh RNN H{args.hidden} gauss rho1 Adam 1e-2 c1",
            "adding",
            "rnn",
            init="gaussian",
            seed=seed,
            iterations=max(lstm.run.iterations_done, 1),
            stop_at_success=False,
            **common,
        )
        rows.append(rnn)
    return rows


def adding30(args) -> list[Row]:
    common = dict(steps=30, hidden=64, batch=32, optimizer="sgd", momentum=0.9, lr=0.01, clip=1.0, eval_every=100)
    # Gaussian at rho 0.8 is about N(0, 0.1^2) entries at H = 64 (circular law: radius 0.1 * sqrt(64))
    inits = (("orthogonal", 1.0), ("gaussian", 1.0), ("gaussian", 0.8))
    rows = []
    for seed in args.seeds:
        for init, rho in inits:
            label = f"tanh RNN H64 {init[:5]} rho{rho:g} SGDm.9 1e-2"
            rows.append(
                run_one(
                    "adding30",
                    label,
                    "adding",
                    "rnn",
                    init=init,
                    rho=rho,
                    seed=seed,
                    iterations=args.iterations or 3000,
                    stop_at_success=False,
                    **common,
                )
            )
    return rows


def copy50(args) -> list[Row]:
    common = dict(steps=50, hidden=64, rho=1.0, batch=32, optimizer="adam", lr=1e-2, clip=1.0, eval_every=100)
    rows = []
    for seed in args.seeds:
        for cell, init in (("gru", "orthogonal"), ("lstm", "orthogonal"), ("rnn", "orthogonal")):
            rows.append(
                run_one(
                    "copy50",
                    f"{cell.upper()} H64 {init[:5]} Adam 1e-2 clip1",
                    "copy",
                    cell,
                    init=init,
                    seed=seed,
                    iterations=args.iterations or 2000,
                    stop_at_success=False,
                    **common,
                )
            )
    return rows


def sweep(args) -> list[Row]:
    common = dict(hidden=32, rho=1.0, batch=32, optimizer="adam", lr=1e-2, clip=1.0, eval_every=50)
    rows = []
    for cell, init in (("rnn", "gaussian"), ("lstm", "orthogonal")):
        for steps in args.lags:
            for seed in args.seeds:
                rows.append(
                    run_one(
                        "sweep",
                        f"{cell.upper()} H32 {init[:5]} Adam 1e-2 clip1",
                        "adding",
                        cell,
                        init=init,
                        steps=steps,
                        seed=seed,
                        iterations=args.iterations or 1500,
                        stop_at_success=True,
                        **common,
                    )
                )
    print("\nsuccess against T (adding; fraction of seeds solved; summed wall / CPU seconds):")
    for cell in ("RNN", "LSTM"):
        parts = []
        for steps in args.lags:
            mine = [r for r in rows if r.label.startswith(cell + " ") and r.steps == steps]
            wins = sum(r.run.success for r in mine)
            wall, cpu = sum(r.run.seconds for r in mine), sum(r.cpu_seconds for r in mine)
            parts.append(f"T={steps}: {wins}/{len(mine)} ({wall:.0f} / {cpu:.0f} s)")
        print(f"  {cell:<5} " + "  ".join(parts))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default=",".join(PARTS), help=f"comma-separated parts of {PARTS}")
    parser.add_argument("--seeds", default="0", help="comma-separated seeds (sweep default: 0,1,2)")
    parser.add_argument("--iterations", type=int, default=None, help="override every part's iteration cap")
    parser.add_argument("--lags", default="5,10,20,50,100", help="T values of the sweep")
    parser.add_argument("--wall-cap", type=float, default=None, help="adding100: stop the LSTM after this many s")
    parser.add_argument("--hidden", type=int, default=32, help="adding100: hidden size of both cells")
    args = parser.parse_args()
    parts = [p for p in args.only.split(",") if p]
    unknown = set(parts) - set(PARTS)
    if unknown:
        parser.error(f"unknown parts {sorted(unknown)}; choose from {PARTS}")
    seeds_given = args.seeds
    args.lags = [int(v) for v in args.lags.split(",")]
    print(f"load average at start: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores; numpy {np.__version__}")
    print(HEADER)
    started = time.perf_counter()
    for part in parts:
        args.seeds = [int(v) for v in seeds_given.split(",")]
        if part == "sweep" and seeds_given == "0":
            args.seeds = [0, 1, 2]
        {"adding100": adding100, "adding30": adding30, "copy50": copy50, "sweep": sweep}[part](args)
    print(f"\ntotal wall time {time.perf_counter() - started:.0f} s; load average at end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
