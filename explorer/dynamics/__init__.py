"""Dynamics: order, chaos and memory. The influence map, Lyapunov exponents and the phase diagram."""

from explorer.dynamics.settings import DYNAMICS_RANGE, DynamicsSettings
from explorer.shared.ranges import fixed
from explorer.shared.view import View

VIEW = View("dynamics", "🌀", settings=(DynamicsSettings,), ranges=fixed(DYNAMICS_RANGE))
