"""LaTeX text of the Derivation view: small arrays, node ids and Jacobian chains as display text."""

from __future__ import annotations

import math
import re

import numpy as np

from bptt_core.lessons import derivation as dv
from explorer.derivation.report import PARAM_ORDER

_COURSE = {"h": "s", "L": "E", "W_h": "W", "W_x": "U", "W_y": "V"}
_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def notation_fields(notation: str) -> dict[str, str]:
    """Symbols for the catalogue's {h}, {L}, {Wh}, {Wx}, {Wy} fields (TeX, used inside $...$).

    One notation throughout a text: "standard" h, L, W_h, W_x, W_y; "course" s, E, W, U, V.
    """
    names = {"h": "h", "L": "L", "Wh": "W_h", "Wx": "W_x", "Wy": "W_y"}
    if notation == "course":
        names = {"h": "s", "L": "E", "Wh": "W", "Wx": "U", "Wy": "V"}
    return names


def power_text(log10_value: float) -> str:
    """10^x as plain text: 0.0123 when readable, else 4.9 × 10⁻⁴ (Unicode exponent); '0' for log10 = -inf."""
    if log10_value == -math.inf:
        return "0"
    if not math.isfinite(log10_value):
        return "—"
    if -3 <= log10_value <= 3:
        return f"{10.0**log10_value:.3g}"
    exponent = math.floor(log10_value)
    mantissa = 10.0 ** (log10_value - exponent)
    if round(mantissa, 1) >= 10:
        mantissa, exponent = mantissa / 10, exponent + 1
    return f"{mantissa:.2g} × 10" + str(exponent).translate(_SUPERSCRIPT)


def number_tex(x: float) -> str:
    text = f"{x:.4g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}\\times 10^{{{int(exponent)}}}"
    return text


def array_tex(a: np.ndarray) -> str:
    """A scalar, vector or matrix as a LaTeX bmatrix (a leading batch axis of 1 is dropped)."""
    a = np.asarray(a, dtype=float)
    if a.ndim == 2 and a.shape[0] == 1:
        a = a[0]
    if a.ndim == 0 or a.size == 1:
        return number_tex(float(a.reshape(-1)[0]))
    rows = [a] if a.ndim == 1 else list(a)
    body = r" \\ ".join(" & ".join(number_tex(v) for v in row) for row in rows)
    return rf"\begin{{bmatrix}} {body} \end{{bmatrix}}"


def node_tex(node: str, notation: str) -> str:
    """ "h3" -> h_{3} (or s_{3}); "W_h" -> W_h (or W)."""
    course = notation == "course"
    if node in PARAM_ORDER:
        return _COURSE.get(node, node) if course else node
    m = re.fullmatch(r"([a-zA-Z]+)(\d+)", node)
    if not m:
        return node
    base = _COURSE.get(m.group(1), m.group(1)) if course else m.group(1)
    return f"{base}_{{{m.group(2)}}}"


def chain_factors_tex(chain: dv.JacobianChain, notation: str) -> str:
    """Rows of an aligned block: "&= J_3 J_2", then one row per factor's numbers, then "&= product".

    One factor per row so that a 3 x 3 chain of five factors fits a phone's width.
    """
    if chain.steps.size == 0:
        return "&= I"
    symbols = r"\,".join(f"J_{{{t}}}" for t in chain.steps)
    factors = [array_tex(j) for j in chain.factors]
    rows = [f"&= {symbols}", f"&= {factors[0]}"] + [rf"&\phantom{{=}}\;\cdot {f}" for f in factors[1:]]
    return r" \\ ".join([*rows, f"&= {array_tex(chain.product)}"])
