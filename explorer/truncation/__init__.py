"""Truncated BPTT: which backward paths a truncation drops, and what that costs the gradient."""

from explorer.shared.ranges import fixed
from explorer.shared.view import View
from explorer.truncation.settings import TRUNCATION_RANGE, TruncationSettings

VIEW = View("truncation", "✂️", settings=(TruncationSettings,), ranges=fixed(TRUNCATION_RANGE))
