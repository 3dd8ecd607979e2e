"""Settings of the clipping view (drawn in the main area, bound to the URL).

Defaults are part of the link format, like every default, so they are written here and not
read from the core (they start where bptt_core.cliff's worked example starts: (8, -2), lr 0.05,
60 iterations, norm threshold 5, value limit 3).
"""

from __future__ import annotations

from dataclasses import dataclass

from explorer.shared.fields import FloatField, IntField
from explorer.shared.settings import setting

MAX_ITERATIONS = 300  # three descents of 300 steps stay well under a second


@dataclass(frozen=True)
class ClippingSettings:
    threshold: float = setting(5.0, "thr", FloatField(0.1, 50.0, 0.1))
    limit: float = setting(3.0, "vlim", FloatField(0.1, 20.0, 0.1))
    lr: float = setting(0.05, "lr", FloatField(0.005, 0.5, 0.005))
    iterations: int = setting(60, "iters", IntField(1, MAX_ITERATIONS))
    start_w: float = setting(8.0, "w0", FloatField(0.0, 12.0, 0.1))  # the cliff's window: w in [0, 12]
    start_b: float = setting(-2.0, "b0", FloatField(-8.0, 6.0, 0.1))  # b in [-8, 6]

    def limit_for(self, clipper: str) -> float:
        """The threshold a clipper uses: the norm threshold, the value limit, or 1 (ignored by "none")."""
        return {"norm": self.threshold, "value": self.limit}.get(clipper, 1.0)
