"""Gated cells: the same sequence through a vanilla RNN, an LSTM and a GRU."""

from explorer.gated.settings import GatedSettings, ranges
from explorer.shared.view import View

VIEW = View("gated", "🚪", settings=(GatedSettings,), ranges=ranges)
