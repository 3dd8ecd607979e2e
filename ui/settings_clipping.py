"""Settings of the clipping view (drawn in the main area, bound to the URL).

Defaults follow bptt_core.cliff (START, LEARNING_RATE, ITERATIONS, NORM_THRESHOLD,
VALUE_LIMIT); they are part of the link format, like every default.
"""

from __future__ import annotations

from dataclasses import dataclass

from bptt_core import cliff
from ui.fields import FloatField, IntField
from ui.settings import setting

MAX_ITERATIONS = 300  # three descents of 300 steps stay well under a second


@dataclass(frozen=True)
class ClippingSettings:
    threshold: float = setting(cliff.NORM_THRESHOLD, "thr", FloatField(0.1, 50.0, 0.1))
    limit: float = setting(cliff.VALUE_LIMIT, "vlim", FloatField(0.1, 20.0, 0.1))
    lr: float = setting(cliff.LEARNING_RATE, "lr", FloatField(0.005, 0.5, 0.005))
    iterations: int = setting(cliff.ITERATIONS, "iters", IntField(1, MAX_ITERATIONS))
    start_w: float = setting(cliff.START[0], "w0", FloatField(*cliff.W_RANGE, 0.1))
    start_b: float = setting(cliff.START[1], "b0", FloatField(*cliff.B_RANGE, 0.1))

    def limit_for(self, clipper: str) -> float:
        """The threshold a clipper uses: the norm threshold, the value limit, or 1 (ignored by "none")."""
        return {"norm": self.threshold, "value": self.limit}.get(clipper, 1.0)
