"""Numbers of the Derivation view: one small RNN's backward pass, its checks, its Jacobian chain.

Pure NumPy on scalars (tested directly); compute.py caches it, tex.py turns it into LaTeX.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bptt_core import bptt
from bptt_core.lessons import derivation as dv

FD_EPS = 1e-6
PARAM_ORDER = ("W_h", "W_x", "W_y", "b_h", "b_y")


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


TRENDS = ("shrinking", "growing", "mixed")
OUTCOMES = ("zero", "one", "large")
# c^k counts as "near 1" between these two (closer to 1 than to 0 below, at most twice 1 above).
NEAR_ONE = (0.5, 2.0)


@dataclass(frozen=True)
class RepeatedFactor:
    """This network's Jacobian factors summed up as one factor c repeated (the "c^k" picture).

    trend: "shrinking" (every ||J_t|| < 1), "growing" (every ||J_t|| > 1) or "mixed";
    c: the geometric mean of the factor norms (0 when a factor is exactly 0);
    smallest, largest: the extreme factor norms.
    """

    trend: str
    c: float
    smallest: float
    largest: float


def repeated_factor(factor_norms: np.ndarray) -> RepeatedFactor:
    """factor_norms: (k,) ||J_t|| of the chain, k >= 1. The reference c is always this network's."""
    norms = np.asarray(factor_norms, dtype=float)
    if np.all(norms < 1):
        trend = "shrinking"
    elif np.all(norms > 1):
        trend = "growing"
    else:
        trend = "mixed"
    c = 0.0 if np.any(norms <= 0) else float(10 ** np.mean(np.log10(norms)))
    return RepeatedFactor(trend, c, float(norms.min()), float(norms.max()))


def reference_factor(factor_norms: np.ndarray) -> float:
    """The c of "c^k": the geometric mean of this network's factor norms (0 if one is 0)."""
    return repeated_factor(factor_norms).c


def repeat_outcome(c: float, k: int) -> tuple[str, float]:
    """Where c^k ends up, and log10(c^k) (log domain: c^k may leave float64 for large k).

    "zero" when c^k < 0.5 (closer to 0 than to 1), "large" when c^k > 2, else "one".
    """
    log10_value = -np.inf if c <= 0 else k * float(np.log10(c))
    low, high = np.log10(NEAR_ONE)
    if log10_value < low:
        return "zero", log10_value
    if log10_value > high:
        return "large", log10_value
    return "one", log10_value


def step_key(step: dv.BackwardStep, loss: str = "cross_entropy") -> str:
    """Catalogue key of the step's sentence and equations (derivation.step.<key>, derivation.eq.<key>.*).

    One of output_ce, output_mse, hidden, preact, weight_W_h, weight_W_x, weight_W_y,
    bias_b_h, bias_b_y, carry.
    """
    if step.kind == "output":
        return "output_ce" if loss == "cross_entropy" else "output_mse"
    if step.param is not None:
        return f"{step.kind}_{step.param}"
    return step.kind


def format_fields(step: dv.BackwardStep, steps_total: int) -> dict[str, int]:
    """Fields of the step's templates: t, prev (t - 1), next (t + 1), T (the last step)."""
    return {"t": step.t, "prev": step.t - 1, "next": step.t + 1, "T": steps_total}
