"""Cached core calls of the truncation view, and the work budget that bounds them.

Keys are small scalars; entries are bounded (shared by all sessions). The budget is in
seconds from a rough cost model measured here: one backward step of the N = 1 RNN costs
about 40 us + 12 ns * H^2; one path of the per-path norms (O(T^2) of them) 120 us + 26 ns * H^2.
"""

from __future__ import annotations

import math

import streamlit as st

from bptt_core.truncation import PAIR_STEP_LIMIT
from bptt_core.truncation_report import AGREEMENT_POINTS, agreement_report, chosen_report, spread_report
from ui.settings import FlowSettings
from ui.settings_truncation import TruncationSettings

STEP_CAP = 200  # the path-mask heatmap draws T^2 cells: beyond this it stops being readable
SECONDS = 0.8  # all sections together, cold cache
PAIR_SECONDS = 0.75  # the per-path norms
MAX_SEEDS = 50  # the budget assumes the most seeds, so T does not change with the seed count


def step_seconds(hidden: int) -> float:
    return 4e-5 + 1.2e-8 * hidden**2


def pair_seconds(hidden: int) -> float:
    # Measured single-threaded; a loaded machine with multithreaded OpenBLAS was up to 10x slower at H >= 128.
    return 1.2e-4 + 2.6e-8 * hidden**2


def page_steps(flow: FlowSettings) -> int:
    """T for the whole page: the sidebar's T, capped by its budget, the mask size and this view's work."""
    runs = 2 * AGREEMENT_POINTS + MAX_SEEDS + 4  # TBPTT(k, 2k) sweeps ~2T steps per k
    by_time = int(SECONDS / (runs * step_seconds(flow.hidden)))
    return max(1, min(flow.budgeted_steps(band=False), STEP_CAP, by_time))


def pair_step_limit(hidden: int) -> int:
    """Largest T whose T (T + 1) / 2 per-path norms fit in PAIR_SECONDS."""
    pairs = PAIR_SECONDS / pair_seconds(hidden)
    return max(1, min(PAIR_STEP_LIMIT, int((math.sqrt(1 + 8 * pairs) - 1) / 2)))


def sequence_kwargs(flow: FlowSettings, steps: int) -> dict:
    """The scalars of bptt_core.truncation_report.run_sequence."""
    kwargs = flow.core_kwargs()
    kwargs.pop("with_band")
    kwargs["steps"] = steps
    return kwargs


@st.cache_data(max_entries=32, show_spinner=False)
def agreement(**kwargs) -> dict:
    return agreement_report(**kwargs)


@st.cache_data(max_entries=32, show_spinner=False)
def chosen(**kwargs):
    return chosen_report(**kwargs)


@st.cache_data(max_entries=32, show_spinner=False)
def spread(**kwargs) -> dict:
    return spread_report(**kwargs)


def all_sections(flow: FlowSettings, tr: TruncationSettings) -> dict:
    """Every section's result for the current settings (cached), and the T asked and used."""
    steps = page_steps(flow)
    seq = sequence_kwargs(flow, steps)
    with_pairs = steps <= pair_step_limit(flow.hidden)
    window = dict(kind=tr.kind, k=tr.k, k1=tr.k1, k2=tr.k2, pi=tr.pi)
    return dict(
        planned=steps,
        pair_limit=pair_step_limit(flow.hidden),
        agreement=agreement(kind="tbptt" if tr.kind == "tbptt" else "chunked", **seq),
        chosen=chosen(with_pairs=with_pairs, **window, **seq),
        spread=spread(pi=tr.pi, seeds=min(tr.seeds, MAX_SEEDS), k=tr.k, **seq),
    )
