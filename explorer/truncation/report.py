"""What the truncation view shows, computed from one Problem (NumPy only).

The model and the sequence are the Problem's, as in every view, so a notebook reproduces it:

    agreement_report(bptt_core.Problem(steps=100, hidden=32, rho=0.9), kind="chunked")
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bptt_core import BPTTResult, Problem, cell_module
from bptt_core.cells.rnn import RNN
from bptt_core.truncation import (
    TBPTT,
    Chunked,
    Randomized,
    StepContributions,
    Truncation,
    agreement_over_k,
    gradient_agreement,
    path_weights,
    per_step_contributions,
    randomized_spread,
    truncated_grads,
)

KINDS = ("chunked", "tbptt", "randomized")
AGREEMENT_POINTS = 12  # k values in the agreement chart


@dataclass(frozen=True)
class SequenceRun:
    """One full-gradient run on the longest prefix (<= steps asked) whose gradients are finite."""

    model: RNN
    result: BPTTResult
    steps: int  # steps actually used


def _finite(result: BPTTResult) -> bool:
    return result.overflow_step is None and all(np.all(np.isfinite(g)) for g in result.grads.values())


def run_sequence(problem: Problem) -> SequenceRun:
    """The problem's RNN and full BPTT on its sequence.

    If the forward pass overflows or a gradient leaves float64, the sequence is shortened
    (to the step before the overflow, else halved) until every gradient is finite: truncated
    and full gradients can only be compared where both exist.
    """
    model = problem.model("rnn")
    used = problem.steps
    while True:
        result = problem.backprop(model, used)
        if _finite(result) or used == 1:
            return SequenceRun(model, result, used)
        used = max(1, result.overflow_step - 1 if result.overflow_step is not None else used // 2)


def agreement_ks(steps: int, points: int = AGREEMENT_POINTS) -> np.ndarray:
    """(M,) distinct integers from 1 to T, spaced evenly in log k; M <= points."""
    return np.unique(np.round(np.geomspace(1, max(steps, 1), points)).astype(int))


def make_truncation(kind: str, k: int, k1: int, k2: int, pi: float, seed: int) -> Truncation:
    """The core truncation object for the view's controls."""
    if kind == "chunked":
        return Chunked(int(k))
    if kind == "tbptt":
        return TBPTT(int(k1), int(k2))
    if kind == "randomized":
        return Randomized(float(pi), int(seed))
    raise ValueError(f"unknown kind {kind!r}; choose from {KINDS}")


def agreement_report(problem: Problem, kind: str = "chunked") -> dict:
    """Cosine and relative error vs the full gradient over k (Chunked(k), or TBPTT(k, 2k) for kind "tbptt").

    Returns {"steps": T used, "ks": (M,), "agreement": as bptt_core.truncation.agreement_over_k}.
    """
    run = run_sequence(problem)
    ks = agreement_ks(run.steps)
    core_kind = "tbptt" if kind == "tbptt" else "chunked"
    return {"steps": run.steps, "ks": ks, "agreement": agreement_over_k(run.model, run.result, ks, kind=core_kind)}


@dataclass(frozen=True)
class ChosenTruncation:
    """The chosen truncation on this sequence: its paths and how far it is from the full gradient."""

    steps: int  # T used
    contributions: StepContributions  # log10 fields are None when pair norms were not asked for
    cosine: float  # over every parameter
    relative_error: float  # over every parameter
    kept_fraction: float  # kept paths / all T (T + 1) / 2 paths
    zero_states: bool = False  # every h_t is exactly 0 (e.g. inputs scaled to 0): every W_h term is 0


def chosen_report(
    problem: Problem, kind: str, k: int, k1: int, k2: int, pi: float, with_pairs: bool
) -> ChosenTruncation:
    """Path mask (and, if with_pairs, per-path norms of dL/dW_h) of one truncation; T <= ~ a few hundred."""
    run = run_sequence(problem)
    truncation = make_truncation(kind, k, k1, k2, pi, problem.seed)
    if with_pairs:
        contributions = per_step_contributions(run.model, run.result, truncation)
    else:
        contributions = _mask_only(run, truncation)
    cosine, error = gradient_agreement(truncated_grads(run.model, run.result, truncation), run.result.grads)["all"]
    paths = run.steps * (run.steps + 1) / 2
    zero_states = not np.any(run.result.hs)
    kept = float(contributions.kept.sum() / paths)
    return ChosenTruncation(run.steps, contributions, cosine, error, kept, zero_states)


def _mask_only(run: SequenceRun, truncation: Truncation) -> StepContributions:
    """StepContributions without the O(T^2) per-path norms."""
    g = cell_module(run.model).state_grad_from_hidden(run.result.dout_direct)  # (N, T, S)
    weights = path_weights(truncation, run.steps)
    return StepContributions(weights, weights != 0, np.abs(g).sum(axis=(0, 2)) > 0, "W_h", None, None, None)


def spread_report(problem: Problem, pi: float = 0.5, seeds: int = 20, k: int = 5) -> dict:
    """Randomized(pi) over seeds seed, seed+1, ... vs the full gradient, and Chunked(k)'s error (its bias).

    Returns {"steps": T used, "spread": as bptt_core.truncation.randomized_spread, "chunked_error": float}.
    """
    run = run_sequence(problem)
    spread = randomized_spread(run.model, run.result, pi, seeds, first_seed=problem.seed)
    chunked = gradient_agreement(truncated_grads(run.model, run.result, Chunked(int(k))), run.result.grads)
    return {"steps": run.steps, "spread": spread, "chunked_error": chunked["all"][1]}


# Below this relative error an estimate equals the full gradient up to float64 rounding.
ROUNDING = 1e-12


@dataclass(frozen=True)
class SpreadSummary:
    """The single randomized estimates in numbers, for the sentences next to the chart."""

    draws: int
    above_one: int  # estimates off by more than the gradient itself (relative error > 1)
    smallest: float
    median: float
    largest: float
    exact: bool  # every estimate equals the full gradient up to rounding
    mean_final: float  # relative error of the mean of all draws


def spread_summary(relative_error: np.ndarray, mean_relative_error: np.ndarray) -> SpreadSummary:
    """relative_error: (M,) one per draw; mean_relative_error: (M,) of the mean of the first n draws."""
    errors = np.asarray(relative_error, dtype=float)
    return SpreadSummary(
        draws=int(errors.size),
        above_one=int(np.sum(errors > 1)),
        smallest=float(np.min(errors)),
        median=float(np.median(errors)),
        largest=float(np.max(errors)),
        exact=bool(np.all(errors < ROUNDING)),
        mean_final=float(np.asarray(mean_relative_error, dtype=float)[-1]),
    )
