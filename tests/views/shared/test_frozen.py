"""A frozen figure serialises exactly like the figure it froze, and keeps doing so."""

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio

from explorer.shared.frozen import FrozenFigure, freeze


def test_frozen_json_equals_the_original_and_is_stable():
    fig = go.Figure([go.Scatter(x=np.arange(50), y=np.linspace(-3, 3, 50), name="a")])
    fig.update_layout(title="t", yaxis_type="log")
    expected = pio.to_json(fig.to_dict(), validate=False)
    frozen = freeze(fig)
    assert isinstance(frozen, go.Figure) and isinstance(frozen, FrozenFigure)
    assert pio.to_json(frozen.to_dict(), validate=False) == expected
    assert pio.to_json(frozen.to_dict(), validate=False) == expected  # the same on every call
    assert frozen.to_dict() is not frozen.to_dict()  # a new outer dict each time: a caller may not mutate ours


def test_streamlits_conversion_takes_the_frozen_dict():
    from plotly.tools import return_figure_from_figure_or_data

    fig = go.Figure(go.Bar(x=[1, 2], y=[3, 4]))
    expected = fig.to_dict()
    frozen = freeze(fig)
    assert return_figure_from_figure_or_data(frozen, validate_figure=True) == expected
