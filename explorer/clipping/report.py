"""The clipping view's numbers for the shared RNN (NumPy only): its raw gradient clipped three ways."""

from __future__ import annotations

from bptt_core import CLIPPERS, ClipReport, Problem

METHODS = ("none", "norm", "value")


def rnn_clip_reports(problem: Problem, threshold: float, limit: float) -> tuple[dict[str, ClipReport], int | None]:
    """Clip the raw BPTT gradient of the problem's RNN three ways.

    After a forward overflow at step s the full gradient is NaN/inf by arithmetic, so the gradient
    of the defined prefix (the first s - 1 steps) is clipped instead, as the flow view does.
    Returns ({"none"|"norm"|"value": ClipReport}, the forward overflow step or None).
    """
    model, result = problem.run()
    defined = problem.defined_prefix(model, result)
    grads = (defined or result).grads
    limits = {"none": 1.0, "norm": threshold, "value": limit}
    reports = {name: CLIPPERS[name](grads, limits[name])[1] for name in METHODS}
    return reports, result.overflow_step
