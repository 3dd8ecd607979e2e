"""LaTeX text of the Derivation view: small arrays, node ids and Jacobian chains as display text."""

from __future__ import annotations

import re

import numpy as np

from bptt_core.lessons import derivation as dv
from explorer.derivation.report import PARAM_ORDER

_COURSE = {"h": "s", "L": "E", "W_h": "W", "W_x": "U", "W_y": "V"}


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
    """J_3 J_2 = [..][..] = [..]: the symbols, the numbers of each factor, the product."""
    if chain.steps.size == 0:
        return "I"
    symbols = r"\,".join(f"J_{{{t}}}" for t in chain.steps)
    numbers = r"\,".join(array_tex(j) for j in chain.factors)
    return f"{symbols} = {numbers} = {array_tex(chain.product)}"
