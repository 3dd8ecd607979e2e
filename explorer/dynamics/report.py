"""What the dynamics view shows, computed from one Problem (NumPy only).

- influence: log10 ||ds_t/ds_s|| for every pair s <= t (the state map of the chosen cell);
- exponents: the top k Lyapunov exponents (log10 per step), next to the fitted growth rate of
  ||dh_T/dh_t||, Pascanu's bound log10(gamma sigma_max) and log10 rho; the memory horizon;
- phase: lambda_1 over a grid of (rho, input scale) for the sidebar's activation and init, with
  the mean-field edge of chaos (chi = 1) and the current setting.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

import bptt_core as bc
from bptt_core.dynamics.influence import default_rank

RHO_RANGE = (0.05, 3.0)
SCALE_RANGE = (0.0, 3.0)
PHASE_STEPS = 200  # trajectory length of each grid cell


@dataclass(frozen=True)
class InfluenceReport:
    steps: int
    cell: str
    log10: np.ndarray  # (T+1, T+1): [t, s] = log10 ||ds_t/ds_s||, NaN for s > t
    exact: bool = True  # False: a lower bound from a few rows per target, exact far from the diagonal


def influence(problem: bc.Problem, cell: str, rank: int | None = None) -> InfluenceReport:
    """rank: rows kept per target (None: the core's default; the state size S: exact, else a lower bound)."""
    model, result = problem.run(cell)
    size = bc.cell_module(model).state_size(model)
    rank = default_rank(problem.steps, size) if rank is None else min(rank, size)
    log10 = bc.influence_log10_norms(model, result, ord=2, rank=rank)[0]
    return InfluenceReport(problem.steps, cell, log10, exact=rank >= size)


@dataclass(frozen=True)
class ExponentReport:
    exponents: np.ndarray  # (k,) log10 per step, descending
    growth: float  # fitted log10 growth per step of ||dh_T/dh_t||_2 (vanilla RNN)
    bound: float  # log10(gamma sigma_max(W_h)): Pascanu's per-step bound
    log10_rho: float
    steps: int

    @property
    def horizon(self) -> float:
        """Steps over which a gradient changes tenfold: 1 / |lambda_1| (inf when lambda_1 = 0)."""
        top = float(self.exponents[0])
        return math.inf if top == 0 or not math.isfinite(top) else 1.0 / abs(top)


def exponents(problem: bc.Problem, cell: str, k: int) -> ExponentReport:
    model, result = problem.run(cell)
    size = bc.cell_module(model).state_size(model)
    lyap = bc.lyapunov_log10_exponents(model, result, k=min(k, size))[0]
    rnn, rnn_result = (model, result) if cell == "rnn" else problem.run("rnn")
    growth = bc.fitted_log10_growth(bc.jacobian_log10_norms(rnn, rnn_result, ord=2)[0])
    spec = bc.spectrum(rnn.W_h)
    gamma = bc.get_activation(problem.activation).gamma
    with np.errstate(divide="ignore"):
        bound = float(np.log10(gamma * spec.sigma_max)) if spec.sigma_max > 0 else -math.inf
        log_rho = float(np.log10(spec.radius)) if spec.radius > 0 else -math.inf
    return ExponentReport(lyap, growth, bound, log_rho, problem.steps)


@dataclass(frozen=True)
class PhaseReport:
    rhos: np.ndarray  # (R,)
    scales: np.ndarray  # (I,)
    lambda1: np.ndarray  # (I, R) log10 per step; -inf where the product is exactly zero
    edge: np.ndarray  # (I,) mean-field rho where chi = 1 (NaN where none)
    mean_field: bool  # False for the identity init (not random: the mean field does not describe it)


def phase(activation: str, init: str, hidden: int, seed: int, grid: int) -> PhaseReport:
    rhos = np.linspace(*RHO_RANGE, grid)
    scales = np.linspace(*SCALE_RANGE, grid)
    lam = bc.phase_grid(rhos, scales, activation=activation, init=init, hidden=hidden, steps=PHASE_STEPS, seed=seed)
    mean_field = init != "identity"
    if mean_field:
        per_rho = bc.sigma_w_per_rho(init, hidden, seed)
        edge = bc.mean_field_edge(scales, activation, sigma_w_per_rho=per_rho)
    else:
        edge = np.full(scales.shape, np.nan)
    return PhaseReport(rhos, scales, lam, edge, mean_field)


def nearest_cell(report: PhaseReport, rho: float, scale: float) -> tuple[int, int]:
    """(row, column) of the grid cell nearest to a setting."""
    return int(np.argmin(np.abs(report.scales - scale))), int(np.argmin(np.abs(report.rhos - rho)))
