"""Truncated BPTT: which backward paths a truncation drops, and what that costs the gradient."""

from explorer.shared.view import View
from explorer.truncation.settings import TruncationSettings, ranges

VIEW = View("truncation", "✂️", settings=(TruncationSettings,), ranges=ranges)
