"""How far a page lets the sidebar's T and H sliders go: every value inside is computed in full.

The sidebar is shared, but the pages' work per step is not: the flow view multiplies one H x H
matrix a step, the gated view runs three cells (the LSTM's state is 2H), the band adds an SVD a
step. Each view registers a function ranges(problem, *view_settings) -> Range with its View
(fixed(span) for a page whose range does not depend on its settings; the flow view's own in its
settings.py); the frame asks it before drawing the sidebar and gives the sliders that page's maxima. A value
above them (a link, or a page switch) is set to the maximum and named above the page. Each
page's work budget is its range's corner, so inside the ranges nothing is cut; the budget only
guards against anything that gets past the sliders. benchmarks/worst_links.py times each corner.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from explorer.shared.settings import ProblemSettings, specs

_SPECS = {name: spec for name, _, spec, _ in specs(ProblemSettings)}
FULL_STEPS: int = _SPECS["steps"].hi
FULL_HIDDEN: int = _SPECS["hidden"].hi


@dataclass(frozen=True)
class Range:
    """The maxima of the T and H sliders on one page, and why they are lower than the sidebar's own.

    reason: the catalogue key of the sentence shown under the sliders ("" for the full range); it
    is formatted with T and H, the maxima.
    """

    steps: int = FULL_STEPS
    hidden: int = FULL_HIDDEN
    reason: str = ""

    def limits(self) -> dict[str, int]:
        """{ProblemSettings field: maximum}, what widgets.draw narrows."""
        return {"steps": self.steps, "hidden": self.hidden}


FULL = Range()


def fixed(span: Range) -> Callable[..., Range]:
    """A view's ranges function for a page whose range does not depend on its settings."""

    def ranges(problem: ProblemSettings, *view_settings) -> Range:
        return span

    return ranges


full_range = fixed(FULL)  # the sidebar's own range: for pages whose worst setting already fits
