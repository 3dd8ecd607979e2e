"""Numbers as display text, shared by the views: powers of ten without float64's limits.

A value shown as 10^x is passed as its log10 x (docs/maths.md, "Numbers that leave float64"),
so 10^-900 prints as a number, never as 0.
"""

from __future__ import annotations

import math

SUPERSCRIPT = str.maketrans("0123456789-+.", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺·")


def superscript(text: str) -> str:
    """Digits, signs and the decimal point as Unicode superscripts (chart text, metrics)."""
    return text.translate(SUPERSCRIPT)


def power_of_ten(log10_value: float) -> str:
    """10^x as text: plain digits when readable, else 10 with a superscript exponent; '0' for an exact zero."""
    if log10_value == -math.inf:
        return "0"
    if not math.isfinite(log10_value):
        return "—"
    if -3 <= log10_value <= 3:
        return f"{10.0**log10_value:.3g}"
    return "10" + superscript(f"{log10_value:.1f}")


def log10_text(log10_value: float) -> str:
    return f"{log10_value:.2f}" if math.isfinite(log10_value) else ("−∞" if log10_value < 0 else "—")


def difference(a: float, b: float) -> str:
    return f"{a - b:+.1f}" if math.isfinite(a) and math.isfinite(b) else "—"
