"""Benchmark: the computations behind the dynamics view, against the bare product chain.

    python benchmarks/bench_dynamics.py [--repeats R] [--exact]

Prints, measured in the same run (median and minimum of R repeats):
- the 40 x 40 phase grid (lambda_1 of 1600 vanilla RNNs) at T = 200, H = 32;
- the influence map log10 ||dh_t/dh_s|| at T = 500, H = 64 (default rank, and with --exact all
  S rows, which is exact and much slower);
- the Lyapunov exponents (k = 1 and k = 8) of the same network;
- next to each, the bare chain of T H x H matrix products (P <- (P * d) @ W), the floor of
  anything that walks the trajectory once.
Run with OPENBLAS_NUM_THREADS=1 to compare with the single-core floor; the load average of the
machine is printed first (the machine may be shared).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from anywhere

from bptt_core.bptt import bptt  # noqa: E402
from bptt_core.cells.rnn import init_rnn  # noqa: E402
from bptt_core.dynamics import (  # noqa: E402
    influence_log10_norms,
    lyapunov_log10_exponents,
    mean_field_edge,
    phase_grid,
    phase_inputs,
)
from bptt_core.dynamics.influence import default_rank  # noqa: E402


def timed(fn, repeats: int) -> tuple[float, float, float]:
    """(median wall, minimum wall, median CPU of this process) seconds of fn() over repeats runs,
    after one warm-up. On a shared machine the CPU time is the steadier of the two."""
    fn()
    wall, cpu = [], []
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(wall), min(wall), statistics.median(cpu)


def chain(steps: int, size: int):
    """T products P <- (P * d) @ W of size x size, renormalised: the product chain alone."""
    rng = np.random.default_rng(0)
    w, d = rng.standard_normal((size, size)) / np.sqrt(size), rng.random(size)

    def run():
        p = np.eye(size)
        for _ in range(steps):
            p = (p * d) @ w
            p /= np.abs(p).max()

    return run


def line(label: str, times: tuple[float, float, float], floor: tuple[float, float, float] | None = None) -> str:
    text = (
        f"{label:<50} wall median {times[0] * 1e3:8.1f} ms min {times[1] * 1e3:8.1f} ms   cpu {times[2] * 1e3:8.1f} ms"
    )
    if floor is not None:
        text += f"   {times[0] / floor[0]:6.1f} x the chain (cpu {times[2] / floor[2]:6.1f} x)"
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--exact", action="store_true", help="also time the exact influence map (all S rows)")
    args = parser.parse_args()
    r = args.repeats
    print(
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores, "
        f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}"
    )

    rhos, scales = np.linspace(0.2, 3.0, 40), np.linspace(0.0, 3.0, 40)
    floor32 = timed(chain(200, 32), r)
    print(line("bare chain T=200, H=32", floor32))
    print(line("phase grid 40x40, T=200, H=32 (tanh, gaussian)", timed(lambda: phase_grid(rhos, scales), r), floor32))
    print(line("mean-field edge, 40 input scales (tanh)", timed(lambda: mean_field_edge(scales), r)))

    steps, hidden = 500, 64
    model = init_rnn(8, hidden, 8, spectral_radius=0.9, seed=0)
    xs = phase_inputs(steps, 0)[None]
    result = bptt(model, xs, np.zeros((1, steps), dtype=int))
    floor64 = timed(chain(steps, hidden), r)
    print(line(f"bare chain T={steps}, H={hidden}", floor64))
    rank = default_rank(steps, hidden)
    print(
        line(
            f"influence map T={steps}, H={hidden} (rank {rank} of {hidden})",
            timed(lambda: influence_log10_norms(model, result), r),
            floor64,
        )
    )
    print(
        line(
            f"influence map T={steps}, H={hidden}, Frobenius (rank {rank})",
            timed(lambda: influence_log10_norms(model, result, ord="fro"), r),
            floor64,
        )
    )
    if args.exact:
        print(
            line(
                f"influence map T={steps}, H={hidden} exact (rank {hidden})",
                timed(lambda: influence_log10_norms(model, result, rank=hidden), 1),
                floor64,
            )
        )
    for k in (1, 8):
        print(
            line(
                f"Lyapunov exponents k={k}, T={steps}, H={hidden}",
                timed(lambda k=k: lyapunov_log10_exponents(model, result, k=k), r),
                floor64,
            )
        )


if __name__ == "__main__":
    main()
