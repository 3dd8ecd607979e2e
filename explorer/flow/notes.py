"""The sentences of the gradient-flow view that depend on the numbers, built from FlowReports.

Pure functions of (report, t): no streamlit, no plotly. A chart that would be empty is
replaced by the sentence of *_empty(); a caption describes only what its chart shows.
"""

from __future__ import annotations

import numpy as np

from explorer.flow.figures import fitted_line, jacobian_frame, leaving_frame, reference_lines
from explorer.flow.report import MIN_RATE_STEPS, FlowReport

DECADE = 1.0  # the orange curve "falls" or "grows" when it changes by at least one decade


def _prefix(label: str | None) -> str:
    return "" if label is None else f"**{label}:** "


def limit_note(report: FlowReport, t, label: str | None = None) -> str | None:
    """Why the gradient curves cover fewer steps than the Jacobian products (None if they do not).

    Names the forward overflow and, when the read-out left float64 even earlier, that too.
    """
    if report.grad_limit is None:
        return None
    parts = []
    if report.overflow_step is not None:
        parts.append(t("flow.limit.forward", label=_prefix(label), step=report.overflow_step))
    if report.grad_limit == "readout":
        parts.append(t("flow.limit.readout", label="" if parts else _prefix(label), step=report.readout_step))
    parts.append(t("flow.limit.shown", shown=report.grad_steps) if report.grad_steps else t("flow.limit.none"))
    return " ".join(parts)


def last_curve_sentence(report: FlowReport, t, label: str | None = None, colour: str = "orange") -> str:
    """What the last-loss curve (orange; pink for setting B) does here, in decades: falls, grows or stays flat."""
    finite = np.flatnonzero(np.isfinite(report.grad_last))
    curve = t(f"flow.colour.{colour}")
    if report.grad_steps == 1:
        return t("flow.grad.last.single", label=_prefix(label))
    if finite.size < 2:
        return t("flow.grad.last.zero", label=_prefix(label), T=report.grad_steps)
    first, last = finite[0], finite[-1]
    change = float(report.grad_last[first] - report.grad_last[last])  # t = 1 end minus t = T end
    n = int(last - first)
    if change <= -DECADE:
        return t("flow.grad.last.falls", label=_prefix(label), d=-change, n=n, curve=curve)
    if change >= DECADE:
        return t("flow.grad.last.grows", label=_prefix(label), d=change, n=n, curve=curve)
    return t("flow.grad.last.flat", label=_prefix(label), d=change, n=n, curve=curve)


def grad_caption(report: FlowReport, t, other: FlowReport | None = None, labels=(None, None)) -> str:
    parts = [t("flow.grad.read")]
    compare = other is not None
    parts.append(last_curve_sentence(report, t, labels[0] if compare else None))
    if compare:
        if other.grad_steps:
            parts.append(last_curve_sentence(other, t, labels[1], colour="pink"))
        parts.append(t("flow.grad.read.compare"))
    return " ".join(parts)


def _zero_reason(report: FlowReport, t) -> str:
    w_is_zero = report.spectrum is not None and report.spectrum.sigma_max == 0.0
    return t("flow.jac.zero.w") if w_is_zero else t("flow.jac.zero.f")


def jac_zero_sentence(report: FlowReport, t, label: str | None = None) -> str | None:
    k = report.jac_zero_from
    if k is None:
        return None
    return t("flow.jac.zero", label=_prefix(label), k=k, why=_zero_reason(report, t), last=k - 1)


def jac_empty(report: FlowReport, other: FlowReport | None, t) -> str | None:
    """The sentence that replaces the Jacobian chart when no setting has a product beyond distance 0."""
    reports = [r for r in (report, other) if r is not None]
    if any(np.count_nonzero(np.isfinite(r.jac_spectral)) > 1 for r in reports):
        return None
    reason = jac_zero_sentence(report, t) or ""
    return t("flow.jac.empty", reason=reason)


def jac_caption(report: FlowReport, t, other: FlowReport | None = None, labels=(None, None)) -> str:
    parts = [t("flow.jac.read")]
    if any(fitted_line(r)[0].size for r in (report, other) if r is not None):
        parts.append(t("flow.jac.read.fit"))
    lines = reference_lines(report)
    if lines:
        parts.append(t("flow.jac.read.lines"))
        frame = jacobian_frame(report, other)
        if frame is not None and any(leaving_frame(line, frame) for line in lines.values()):
            parts.append(t("flow.jac.read.exit"))
    if np.isfinite(report.band_high).any():
        parts.append(t("flow.jac.read.band"))
    if other is not None:
        parts.append(t("flow.jac.read.compare"))
    if "lstm" in {r.cell for r in (report, other) if r is not None}:
        parts.append(t("flow.jac.read.lstm"))
    for rep, label in zip((report, other), labels, strict=True):
        if rep is not None:
            sentence = jac_zero_sentence(rep, t, label if other is not None else None)
            if sentence:
                parts.append(sentence)
    return " ".join(parts)


def weight_empty(report: FlowReport, t, input_scale: float) -> str | None:
    """The sentence that replaces the weight chart when every term is exactly zero (or there is no step)."""
    if report.grad_steps == 0 or np.isfinite(report.weight_terms).any():
        return None
    if report.grad_steps == 1:
        why = t("flow.weight.empty.first")
    elif report.weight_zero_h == report.grad_steps:
        why = t("flow.weight.empty.h", xs=f"{input_scale:g}")
    else:
        why = ""
    return t("flow.weight.empty", n=report.grad_steps, why=why)


def weight_caption(report: FlowReport, t) -> str:
    parts = [t("flow.weight.read")]
    if report.weight_zero_h == 1 and report.h_prev_log10[0] == -float("inf"):
        parts.append(t("flow.weight.zero_h.one"))
    elif report.weight_zero_h:
        parts.append(t("flow.weight.zero_h", n=report.weight_zero_h))
    other_zero = report.weight_zero - report.weight_zero_h
    if other_zero:
        parts.append(t("flow.weight.zero_other", n=other_zero))
    return " ".join(parts)


def rule_sentence(report: FlowReport, t, tol: float) -> str:
    v = report.verdict
    if v.rule == "too_short":
        bound_text = t("flow.rule.too_short.bound", bound=v.bound) if np.isfinite(v.bound) else ""
        return t("flow.rule.too_short", bound_text=bound_text, min=MIN_RATE_STEPS, T=report.steps, steps=report.steps)
    return t(f"flow.rule.{v.rule}", bound=v.bound, growth=v.growth, tol=tol, kind=t(f"flow.verdict.{v.kind}"))


def loss_text(report: FlowReport) -> str:
    """The loss for the CSV caption; "—" where it is not a float64 number (an overflowing read-out)."""
    return f"{report.loss:.6g}" if np.isfinite(report.loss) else "—"
