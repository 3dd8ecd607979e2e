"""Figures serialised once: a cached chart should not cost its conversion again at every rerun.

st.plotly_chart calls figure.to_dict() on every rerun (which copies every trace and base64-encodes
every array), then JSON-encodes the dict. For a figure that is cached and never changes, the dict
is the same each time: FrozenFigure computes it once and hands it out again. Measured on the flow
view: that conversion was about a third of the server's time for a cached rerun (docs/streamlit.md,
"Rerun cost").

Every figure carries the default template (under Streamlit, its theme template: placeholder
colours the browser replaces with the theme's). It is the same for every figure, yet copying and
converting it was most of a freeze (21 of 28 ms for the flow view's five figures): the conversion
leaves it out and the frozen dict shares one converted copy. No figure of this app chooses its own
template (tests/test_architecture.py checks the figure modules).
"""

from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio


class FrozenFigure(go.Figure):
    """A go.Figure whose to_dict() is computed once (at freeze) and returned from then on.

    Do not change a frozen figure: its dict would no longer match. st.plotly_chart never mutates it.
    """

    _frozen_dict: dict | None = None

    def to_dict(self) -> dict:
        if self._frozen_dict is None:
            return super().to_dict()
        return {"data": self._frozen_dict["data"], "layout": self._frozen_dict["layout"]}


_TEMPLATES: dict[str, dict] = {}


def default_template() -> dict:
    """The default template as to_dict() writes it, converted once per template name and shared."""
    name = str(pio.templates.default)
    if name not in _TEMPLATES:
        _TEMPLATES[name] = go.Figure().to_dict()["layout"].get("template", {})
    return _TEMPLATES[name]


def freeze(fig: go.Figure) -> FrozenFigure:
    """fig itself, turned into a FrozenFigure (its dict computed now, with the shared default template).

    The object changes class rather than being copied: constructing a new Figure re-validates
    every property, which cost more than the conversion it saves (measured with py-spy).
    to_dict() returns a deep copy already: nothing the figure holds is shared with the dict.
    """
    fig.layout.template = None  # left out of the conversion, then put back as the shared dict
    as_dict = fig.to_dict()
    as_dict["layout"]["template"] = default_template()
    fig.__class__ = FrozenFigure
    object.__setattr__(fig, "_frozen_dict", as_dict)
    return fig
