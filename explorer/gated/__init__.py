"""Gated cells: the same sequence through a vanilla RNN, an LSTM and a GRU."""

from explorer.gated.settings import GATED_RANGE, GatedSettings
from explorer.shared.ranges import fixed
from explorer.shared.view import View

VIEW = View("gated", "🚪", settings=(GatedSettings,), ranges=fixed(GATED_RANGE))
