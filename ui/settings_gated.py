"""Settings of the gated-cells page: the two gate biases, drawn on the page itself.

The sequence and the vanilla RNN come from the sidebar's FlowSettings; GatedSettings adds
the LSTM forget-gate bias ("fb") and the GRU update-gate bias ("ub"). Defaults are part of
the link format (see ui/settings.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from ui.fields import FloatField
from ui.settings import STEP_OVERHEAD, WORK_BUDGET, FlowSettings, setting


@dataclass(frozen=True)
class GatedSettings:
    forget_bias: float = setting(1.0, "fb", FloatField(-5.0, 10.0, 0.1))
    update_bias: float = setting(0.0, "ub", FloatField(-5.0, 10.0, 0.1))

    def core_kwargs(self, flow: FlowSettings) -> dict:
        """Scalars for bptt_core.gated_report.gated_flow (and the cache key)."""
        return dict(
            steps=gated_steps(flow),
            hidden=flow.hidden,
            rho=flow.rho,
            activation=flow.activation,
            init=flow.init,
            input_scale=flow.input_scale,
            seed=flow.seed,
            loss=flow.loss,
            loss_steps=flow.loss_steps,
            forget_bias=self.forget_bias,
            update_bias=self.update_bias,
        )


def gated_steps(flow: FlowSettings) -> int:
    """T capped to the work budget: the LSTM's state Jacobian is 2H x 2H, and three cells run."""
    return max(1, min(flow.steps, int(WORK_BUDGET // ((2 * flow.hidden) ** 3 + 3 * STEP_OVERHEAD))))
