"""Numbers of the Derivation view: one small RNN's backward pass, its checks, its Jacobian chain.

derivation_report() is pure NumPy on scalars (tested directly); cached_report() is its bounded
streamlit cache. The LaTeX helpers turn small arrays and node ids into display text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import streamlit as st

from bptt_core import derivation as dv
from bptt_core.bptt import bptt

FD_EPS = 1e-6
PARAM_ORDER = ("W_h", "W_x", "W_y", "b_h", "b_y")
_COURSE = {"h": "s", "L": "E", "W_h": "W", "W_x": "U", "W_y": "V"}


@dataclass(frozen=True)
class DerivationReport:
    """steps: the backward pass, one edge at a time; grads, fd_grads: bptt()'s and the centred
    differences' gradients (keyed like model.params()); chain: dh_T/dh_1 for sample 0;
    product_log10: (T,) log10 ||dh_T/dh_{T-k}|| for k = 0..T-1; loss: the loss value."""

    steps_total: int
    hidden: int
    loss_steps: str
    steps: list[dv.BackwardStep]
    grads: dict[str, np.ndarray]
    fd_grads: dict[str, np.ndarray]
    chain: dv.JacobianChain
    product_log10: np.ndarray
    loss: float

    def hidden_norm_before(self, t: int) -> float:
        """||dL/dh_t|| (the total arriving at h_t, sample 0)."""
        return next(float(np.linalg.norm(s.incoming[0])) for s in self.steps if s.kind == "preact" and s.t == t)

    def carry_norm(self, t: int) -> float:
        """||W_h^T dL/da_t||: the share that step t sends back to h_{t-1} (sample 0)."""
        return next(float(np.linalg.norm(s.product[0])) for s in self.steps if s.kind == "carry" and s.t == t)

    def jacobian_norm(self, t: int) -> float:
        """||J_t|| = ||diag(f'(a_t)) W_h||_2 for sample 0, from the steps' cached locals."""
        deriv = next(s.local[0] for s in self.steps if s.kind == "preact" and s.t == t)
        w_h = next(s.local for s in self.steps if s.kind == "carry" and s.t == t)
        return float(np.linalg.norm(deriv[:, None] * w_h, ord=2))

    def max_relative_error(self, name: str) -> float:
        """Largest of the three pairwise relative errors (sum of terms, bptt(), finite differences)."""
        summed, exact, fd = self.steps[-1].grads[name], self.grads[name], self.fd_grads[name]
        return max(dv.relative_error(a, b) for a, b in ((summed, exact), (summed, fd), (exact, fd)))


def derivation_report(steps: int, hidden: int, seed: int, loss_steps: str) -> DerivationReport:
    """The small example (T = steps, H = hidden) walked edge by edge; a few thousand flops."""
    model, xs, targets = dv.small_example(steps, hidden, seed=seed)
    result = bptt(model, xs, targets, loss_steps=loss_steps)
    walk = dv.backward_steps(model, xs, targets, loss_steps=loss_steps)
    fd = dv.finite_difference_grads(model, xs, targets, loss_steps=loss_steps, eps=FD_EPS)
    chain = dv.jacobian_chain(model, result, steps, 1)
    product_log10 = np.array(
        [dv.jacobian_chain(model, result, steps, steps - k).log10_product_norm for k in range(steps)]
    )
    return DerivationReport(
        steps_total=steps,
        hidden=hidden,
        loss_steps=loss_steps,
        steps=walk,
        grads=result.grads,
        fd_grads=fd,
        chain=chain,
        product_log10=product_log10,
        loss=float(result.loss),
    )


@st.cache_data(max_entries=32, show_spinner=False)
def cached_report(steps: int, hidden: int, seed: int, loss_steps: str) -> DerivationReport:
    return derivation_report(steps, hidden, seed, loss_steps)


def reference_factor(factor_norms: np.ndarray) -> float:
    """The c of "c^k": the geometric mean of the factor norms, or 0.9 when that is not below 1."""
    norms = np.asarray(factor_norms, dtype=float)
    if norms.size == 0 or np.any(norms <= 0):
        return 0.9
    c = float(10 ** np.mean(np.log10(norms)))
    return c if c < 1 else 0.9


# ---------------------------------------------------------------- LaTeX text


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
