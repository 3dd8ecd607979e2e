"""Cached core call of the gated-cells page. Keys are small scalars; entries are bounded (shared by all sessions)."""

from __future__ import annotations

import streamlit as st

from bptt_core.export import torch_npz
from bptt_core.gated_report import GatedReport, gated_flow, gated_models


@st.cache_data(max_entries=32, show_spinner=False)
def gated_report(**kwargs) -> GatedReport:
    """bptt_core.gated_report.gated_flow for the scalars of GatedSettings.core_kwargs(flow)."""
    return gated_flow(**kwargs)


@st.cache_data(max_entries=32, show_spinner=False)
def torch_weights(**kwargs) -> bytes:
    """The LSTM's and GRU's weights as PyTorch state dicts in one .npz (bptt_core.export.torch_npz).

    The vanilla RNN is left out: torch.nn.RNN has only tanh and ReLU.
    """
    models = gated_models(**kwargs)
    return torch_npz({name: models[name] for name in ("lstm", "gru")})
