"""The page registry: one line per view. Adding a view is a folder plus one line here.

ALL_SETTINGS is every settings group the app draws: the link checker treats other URL keys
as unknown, and tests/test_link_format.py pins their keys and defaults.
"""

from __future__ import annotations

from explorer import clipping, derivation, dynamics, flow, gated, training, truncation
from explorer.shared.settings import CommonSettings, ProblemSettings
from explorer.shared.view import View

VIEWS: tuple[View, ...] = (
    flow.VIEW,
    gated.VIEW,
    truncation.VIEW,
    clipping.VIEW,
    derivation.VIEW,
    training.VIEW,
    dynamics.VIEW,
)

SHARED_SETTINGS = (CommonSettings, ProblemSettings)
ALL_SETTINGS = SHARED_SETTINGS + tuple(cls for view in VIEWS for cls in view.settings)
