"""Gradient flow: how ||dL/dh_t|| and ||dh_T/dh_t|| vanish or explode with distance."""

from explorer.flow.settings import FlowSettings, ranges
from explorer.shared.view import View

VIEW = View("flow", "📉", settings=(FlowSettings,), default=True, ranges=ranges)
