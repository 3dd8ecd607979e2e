"""Benchmark: one training iteration of our NumPy cells against PyTorch, side by side.

    python benchmarks/bench_training_speed.py [--repeats 15] [--quick] [--task adding|copy|both]

For each cell (tanh RNN, LSTM, GRU) and (N, T, H) in {(32, 100, 32), (64, 200, 64)}, float64,
one thread, times (median over interleaved repeats, measured in this one run):
- "fwd+bwd": bptt() (forward, read-out, loss, backward) against torch.nn.RNN/LSTM/GRU
  (batch_first) + nn.Linear read-out, forward and autograd backward;
- "iteration": the same plus one Adam step (ours: bptt_core.optim.Adam, the one training uses,
  or an inline copy if that module is absent; torch: torch.optim.Adam with its default foreach
  implementation), zero_grad included on the torch side.
The ratio is ours / torch: below 1 means we are faster. On a loaded machine the ratio of the
minima (the least disturbed repeat of each) and the ratio of median CPU times (not inflated
by other processes taking turns on the cores) are printed for the iteration too.

Tasks: "adding" (D = 2, K = 1, MSE on the last step only, as in the adding problem) and "copy"
(D = 10, K = 9, cross-entropy on every step; a copy-like read-out cost). torch is NOT a
requirement of the project: without it this script says so and exits 0.
See docs/speed.md for what made the cells fast.
"""

from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # before NumPy loads its BLAS: one thread, as torch below

import argparse  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from anywhere

from bptt_core.bptt import bptt  # noqa: E402
from bptt_core.cells.gru import init_gru  # noqa: E402
from bptt_core.cells.lstm import init_lstm  # noqa: E402
from bptt_core.cells.rnn import init_rnn  # noqa: E402

SIZES = ((32, 100, 32), (64, 200, 64))
CELLS = ("rnn", "lstm", "gru")
TASKS = {"adding": (2, 1, "mse", "last"), "copy": (10, 9, "cross_entropy", "all")}  # D, K, loss, loss steps
LR = 1e-3


