"""Gated cells: the same sequence through a vanilla RNN, an LSTM and a GRU; where the gradient survives."""

from __future__ import annotations

import math

import numpy as np
import streamlit as st

from explorer.gated.compute import gated_problem, gated_report, torch_weights
from explorer.gated.figures import CELL_COLOURS, fig_gate_products, fig_gated_gradients, lane
from explorer.gated.report import CELL_NAMES, GATED, GatedReport, exact_zero_distance, first_step
from explorer.gated.settings import GatedSettings
from explorer.shared import context, widgets
from explorer.shared.layout import chart
from explorer.shared.numbers import difference, log10_text, power_of_ten

t, flow = context.get()
st.title(t("gated.title"))
st.markdown(t("gated.intro"))


controls, gate_metrics = st.columns([2, 3])
with controls:
    gated = widgets.draw(GatedSettings, t, prefix="gated.settings")

problem = gated_problem(flow)
report: GatedReport = gated_report(problem, gated.forget_bias, gated.update_bias)
steps = report.steps
distance = steps - 1  # t = 1: the farthest step with a gradient
if steps < flow.steps:
    st.info(t("gated.budget", asked=flow.steps, used=steps, H=flow.hidden, S=2 * flow.hidden))
if report.rnn_overflow_step is not None and report.grad_steps["rnn"] == 0:
    st.warning(t("gated.overflow.first_step"))
elif report.rnn_overflow_step is not None:
    st.warning(t("gated.overflow", step=report.rnn_overflow_step, shown=report.grad_steps["rnn"]))
for cell in CELL_NAMES:
    outputs = report.loss_overflow[cell]
    if report.grad_steps[cell] > 0 and report.missing(cell):
        st.warning(t("gated.missing", cell=t(f"gated.lane.{cell}")))
    elif outputs is not None:  # the loss reads inf; its gradient is drawn from the log domain
        name = t(f"gated.lane.{cell}")
        st.info(t("gated.loss_overflow", cell=name, outputs=power_of_ten(outputs), loss=power_of_ten(2 * outputs)))

grad_far = {cell: first_step(report.grad_last[cell]) for cell in CELL_NAMES}
prod_far = {cell: float(report.gate_max[cell][1 if steps > 1 else 0]) for cell in GATED}
with gate_metrics:
    cols = st.columns(2)
    for col, cell, gate in zip(cols, GATED, ("f", "z"), strict=True):
        col.metric(t(f"gated.metric.mean_{gate}"), f"{report.gate_average[cell]:.3f}")
        col.metric(
            t(f"gated.metric.prod_{gate}", distance=distance),
            power_of_ten(prod_far[cell]),
            help=t("gated.metric.help", distance=distance),
        )

cols = st.columns(3)
for col, cell in zip(cols, CELL_NAMES, strict=True):
    col.metric(
        t("gated.metric.grad", cell=t(f"gated.lane.{cell}"), distance=distance),
        power_of_ten(grad_far[cell]),
        help=t("gated.metric.grad.help", distance=distance),
    )


def zero_note(curves: dict[str, tuple[np.ndarray, int]]) -> None:
    """Say which lines stop early because the value is exactly 0 (log10 = -inf cannot be drawn).

    curves: cell -> (log10 values, the step they end at).
    """
    found = {cell: exact_zero_distance(values, last) for cell, (values, last) in curves.items()}
    found = {cell: d for cell, d in found.items() if d is not None}
    if not found:
        return
    names = ", ".join(t(f"gated.lane.{cell}") for cell in found)
    reason = t("gated.exact_zero.rho0") if flow.rho == 0 else t("gated.exact_zero.other")
    st.info(t("gated.exact_zero", cells=names, distance=min(found.values())) + " " + reason)


if steps == 1:
    st.info(t("gated.single_step"))
x_label = t("gated.gradients.x_label")
left, right = st.columns(2)
with left:
    lanes = {
        cell: lane(report.grad_last[cell], 1, report.grad_steps[cell], label=t(f"gated.lane.{cell}"))
        for cell in CELL_NAMES
    }
    fig = fig_gated_gradients(
        lanes, title=t("gated.gradients.title"), x_label=x_label, y_label=t("gated.gradients.y_label")
    )
    chart(fig, "gated_grad", t("gated.gradients.how_to_read"))
    zero_note({cell: (report.grad_last[cell], report.grad_steps[cell]) for cell in CELL_NAMES})
