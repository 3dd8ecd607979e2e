"""What every page needs: the translator and the shared settings of this run.

app.py draws the widgets; pages read their values back from st.session_state,
where Streamlit keeps each keyed widget's value.
"""

from __future__ import annotations

import streamlit as st

from explorer.shared.i18n import translator
from explorer.shared.settings import CommonSettings, ProblemSettings, specs


def read(cls):
    """The settings instance built from the widget values in session state."""
    return cls(**{name: st.session_state.get(key, default) for name, key, _, default in specs(cls)})


def get():
    """(t, ProblemSettings) for the current session."""
    return translator(read(CommonSettings).lang), read(ProblemSettings)
