"""Settings of the gated-cells page: the two gate biases, drawn on the page itself.

The sequence and the vanilla RNN come from the sidebar's ProblemSettings; GatedSettings adds
the LSTM forget-gate bias ("fb") and the GRU update-gate bias ("ub"). Defaults are part of
the link format (see explorer/shared/settings.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from explorer.shared.fields import FloatField
from explorer.shared.ranges import Range
from explorer.shared.settings import setting


@dataclass(frozen=True)
class GatedSettings:
    forget_bias: float = setting(1.0, "fb", FloatField(-5.0, 10.0, 0.1))
    update_bias: float = setting(0.0, "ub", FloatField(-5.0, 10.0, 0.1))


# Three cells a step, the LSTM's Jacobians 2H x 2H: T = 2000 takes 1.4 s at H = 80 here and 2.0 s
# at H = 96 (benchmarks/worst_links.py, 2026-12-06).
GATED_RANGE = Range(hidden=80, reason="gated.range")