with right:
    products = {
        cell: {
            "max": report.gate_max[cell],
            "mean": report.gate_mean[cell],
            "t": np.arange(steps + 1),
            "T": steps,
            "label": t(f"gated.products.{cell}"),
        }
        for cell in GATED
    }
    fig = fig_gate_products(
        products,
        title=t("gated.products.title"),
        x_label=t("gated.products.x_label"),
        y_label=t("gated.products.y_label"),
        max_label=t("gated.products.max_label"),
        mean_label=t("gated.products.mean_label"),
    )
    chart(fig, "gated_products", t("gated.products.how_to_read"))

left, right = st.columns(2)
with left:
    lanes = {cell: lane(report.jac_spectral[cell], 0, steps, label=t(f"gated.lane.{cell}")) for cell in CELL_NAMES}
    lanes["cell_path"] = lane(
        report.cell_path, 0, steps, label=t("gated.lane.cell_path"), colour=CELL_COLOURS["lstm"], dash="dot"
    )
    fig = fig_gated_gradients(
        lanes, title=t("gated.jacobians.title"), x_label=x_label, y_label=t("gated.jacobians.y_label")
    )
    chart(fig, "gated_jac", t("gated.jacobians.how_to_read"))
    zero_note({cell: (report.jac_spectral[cell], steps) for cell in CELL_NAMES})
with right:
    mean_f = report.gate_average["lstm"]
    lost = float(report.grad_last["lstm"][-1]) - grad_far["lstm"] if steps > 1 else 0.0  # decades, distance 0 -> T-1
    if math.isfinite(lost) and lost >= 1:
        st.subheader(
            t("gated.why.title.loses", decades=f"{lost:.1f}" if lost < 10 else f"{lost:.0f}", distance=distance)
        )
    else:
        st.subheader(t("gated.why.title.keeps"))
    st.markdown(
        t(
            "gated.cell_path.explanation",
            distance=distance,
            prod_f=power_of_ten(prod_far["lstm"]),
            log10_prod_f=log10_text(prod_far["lstm"]),
        )
    )
    st.markdown(
        t(
            "gated.numbers.run",
            steps=steps,
            hidden=report.hidden,
            fb=f"{gated.forget_bias:+.1f}",
            mean_f=f"{mean_f:.3f}",
            distance=distance,
            lstm=power_of_ten(grad_far["lstm"]),
            rnn=power_of_ten(grad_far["rnn"]),
            lstm_log=log10_text(grad_far["lstm"]),
            rnn_log=log10_text(grad_far["rnn"]),
            diff=difference(grad_far["lstm"], grad_far["rnn"]),
        )
    )
    st.markdown(t("gated.cell_path.where_it_vanishes"))
    start = float(report.grad_last["lstm"][-1])  # t = T: distance 0
    expected = start + prod_far["lstm"]  # what the cell path alone would deliver at t = 1
    gap = expected - grad_far["lstm"]
    st.markdown(
        t(
            "gated.numbers.gap" if gap >= 0 else "gated.numbers.no_gap",
            distance=distance,
            start=power_of_ten(start),
            path=power_of_ten(prod_far["lstm"]),
            expected=power_of_ten(expected),
            lstm=power_of_ten(grad_far["lstm"]),
            gap=f"{gap:.1f}" if math.isfinite(gap) else "—",
            exit=f"{report.lstm_exit:.3f}",
            mean_f=f"{mean_f:.3f}",
            mean_power=power_of_ten(distance * math.log10(mean_f)) if mean_f > 0 else "0",
        )
    )
    st.markdown(
        t(
            "gated.gru.explanation",
            distance=distance,
            prod_z=power_of_ten(prod_far["gru"]),
            log10_prod_z=log10_text(prod_far["gru"]),
        )
        + " "
        + t(
            "gated.numbers.gru",
            ub=f"{gated.update_bias:+.1f}",
            mean_z=f"{report.gate_average['gru']:.3f}",
            gru=power_of_ten(grad_far["gru"]),
        )
    )
st.caption(t("gated.note.spectrum"))
weights = torch_weights(problem, gated.forget_bias, gated.update_bias)
file_name = f"bptt_gated_H{flow.hidden}_rho{flow.rho}_seed{flow.seed}.npz"
st.download_button(t("gated.export.button"), weights, file_name=file_name, key="gated_weights")
st.caption(t("gated.export.help"))
