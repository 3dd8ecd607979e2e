"""Layout shared by every figure module: legends under the x axis, clear of the titles; colours for both themes.

Streamlit draws Plotly figures on its light or dark background (the browser's preference, or
`--theme.base`; docs/streamlit.md, "Themes") and recolours the template's text, grid and axes itself.
A colour a figure sets by hand must read on both: never black or white, never a near-background grey.
"""

LEGEND_BELOW = dict(orientation="h", yanchor="top", y=-0.2, x=0)
MARGIN = dict(l=60, r=20, t=60, b=40)  # plotly grows the bottom margin to fit the legend

# Mid-grey text and lines: contrast about 3.9:1 on white and 4.6:1 on Streamlit's dark background.
NEUTRAL = "#8a8a8a"
# A faint fill or band (reference areas), translucent so that it works on either background.
NEUTRAL_FILL = "rgba(138, 138, 138, 0.25)"
# A line that must stand out from the coloured series on both backgrounds (e.g. "all parameters").
EMPHASIS = "#e377c2"


def titled(fig, title: str, height: int = 400):
    """fig with its title, height and the shared legend and margins."""
    fig.update_layout(title=title, height=height, margin=MARGIN, legend=LEGEND_BELOW)
    return fig
