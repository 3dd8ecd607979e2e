"""View: what the page registry needs to know of one view folder."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from explorer.shared.ranges import Range, full_range

EXPLORER = Path(__file__).resolve().parent.parent  # resolved once: the frame asks for every page at every rerun


@dataclass(frozen=True)
class View:
    """One view: a folder explorer/<name>/ holding page.py, reached at /<name>.

    settings: the settings classes whose URL keys the page draws (the sidebar's are shared);
    ranges: (ProblemSettings, *instances of settings) -> Range, how far the sidebar's T and H
    sliders go on this page (explorer/shared/ranges.py);
    title_key: the catalogue key of its navigation title.
    """

    name: str
    icon: str
    settings: tuple[type, ...] = ()
    default: bool = False
    ranges: Callable[..., Range] = full_range

    @property
    def page_path(self) -> Path:
        return EXPLORER / self.name / "page.py"

    @property
    def title_key(self) -> str:
        return f"{self.name}.nav"
