"""Layout shared by every figure module: legends sit under the x axis, clear of the titles."""

LEGEND_BELOW = dict(orientation="h", yanchor="top", y=-0.2, x=0)
MARGIN = dict(l=60, r=20, t=60, b=40)  # plotly grows the bottom margin to fit the legend


def titled(fig, title: str, height: int = 400):
    """fig with its title, height and the shared legend and margins."""
    fig.update_layout(title=title, height=height, margin=MARGIN, legend=LEGEND_BELOW)
    return fig
