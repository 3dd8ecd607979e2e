"""The one work-budget model of the app: a guard against links that ask for more than a rerun may cost.

Work is counted in multiply-adds of one H x H GEMM per step and state (H^3), plus a fixed
per-step Python overhead. WORK_BUDGET is what one view's computation may cost (about a second
here, measured with benchmarks/worst_links.py); a view that cannot afford every step computes
the first steps that fit and says so next to its charts.
"""

from __future__ import annotations

from explorer.shared.settings import ProblemSettings, specs

WORK_BUDGET = 1.1e9
# Python's own work per step and cell (the loops of forward, backward and the norms), in the
# same units: about one 70 x 70 GEMM. It bounds long sequences of small matrices.
STEP_OVERHEAD = 3.5e5


def affordable_steps(steps: int, cost_per_step: float, budget: float = WORK_BUDGET) -> int:
    """steps capped so that steps * cost_per_step stays within budget (at least 1)."""
    return max(1, min(int(steps), int(budget // cost_per_step)))


def jacobian_chain_cost(state_size: int, cells: int = 1, svd: bool = False) -> float:
    """Cost of one step of `cells` forward/backward passes with their Jacobian-product norms.

    svd: the per-step singular values of the flow view's band: one SVD a step, measured at about
    fifteen times the step's GEMM (H = 256).
    """
    return cells * (state_size**3 * (16 if svd else 1) + STEP_OVERHEAD)


# The flow view's budget: its sliders' corner, T = 2000 at H = 256, in full (no band, no compare).
# Its chain of norms is at the floor of T GEMMs (docs/norms.md) and its other curves take O(T H^2),
# so that corner is the slowest link the sliders offer: 1.7 s for the report here, about 2 s for the
# page (benchmarks/worst_links.py). The band (an SVD a step, counted as 16 GEMMs) and a compared LSTM
# (2H x 2H, about three chain steps) are counted at their own cost: past this budget the view computes
# the first steps that fit and says so next to its charts. tests/views/flow checks the corner.
_SLIDERS = {name: spec for name, _, spec, _ in specs(ProblemSettings)}  # the sidebar's ranges, defined once
FLOW_BUDGET = _SLIDERS["steps"].hi * jacobian_chain_cost(_SLIDERS["hidden"].hi)


def backward_sweeps_cost(hidden: int, sweeps: int) -> float:
    """Cost of one step of `sweeps` backward passes of the N = 1 RNN (no norms): H^2 each.

    Measured here: one backward step costs about 40 us + 12 ns * H^2, i.e. about one
    STEP_OVERHEAD / 6 + 16 H^2 in these units.
    """
    return sweeps * (STEP_OVERHEAD / 6 + 16 * hidden**2)
