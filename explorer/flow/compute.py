"""Cached compute of the gradient-flow view.

Keys are small frozen settings; entries are bounded (shared by all sessions).

functools.lru_cache, not st.cache_data: this is the page a whole class reruns, and Streamlit's
cache hashes every argument with its own hasher at every call (a Problem through its fields),
about 6% of a cached rerun's server time measured with py-spy; a frozen dataclass hashes as a
tuple in microseconds. The entries are shared objects: pages only read them.
"""

from __future__ import annotations

from functools import lru_cache

from bptt_core import Problem
from explorer.flow import figures as figs
from explorer.flow.report import FlowReport, gradient_flow
from explorer.flow.settings import FlowSettings, ranges
from explorer.shared.budget import jacobian_chain_cost, steps_within
from explorer.shared.frozen import freeze
from explorer.shared.i18n import translator
from explorer.shared.settings import ProblemSettings


def state_size(hidden: int, cell: str) -> int:
    """The size of the state whose Jacobians are multiplied: H for the RNN, 2H for the LSTM (h_t, c_t)."""
    return 2 * hidden if cell == "lstm" else hidden


def flow_steps(settings: ProblemSettings, flow: FlowSettings) -> int:
    """T, all of it inside the page's range; past it, capped to the work of the range's corner."""
    compared = flow.compare and flow.differs(settings)

    def cost(hidden: int) -> float:  # the band adds an SVD a step; a compared setting its own chain
        work = jacobian_chain_cost(hidden, svd=settings.band)
        if compared:
            # the LSTM's 2H x 2H Jacobians are built from four gate blocks: about three chain steps each (measured)
            work += (3 if flow.cell2 == "lstm" else 1) * jacobian_chain_cost(state_size(hidden, flow.cell2))
        return work

    return steps_within(settings.steps, settings.hidden, ranges(settings, flow), cost)


def flow_problems(settings: ProblemSettings, flow: FlowSettings) -> tuple[Problem, Problem | None]:
    """The problems this view computes, with the same (capped) T: the sidebar's, and the compared one or None."""
    steps = flow_steps(settings, flow)
    second = flow.second(settings).problem(steps) if flow.compare and flow.differs(settings) else None
    return settings.problem(steps), second


@lru_cache(maxsize=256)
def flow_report(problem: Problem, with_band: bool, cell: str = "rnn") -> FlowReport:
    return gradient_flow(problem, with_band=with_band, cell=cell)


@lru_cache(maxsize=128)
def flow_figures(
    lang: str,
    problem: Problem,
    with_band: bool,
    second: Problem | None = None,
    cell2: str = "rnn",
    labels: tuple = (None, None),
) -> dict:
    """The view's figures for one language, built once and shared read-only by every session.

    Shared, never copied: unpickling a plotly Figure re-validates it, which costs more than
    building it. Frozen (explorer/shared/frozen.py): st.plotly_chart converts a figure
    to a dict at every rerun; a frozen one hands out the dict it computed once.
    """
    report, t = flow_report(problem, with_band), translator(lang)
    other = flow_report(second, False, cell2) if second is not None else None
    return {
        "grad": freeze(figs.fig_gradient_norms(report, t, other, labels)),
        "jac": freeze(figs.fig_jacobian_products(report, t, other, labels)),
        "weight": freeze(figs.fig_weight_contributions(report, t)),
        "eig": freeze(figs.fig_eigenvalues(report, t)),
        "sv": freeze(figs.fig_singular_values(report, t)),
        "csv": figs.curves_csv(report),
    }
