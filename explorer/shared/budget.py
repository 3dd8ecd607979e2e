"""The one work-budget model of the app: a guard against settings that ask for more than a rerun may cost.

Work is counted in multiply-adds of one H x H GEMM per step and state (H^3), plus a fixed
per-step Python overhead. Each page's T and H sliders stop where its worst setting still takes
at most 2 s here (explorer/shared/ranges.py); its budget is the work of that corner
(steps_within), so inside the range nothing is cut. WORK_BUDGET (about a second) bounds the
parts whose size is not a slider: the truncation view's per-path norms, the phase grid.
"""

from __future__ import annotations

from collections.abc import Callable

from explorer.shared.ranges import Range

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


def steps_within(steps: int, hidden: int, span: Range, cost: Callable[[int], float]) -> int:
    """T capped to the page's range: at most span.steps, and the work of its corner (H = span.hidden).

    cost(H): the page's work per step, growing with H. Inside the range every step is computed;
    only a setting past the sliders' maxima is cut, to the steps the corner's work pays for.
    """
    return affordable_steps(min(steps, span.steps), cost(hidden), span.steps * cost(span.hidden))


def backward_sweeps_cost(hidden: int, sweeps: int) -> float:
    """Cost of one step of `sweeps` backward passes of the N = 1 RNN (no norms): H^2 each.

    Measured here: one backward step costs about 40 us + 12 ns * H^2, i.e. about one
    STEP_OVERHEAD / 6 + 16 H^2 in these units.
    """
    return sweeps * (STEP_OVERHEAD / 6 + 16 * hidden**2)
