"""Clipping: Pascanu's cliff with three descents, then clipping the main RNN's raw gradient."""

from explorer.clipping.settings import ClippingSettings
from explorer.shared.view import View

VIEW = View("clipping", "🧗", settings=(ClippingSettings,))
