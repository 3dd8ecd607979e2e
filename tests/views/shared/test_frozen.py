"""A frozen figure serialises like the figure it froze (same JSON value), and keeps doing so."""

import json

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio

from explorer.shared.frozen import FrozenFigure, freeze


def test_frozen_json_equals_the_original_and_is_stable():
    fig = go.Figure([go.Scatter(x=np.arange(50), y=np.linspace(-3, 3, 50), name="a")])
    fig.update_layout(title="t", yaxis_type="log")
    expected = json.loads(pio.to_json(fig.to_dict(), validate=False))
    frozen = freeze(fig)
    assert isinstance(frozen, go.Figure) and isinstance(frozen, FrozenFigure)
    first = pio.to_json(frozen.to_dict(), validate=False)
    assert json.loads(first) == expected  # the template moves to the end of the layout: same value
    assert pio.to_json(frozen.to_dict(), validate=False) == first  # the same on every call
    assert frozen.to_dict() is not frozen.to_dict()  # a new outer dict each time: a caller may not mutate ours


def test_streamlits_conversion_takes_the_frozen_dict():
    from plotly.tools import return_figure_from_figure_or_data

    fig = go.Figure(go.Bar(x=[1, 2], y=[3, 4]))
    expected = fig.to_dict()
    frozen = freeze(fig)
    assert return_figure_from_figure_or_data(frozen, validate_figure=True) == expected


def test_every_frozen_figure_carries_the_default_template_shared():
    """A figure built with an empty template (as the flow view builds them) is served with the default one."""
    plain = go.Figure(go.Scatter(x=[0, 1], y=[1, 2]))
    bare = go.Figure({"data": [{"type": "scatter", "x": [0, 1], "y": [1, 2]}], "layout": {"template": {}}})
    expected = plain.to_dict()["layout"]["template"]
    assert expected  # the default template is not empty
    first, second = freeze(plain).to_dict(), freeze(bare).to_dict()
    assert first["layout"]["template"] == expected
    assert second["layout"]["template"] is first["layout"]["template"]  # one converted copy, shared
