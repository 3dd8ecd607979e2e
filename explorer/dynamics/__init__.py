"""Dynamics: order, chaos and memory. The influence map, Lyapunov exponents and the phase diagram."""

from explorer.dynamics.settings import DynamicsSettings, ranges
from explorer.shared.view import View

VIEW = View("dynamics", "🌀", settings=(DynamicsSettings,), ranges=ranges)
