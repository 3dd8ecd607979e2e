"""Benchmark: the computation behind the gradient-flow view, against this machine's GEMM.

    python benchmarks/bench_flow.py [--quick]

Prints medians for (T, H) in {(100, 32), (1000, 128), (2000, 256)}: forward + BPTT,
both Jacobian-product norms for every t, the spectrum of W_h; and the time of T plain
H x H matrix products (the floor of the product chain) with the GEMM throughput.
Also the LSTM (T = 1000, H = 64) against its own chain of 2H x 2H products.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from anywhere

import bptt_core as bc  # noqa: E402
from bptt_core.report import INPUT_SIZE, OUTPUT_SIZE, make_sequence  # noqa: E402


def median_time(fn, repeats: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def chain_floor(steps: int, size: int, repeats: int) -> float:
    """T products P <- (P * d) @ W of size x size: the product chain alone."""
    rng = np.random.default_rng(0)
    w, d = rng.standard_normal((size, size)) / np.sqrt(size), rng.random(size)

    def run():
        p = np.eye(size)
        for _ in range(steps):
            p = (p * d) @ w
            p /= np.abs(p).max()

    return median_time(run, repeats)


def view_compute(model, steps: int, loss: str = "cross_entropy"):
    xs, targets = make_sequence(0, steps, loss, 1.0)

    def run():
        result = bc.bptt(model, xs, targets)
        bc.jacobian_log10_norms_both(model, result)
        bc.spectrum(bc.cell_module(model).recurrent_matrix_of(model))

    return run


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    args = parser.parse_args()
    size = 256
    a = np.random.default_rng(1).standard_normal((size, size))
    gemm = median_time(lambda: a @ a, 50)
    print(f"GEMM {size}x{size}: {gemm * 1e6:.0f} us  ({2 * size**3 / gemm / 1e9:.1f} GFLOP/s), numpy {np.__version__}")
    print(f"{'cell':5} {'T':>5} {'H':>4} {'view ms':>9} {'chain ms':>9} {'ratio':>6}")
    cases = [("rnn", 100, 32), ("rnn", 1000, 128), ("rnn", 2000, 256), ("lstm", 1000, 64)]
    for cell, steps, hidden in cases:
        repeats = 3 if args.quick or steps * hidden**3 > 1e10 else 9
        if cell == "rnn":
            model = bc.init_rnn(INPUT_SIZE, hidden, OUTPUT_SIZE, spectral_radius=0.9, seed=0)
            state = hidden
        else:
            model = bc.init_lstm(INPUT_SIZE, hidden, OUTPUT_SIZE, spectral_radius=0.9, seed=0)
            state = 2 * hidden
        view = median_time(view_compute(model, steps), repeats)
        floor = chain_floor(steps, state, repeats)
        print(f"{cell:5} {steps:5d} {hidden:4d} {view * 1e3:9.1f} {floor * 1e3:9.1f} {view / floor:6.2f}")


if __name__ == "__main__":
    main()
