"""Field specs: how one setting is drawn, parsed from a link and clamped.

Pure Python (no streamlit): the parsing is unit-tested on every hostile input of
docs/streamlit.md, "Hostile links". parse() never raises; it returns a valid value and, when the raw text
was not taken as it is, a short reason.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

MAX_RAW_LENGTH = 64  # longer link values are not parsed at all


@dataclass(frozen=True)
class Parsed:
    value: object
    reason: str | None = None  # None: taken as it is


def _number(raw: str) -> float | None:
    """float(raw) for plain ASCII numbers; None for anything else."""
    text = raw.strip()
    if not text or len(text) > MAX_RAW_LENGTH or not text.isascii():
        return None
    try:
        return float(text)
    except ValueError:
        return None


@dataclass(frozen=True)
class IntField:
    lo: int
    hi: int
    widget: str = "slider"  # or "number"

    def parse(self, raw: str, default: int) -> Parsed:
        x = _number(raw)
        if x is None or math.isnan(x):
            return Parsed(default, "invalid")
        if math.isinf(x):
            return Parsed(self.hi if x > 0 else self.lo, "out_of_range")
        value = int(round(x))
        clamped = min(max(value, self.lo), self.hi)
        if clamped != value:
            return Parsed(clamped, "out_of_range")
        return Parsed(value, None if x == value else "rounded")


@dataclass(frozen=True)
class FloatField:
    lo: float
    hi: float
    step: float

    def snap(self, x: float) -> float:
        """Nearest multiple of step inside [lo, hi], with the step's decimals."""
        decimals = max(0, -math.floor(math.log10(self.step)))
        snapped = round(round((x - self.lo) / self.step) * self.step + self.lo, decimals)
        return min(max(snapped, self.lo), self.hi)

    def parse(self, raw: str, default: float) -> Parsed:
        x = _number(raw)
        if x is None or math.isnan(x):
            return Parsed(default, "invalid")
        if math.isinf(x) or not self.lo <= x <= self.hi:
            return Parsed(self.hi if x > self.hi else self.lo, "out_of_range")
        value = self.snap(x)
        return Parsed(value, None if math.isclose(value, x, rel_tol=0, abs_tol=1e-12) else "rounded")


@dataclass(frozen=True)
class ChoiceField:
    options: tuple[str, ...]
    widget: str = "selectbox"  # or "radio"

    def parse(self, raw: str, default: str) -> Parsed:
        text = raw.strip()
        return Parsed(text, None) if text in self.options else Parsed(default, "unknown_choice")


@dataclass(frozen=True)
class BoolField:
    def parse(self, raw: str, default: bool) -> Parsed:
        text = raw.strip().lower()
        if text in ("true", "1"):
            return Parsed(True)
        if text in ("false", "0"):
            return Parsed(False)
        return Parsed(default, "invalid")


@dataclass(frozen=True)
class KeyListField:
    """A comma-separated list of URL keys (the `show` flag of a presentation link), kept as one string.

    Only the shape is checked here (letters, digits, '_'); keys no widget has are simply never matched.
    """

    max_keys: int = 40

    def parse(self, raw: str, default: str) -> Parsed:
        text = raw.strip()
        if len(text) > MAX_RAW_LENGTH * 4 or not text.isascii():
            return Parsed(default, "invalid")
        keys = [k.strip() for k in text.split(",") if k.strip()]
        good = [k for k in keys if k.replace("_", "").isalnum()][: self.max_keys]
        value = ",".join(dict.fromkeys(good))  # order kept, repeats dropped
        return Parsed(value, None if value == text else "invalid")


def url_text(value) -> str:
    """A setting's value as the link writes it: true/false for booleans, str() otherwise (0.91, 250, relu)."""
    return str(value).lower() if isinstance(value, bool) else str(value)


def on_grid(spec, value) -> bool:
    """True when a value survives the link round trip: parse(url_text(value)) gives it back with no notice."""
    parsed = spec.parse(url_text(value), value)
    return parsed.reason is None and parsed.value == value


FieldSpec = IntField | FloatField | ChoiceField | BoolField | KeyListField