def make_data(task: str, n: int, steps: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """xs: (N, T, D); targets: (N, T, K) float (adding) or (N, T) int (copy)."""
    rng = np.random.default_rng(seed)
    d, k, _, _ = TASKS[task]
    if task == "adding":
        xs = np.zeros((n, steps, d))
        xs[..., 0] = rng.random((n, steps))
        marks = np.stack([rng.integers(0, steps // 2, n), rng.integers(steps // 2, steps, n)], axis=1)
        np.put_along_axis(xs[..., 1], marks, 1.0, axis=1)
        targets = np.zeros((n, steps, k))
        targets[:, -1, 0] = (xs[..., 0] * xs[..., 1]).sum(axis=1)
        return xs, targets
    symbols = rng.integers(0, d, (n, steps))
    return np.eye(d)[symbols], rng.integers(0, k, (n, steps))


def make_ours(cell: str, d: int, h: int, k: int):
    if cell == "rnn":
        return init_rnn(d, h, k, spectral_radius=1.0, activation="tanh", init="orthogonal", seed=0)
    if cell == "lstm":
        return init_lstm(d, h, k, spectral_radius=1.0, init="orthogonal", seed=0)
    return init_gru(d, h, k, spectral_radius=1.0, init="orthogonal", seed=0)


class InlineAdam:
    """Adam (Kingma & Ba 2015) with bias correction, in place; used when bptt_core.optim is absent."""

    def __init__(self, lr: float, betas=(0.9, 0.999), eps: float = 1e-8):
        self.lr, self.betas, self.eps, self.count = lr, betas, eps, 0
        self.m: dict[str, np.ndarray] = {}
        self.v: dict[str, np.ndarray] = {}

    def step(self, params: dict[str, np.ndarray], grads: dict[str, np.ndarray]) -> None:
        b1, b2 = self.betas
        self.count += 1
        step_size = self.lr / (1 - b1**self.count)
        root_correction = np.sqrt(1 - b2**self.count)
        for name, p in params.items():
            g = grads[name]
            m = self.m.setdefault(name, np.zeros_like(p))
            v = self.v.setdefault(name, np.zeros_like(p))
            m *= b1
            m += (1 - b1) * g  # m <- b1 m + (1 - b1) g
            v *= b2
            v += (1 - b2) * g * g  # v <- b2 v + (1 - b2) g^2
            p -= step_size * m / (np.sqrt(v) / root_correction + self.eps)  # p <- p - lr mhat / (sqrt(vhat) + eps)


def make_adam(lr: float):
    """The project's Adam (bptt_core.optim, what training uses) if present, else InlineAdam."""
    try:
        from bptt_core.optim import Adam
    except ImportError:
        return InlineAdam(lr)
    return Adam(lr=lr)


def ours_runners(cell: str, task: str, n: int, steps: int, h: int):
    d, k, loss, loss_steps = TASKS[task]
    xs, targets = make_data(task, n, steps)
    model = make_ours(cell, d, h, k)
    opt, params = make_adam(LR), model.params()

    def fwd_bwd():
        return bptt(model, xs, targets, loss=loss, loss_steps=loss_steps)

    def iteration():
        opt.step(params, fwd_bwd().grads)

    return fwd_bwd, iteration


def torch_runners(torch, cell: str, task: str, n: int, steps: int, h: int):
    d, k, loss, loss_steps = TASKS[task]
    xs, targets = make_data(task, n, steps)
    rec = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[cell](d, h, batch_first=True)
    readout = torch.nn.Linear(h, k)
    rec, readout = rec.double(), readout.double()
    x = torch.from_numpy(xs)
    params = list(rec.parameters()) + list(readout.parameters())
    opt = torch.optim.Adam(params, lr=LR)
    if loss == "mse":
        y = torch.from_numpy(targets[:, -1])

        def loss_fn():
            out, _ = rec(x)
            return 0.5 * ((readout(out[:, -1]) - y) ** 2).sum() / n  # same loss as ours: 1/2 sum, batch mean

    else:
        y = torch.from_numpy(targets.reshape(-1))

        def loss_fn():
            out, _ = rec(x)
            logits = readout(out).reshape(-1, k)
            return torch.nn.functional.cross_entropy(logits, y, reduction="sum") / n

    def fwd_bwd():
        for p in params:
            p.grad = None
        loss_fn().backward()

    def iteration():
        opt.zero_grad()
        loss_fn().backward()
        opt.step()

    return fwd_bwd, iteration


def interleaved_times(fns: list, repeats: int) -> list[tuple[float, float, float]]:
    """(median wall, minimum wall, median CPU) time of each fn, run in turn (one warm-up each) so
    that load hits them alike. CPU time (this process, all threads) is not inflated by other
    processes taking turns on the cores, so it is the steadier figure on a shared machine."""
    for fn in fns:
        fn()
    wall: list[list[float]] = [[] for _ in fns]
    cpu: list[list[float]] = [[] for _ in fns]
    for _ in range(repeats):
        for fn, wall_times, cpu_times in zip(fns, wall, cpu, strict=True):
            start, start_cpu = time.perf_counter(), time.process_time()
            fn()
            wall_times.append(time.perf_counter() - start)
            cpu_times.append(time.process_time() - start_cpu)
    return [(statistics.median(w), min(w), statistics.median(c)) for w, c in zip(wall, cpu, strict=True)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--quick", action="store_true", help="first size only, 5 repeats")
    parser.add_argument("--task", choices=(*TASKS, "both"), default="adding")
    parser.add_argument("--cells", default=",".join(CELLS))
    args = parser.parse_args()
    try:
        import torch
    except ImportError:
        print("torch is not installed: this benchmark compares against PyTorch (pip install torch); nothing to do.")
        return 0
    torch.set_num_threads(1)
    repeats = 5 if args.quick else args.repeats
    sizes = SIZES[:1] if args.quick else SIZES
    tasks = tuple(TASKS) if args.task == "both" else (args.task,)
    print(f"float64, one thread, median of {repeats}; numpy {np.__version__}, torch {torch.__version__}")
    print(f"our optimiser: {type(make_adam(LR)).__module__}.{type(make_adam(LR)).__name__}")
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    header = (
        "| task | cell | N, T, H | fwd+bwd ours | torch | ratio | iteration ours | torch | ratio "
        "| ratio of minima | CPU-time ratio |"
    )
    print(header)
    print("|" + " --- |" * (header.count("|") - 1))
    worst = 0.0
    for task in tasks:
        for cell in args.cells.split(","):
            for n, steps, h in sizes:
                ours_fb, ours_it = ours_runners(cell, task, n, steps, h)
                torch_fb, torch_it = torch_runners(torch, cell, task, n, steps, h)
                timings = interleaved_times([ours_fb, torch_fb, ours_it, torch_it], repeats)
                (a, _, _), (b, _, _), (c, c_min, c_cpu), (d, d_min, d_cpu) = timings
                worst = max(worst, c / d)
                print(
                    f"| {task} | {cell} | {n}, {steps}, {h} | {a * 1e3:.1f} ms | {b * 1e3:.1f} ms | {a / b:.2f} "
                    f"| {c * 1e3:.1f} ms | {d * 1e3:.1f} ms | {c / d:.2f} | {c_min / d_min:.2f} "
                    f"| {c_cpu / d_cpu:.2f} |",
                    flush=True,
                )
    print(f"worst iteration ratio (medians): {worst:.2f}; load average after: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
