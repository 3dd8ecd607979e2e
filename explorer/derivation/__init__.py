"""Derivation: the chain rule on a toy function, then BPTT on a tiny RNN one edge at a time."""

from explorer.derivation.settings import DerivationSettings
from explorer.shared.view import View

VIEW = View("derivation", "🧮", settings=(DerivationSettings,))
