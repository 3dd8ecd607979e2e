"""Benchmark: the norms behind the gradient-flow view, against the bare chain of products, in one run.

    OPENBLAS_NUM_THREADS=1 python benchmarks/bench_flow.py [--repeats R] [--quick]

For (T, H) in {(100, 32), (1000, 128), (2000, 256)} (vanilla RNN, tanh, rho = 0.9) and the
LSTM at (T, H) = (1000, 64) (state 2H x 2H), prints:
- norms: jacobian_log10_norms_both, spectral and Frobenius norms of every suffix product;
- chain: the bare chain, T products P <- (P * d) @ W of S x S with a rescale, the floor of any
  method that forms the products (docs/norms.md);
- cell: the same chain through the cell's own rmul_jacobian (the LSTM's costs more than a GEMM);
- view: forward + BPTT + both norms + the spectrum of W_h, what the flow page computes;
- the ratio norms / chain: of the minimum wall times, of the minimum CPU times of this
  process, and "paired": the median over repeats of the CPU-time ratio of the two runs made
  side by side (they see the same load); then the share of steps whose spectral norm the
  tracked subspace certified (docs/norms.md).
All four are timed in turn within each repeat, and the times shown are the minimum over the
repeats: the machine is shared. Under load the CPU-time ratios are the steadier ones (time
spent waiting for a core is not counted). Also prints this machine's GEMM throughput and
the load average before and after.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from anywhere

import bptt_core as bc  # noqa: E402
from bptt_core import lognorms  # noqa: E402

INPUT_SIZE = OUTPUT_SIZE = 8  # the views' D and K
CASES = [("rnn", 100, 32), ("rnn", 1000, 128), ("rnn", 2000, 256), ("lstm", 1000, 64)]


def timed(fn) -> tuple[float, float]:
    """(wall, cpu) seconds of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu


def run_times(fns: dict, repeats: int) -> dict[str, np.ndarray]:
    """Each fn timed once per repeat, in turn: name -> (repeats, 2) wall and CPU seconds."""
    for fn in fns.values():
        fn()  # warm-up
    times = {name: [] for name in fns}
    for _ in range(repeats):
        for name, fn in fns.items():
            times[name].append(timed(fn))
    return {name: np.array(value) for name, value in times.items()}


def bare_chain(steps: int, size: int):
    """T products P <- (P * d) @ W of size x size with a rescale: the product chain alone."""
    rng = np.random.default_rng(0)
    w, d = rng.standard_normal((size, size)) / np.sqrt(size), rng.random(size)

    def run():
        p = np.eye(size)
        for _ in range(steps):
            p = (p * d) @ w
            p /= np.abs(p).max()

    return run


def cell_chain(model, result, steps: int, size: int):
    """The same chain through the cell's rmul_jacobian (N = 1)."""
    cell = bc.cell_module(model)

    def run():
        p = np.eye(size)[None]
        for t in range(steps, 0, -1):
            p = cell.rmul_jacobian(p, result.cache, t)
            p /= np.abs(p).max()

    return run


def problem(cell: str, steps: int, hidden: int):
    """The flow view's default sequence (x_t ~ N(0, I), cross-entropy targets) and model."""
    xs = np.random.default_rng([0, 1]).standard_normal((1, steps, INPUT_SIZE))
    targets = np.random.default_rng([0, 2]).integers(0, OUTPUT_SIZE, size=(1, steps))
    init = bc.init_rnn if cell == "rnn" else bc.init_lstm
    return init(INPUT_SIZE, hidden, OUTPUT_SIZE, spectral_radius=0.9, seed=0), xs, targets


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=7, help="timed runs of each case (minimum kept)")
    parser.add_argument("--quick", action="store_true", help="3 repeats")
    args = parser.parse_args()
    repeats = 3 if args.quick else args.repeats
    load_before = os.getloadavg()
    size = 256
    a = np.random.default_rng(1).standard_normal((size, size))
    gemm = run_times({"gemm": lambda: a @ a}, 50)["gemm"][:, 0].min()
    print(f"GEMM {size}x{size}: {gemm * 1e6:.0f} us ({2 * size**3 / gemm / 1e9:.1f} GFLOP/s), numpy {np.__version__}")
    print(f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}, {os.cpu_count()} cores")
    print(f"load average before: {load_before[0]:.1f} (1 min), {load_before[1]:.1f} (5 min)")
    print(f"minimum of {repeats} runs, milliseconds")
    header = f"{'cell':5} {'T':>5} {'H':>4} {'S':>4} {'norms':>8} {'chain':>8} {'cell':>8} {'view':>8}"
    print(header + f" {'ratio':>6} {'CPU ratio':>9} {'paired':>6} {'certified':>9}")
    for cell, steps, hidden in CASES:
        model, xs, targets = problem(cell, steps, hidden)
        state = bc.cell_module(model).state_size(model)
        result = bc.bptt(model, xs, targets)

        def view(model=model, xs=xs, targets=targets):
            fresh = bc.bptt(model, xs, targets)
            bc.jacobian_log10_norms_both(model, fresh)
            bc.spectrum(bc.cell_module(model).recurrent_matrix_of(model))

        times = run_times(
            {
                "norms": lambda model=model, result=result: bc.jacobian_log10_norms_both(model, result),
                "chain": bare_chain(steps, state),
                "cell": cell_chain(model, result, steps, state),
                "view": view,
            },
            repeats if steps * state**3 < 1e10 else max(3, repeats // 2),
        )
        certified = np.mean(lognorms._suffix_norms(model, result)[2].rows_at > 0)
        best = {name: value.min(axis=0) for name, value in times.items()}
        paired = np.median(times["norms"][:, 1] / times["chain"][:, 1])  # CPU, the two runs side by side
        row = f"{cell:5} {steps:5d} {hidden:4d} {state:4d}" + "".join(
            f" {best[name][0] * 1e3:8.1f}" for name in ("norms", "chain", "cell", "view")
        )
        ratios = f" {best['norms'][0] / best['chain'][0]:6.2f} {best['norms'][1] / best['chain'][1]:9.2f} {paired:6.2f}"
        print(row + ratios + f" {certified:9.0%}", flush=True)
    load_after = os.getloadavg()
    print(f"load average after: {load_after[0]:.1f} (1 min), {load_after[1]:.1f} (5 min)")


if __name__ == "__main__":
    main()
