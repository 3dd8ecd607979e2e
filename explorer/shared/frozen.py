"""Figures serialised once: a cached chart should not cost its conversion again at every rerun.

st.plotly_chart calls figure.to_dict() on every rerun (which copies every trace and base64-encodes
every array), then JSON-encodes the dict. For a figure that is cached and never changes, the dict
is the same each time: FrozenFigure computes it once and hands it out again. Measured on the flow
view: that conversion was about a third of the server's time for a cached rerun (docs/streamlit.md,
"Rerun cost").
"""

from __future__ import annotations

import copy

import plotly.graph_objects as go


class FrozenFigure(go.Figure):
    """A go.Figure whose to_dict() is computed once (at freeze) and returned from then on.

    Do not change a frozen figure: its dict would no longer match. st.plotly_chart never mutates it.
    """

    _frozen_dict: dict | None = None

    def to_dict(self) -> dict:
        if self._frozen_dict is None:
            return super().to_dict()
        return {"data": self._frozen_dict["data"], "layout": self._frozen_dict["layout"]}


def freeze(fig: go.Figure) -> FrozenFigure:
    """fig itself, turned into a FrozenFigure (its dict computed now).

    The object changes class rather than being copied: constructing a new Figure re-validates
    every property, which cost more than the conversion it saves (measured with py-spy).
    """
    as_dict = copy.deepcopy(fig.to_dict())
    fig.__class__ = FrozenFigure
    object.__setattr__(fig, "_frozen_dict", as_dict)
    return fig
