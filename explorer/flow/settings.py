"""Settings of the gradient-flow view: compare the sidebar's setting with a second one.

The second setting differs from the first only where its keys say so: "same" (the default,
left out of links) means the sidebar's value. A link such as /?cmp=1&rho2=1.10 overlays
rho = 1.1 on the sidebar's setting; /?cmp=1&cell2=lstm the LSTM on the same sequence and T.
Defaults are part of the link format (see explorer/shared/settings.py).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import bptt_core as bc
from explorer.shared.fields import BoolField, ChoiceField, Parsed
from explorer.shared.ranges import FULL, Range
from explorer.shared.settings import ProblemSettings, setting

SAME = "same"
RHO_LO, RHO_HI, RHO_STEP = 0.0, 4.0, 0.01  # the sidebar's rho slider


def rho_token(x: float) -> str:
    """A rho value as the link and the slider carry it: two decimals."""
    return f"{x:.2f}"


RHO_OPTIONS = (SAME, *(rho_token(i * RHO_STEP) for i in range(round((RHO_HI - RHO_LO) / RHO_STEP) + 1)))


MAX_RAW_LENGTH = 64  # longer link values are not parsed at all


def _number(raw: str) -> float | None:
    """float(raw) for plain ASCII numbers; None for anything else (never raises)."""
    if not raw or len(raw) > MAX_RAW_LENGTH or not raw.isascii():
        return None
    try:
        return float(raw)
    except ValueError:
        return None


@dataclass(frozen=True)
class SameOrRhoField:
    """ "same" or a rho on the sidebar's grid (0.00..4.00 by 0.01), kept as its two-decimal token."""

    options: tuple[str, ...] = RHO_OPTIONS

    def parse(self, raw: str, default: str) -> Parsed:
        text = raw.strip()
        if text.lower() == SAME:
            return Parsed(SAME)
        x = _number(text)
        if x is None or math.isnan(x):
            return Parsed(default, "invalid")
        if math.isinf(x) or not RHO_LO <= x <= RHO_HI:
            return Parsed(rho_token(RHO_HI if x > RHO_HI else RHO_LO), "out_of_range")
        token = rho_token(round(x / RHO_STEP) * RHO_STEP)
        return Parsed(token, None if math.isclose(float(token), x, rel_tol=0, abs_tol=1e-12) else "rounded")


@dataclass(frozen=True)
class FlowSettings:
    compare: bool = setting(False, "cmp", BoolField())
    rho2: str = setting(SAME, "rho2", SameOrRhoField())
    act2: str = setting(SAME, "act2", ChoiceField((SAME, *bc.ACTIVATIONS)))
    cell2: str = setting("rnn", "cell2", ChoiceField(("rnn", "lstm"), widget="radio"))

    def second(self, first: ProblemSettings) -> ProblemSettings:
        """The second setting: the sidebar's with rho and the activation replaced where asked."""
        rho = first.rho if self.rho2 == SAME else float(self.rho2)
        act = first.activation if self.act2 == SAME else self.act2
        return replace(first, rho=rho, activation=act)

    def differs(self, first: ProblemSettings) -> bool:
        """Whether the second setting computes something other than the first."""
        second = self.second(first)
        return self.cell2 != "rnn" or second.rho != first.rho or second.activation != first.activation


# H where the flow page's options still finish T = 2000 within 2 s here (benchmarks/worst_links.py,
# 2026-12-06, one uncached rerun under AppTest): the band (one SVD a step) 1.5 s at H = 112;
# a second vanilla RNN 1.8 s at H = 192, so 176; a compared LSTM (2H x 2H Jacobians) 1.4 s at H = 96,
# but 2.2 s with the band as well: 80 then (1.5 s).
BAND_HIDDEN = 112
COMPARE_HIDDEN = 176
LSTM_HIDDEN = 96
LSTM_BAND_HIDDEN = 80


def ranges(problem: ProblemSettings, flow: FlowSettings) -> Range:
    """The flow page's range: the sidebar's own (T = 2000, H = 256), narrower for the band and compare mode."""
    span = FULL
    if flow.compare and flow.cell2 == "lstm":
        span = Range(hidden=LSTM_BAND_HIDDEN if problem.band else LSTM_HIDDEN, reason="flow.range.lstm")
    elif flow.compare and flow.differs(problem):
        span = Range(hidden=COMPARE_HIDDEN, reason="flow.range.compare")
    if problem.band and BAND_HIDDEN < span.hidden:
        span = Range(hidden=BAND_HIDDEN, reason="flow.range.band")
    return span
