"""Cached compute of the gated-cells view: small frozen settings as keys, bounded entries shared by all sessions."""

from __future__ import annotations

import streamlit as st

from bptt_core import Problem
from bptt_core.export import torch_npz
from explorer.gated.report import GatedReport, gated_flow, gated_models
from explorer.gated.settings import GATED_RANGE
from explorer.shared.budget import jacobian_chain_cost, steps_within
from explorer.shared.settings import ProblemSettings


def gated_problem(settings: ProblemSettings) -> Problem:
    """All of T inside the page's range; past it, T capped to the range corner's work.

    Three cells run a step, and the LSTM's state Jacobian is 2H x 2H.
    """

    def cost(hidden: int) -> float:
        return sum(jacobian_chain_cost(size) for size in (hidden, 2 * hidden, hidden))

    return settings.problem(steps_within(settings.steps, settings.hidden, GATED_RANGE, cost))


@st.cache_data(max_entries=32, show_spinner=False)
def gated_report(problem: Problem, forget_bias: float, update_bias: float) -> GatedReport:
    return gated_flow(problem, forget_bias, update_bias)


@st.cache_data(max_entries=32, show_spinner=False)
def torch_weights(problem: Problem, forget_bias: float, update_bias: float) -> bytes:
    """The LSTM's and GRU's weights as PyTorch state dicts in one .npz (bptt_core.export.torch_npz).

    The vanilla RNN is left out: torch.nn.RNN has only tanh and ReLU.
    """
    models = gated_models(problem, forget_bias, update_bias)
    return torch_npz({name: models[name] for name in ("lstm", "gru")})
