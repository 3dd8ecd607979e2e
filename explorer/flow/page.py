"""Gradient flow: how ||dL/dh_t|| and ||dh_T/dh_t|| vanish or explode with distance.

Every chart is drawn, or replaced by a sentence computed from the numbers saying why it would
be empty (explorer/flow/notes.py). Compare mode overlays a second setting (FlowSettings).
"""

from __future__ import annotations

import streamlit as st

from bptt_core.analysis import EDGE_TOLERANCE
from explorer.flow import notes
from explorer.flow.compute import flow_figures, flow_problems, flow_report, state_size
from explorer.flow.report import MIN_RATE_STEPS, FlowReport
from explorer.flow.settings import FlowSettings
from explorer.shared import context
from explorer.shared.layout import chart
from explorer.shared.links import check_link
from explorer.shared.settings import ProblemSettings, specs

t, settings = context.get()
st.title(t("flow.title"))
st.markdown(t("flow.intro"))


def draw_compare_controls() -> FlowSettings:
    """The compare toggle and, when on, setting B's values; every widget bound to the URL."""
    check_link(FlowSettings)
    spec = {name: (key, s, default) for name, key, s, default in specs(FlowSettings)}

    def common(name: str) -> dict:
        key, _, _ = spec[name]
        return dict(key=key, bind="query-params", help=t(f"flow.settings.{name}.help"))

    compare = st.toggle(t("flow.settings.compare"), spec["compare"][2], **common("compare"))
    values = {"compare": compare}
    if compare:
        left, middle, right = st.columns(3)
        with left:
            _, rho_spec, default = spec["rho2"]
            values["rho2"] = st.select_slider(t("flow.settings.rho2"), rho_spec.options, default, **common("rho2"))
        with middle:
            _, act_spec, default = spec["act2"]
            options = act_spec.options
            values["act2"] = st.selectbox(t("flow.settings.act2"), options, options.index(default), **common("act2"))
        with right:
            _, cell_spec, default = spec["cell2"]
            options = cell_spec.options
            captions = [t(f"flow.cell.{o}") for o in options]
            values["cell2"] = st.radio(
                t("flow.settings.cell2"), options, options.index(default), captions=captions, **common("cell2")
            )
    return FlowSettings(**values)


def setting_label(first: ProblemSettings, flow: FlowSettings, which: int) -> str:
    """ "A: ρ = 0.9, tanh" or "B: LSTM, ρ = 1.1": the name and the values that tell the settings apart."""
    name = "AB"[which]
    if which == 0:
        text = t("flow.label.rnn", rho=f"{first.rho:g}", act=first.activation)
    else:
        second = flow.second(first)
        kind = "lstm" if flow.cell2 == "lstm" else "rnn"
        text = t(f"flow.label.{kind}", rho=f"{second.rho:g}", act=second.activation)
    return t("flow.label.short", name=name, label=text)


def draw_metrics(report: FlowReport) -> None:
    """One row of metrics; for the LSTM only those that apply to it (no W_h spectrum, no gamma)."""
    v = report.verdict
    # no rate from too few steps ("—"); a product exactly zero from some distance on: growth 0
    growth = f"{v.growth:.4f}" if report.has_rate or report.log10_growth == -float("inf") else "—"
    verdict_help = t("flow.m.help.undecided", min=MIN_RATE_STEPS) if v.kind == "undecided" else None
    # One horizontal container, not st.columns: 7 messages a rerun instead of 13 (a row of columns
    # sends the row, each column and each metric), on the page a whole class reruns.
    row = st.container(horizontal=True, gap="small")
    if report.cell == "rnn":
        row.metric(t("flow.m.rho"), f"{report.spectrum.radius:.3f}")
        row.metric(t("flow.m.sigma"), f"{report.spectrum.sigma_max:.3f}")
        row.metric(t("flow.m.gamma"), f"{report.gamma:g}")
        row.metric(t("flow.m.bound"), f"{v.bound:.3f}")
        row.metric(t("flow.m.growth"), growth)
        row.metric(t("flow.m.verdict"), t(f"flow.verdict.{v.kind}"), help=verdict_help)
    else:  # no W_h spectrum, no gamma: the state size, the rate and the verdict
        row.metric(t("flow.m.state"), f"2H = {2 * report.hidden}")
        row.metric(t("flow.m.growth"), growth)
        row.metric(t("flow.m.verdict"), t(f"flow.verdict.{v.kind}"), help=verdict_help)


flow = draw_compare_controls()
comparing = flow.compare and flow.differs(settings)
if flow.compare and not comparing:
    st.info(t("flow.compare.same"))

problem, second = flow_problems(settings, flow)
report = flow_report(problem, settings.band)
other = flow_report(second, False, flow.cell2) if second is not None else None
labels = (setting_label(settings, flow, 0), setting_label(settings, flow, 1)) if comparing else (None, None)
figures = flow_figures(t.lang, problem, settings.band, second, flow.cell2, labels)

for rep, label in zip((report, other), labels, strict=True):
    if rep is None:
        continue
    if label is not None:
        st.markdown(f"**{label}**")
    draw_metrics(rep)
    st.markdown(notes.rule_sentence(rep, t, EDGE_TOLERANCE))

# What the charts below cover, next to them: fewer steps than asked, and where gradients stop.
if report.steps < settings.steps:
    if comparing:
        sizes = dict(S1=settings.hidden, S2=state_size(settings.hidden, flow.cell2))
        st.info(t("flow.budget.compare", asked=settings.steps, used=report.steps, H=settings.hidden, **sizes))
    else:
        st.info(t("flow.budget", asked=settings.steps, used=report.steps, H=settings.hidden))
for rep, label in zip((report, other), labels, strict=True):
    if rep is not None:
        limit = notes.limit_note(rep, t, label)
        if limit:
            st.warning(limit)

if report.grad_steps > 0 or (other is not None and other.grad_steps > 0):
    chart(figures["grad"], "flow_grad", notes.grad_caption(report, t, other, labels))
empty = notes.jac_empty(report, other, t)
if empty:
    st.info(empty)
else:
    chart(figures["jac"], "flow_jac", notes.jac_caption(report, t, other, labels))
if comparing:
    st.caption(t("flow.spectrum.first"))
empty = notes.weight_empty(report, t, settings.input_scale)
if empty:
    st.info(empty)
elif report.grad_steps > 0:
    chart(figures["weight"], "flow_weight", notes.weight_caption(report, t))
left, right = st.columns(2)
with left:
    chart(figures["eig"], "flow_eig", t("flow.eig.read"))
with right:
    chart(figures["sv"], "flow_sv", t("flow.sv.read"))

st.download_button(
    t("flow.csv"),
    figures["csv"],
    file_name=f"bptt_flow_T{report.steps}_H{report.hidden}_rho{settings.rho}_seed{settings.seed}.csv",
    mime="text/csv",
    key="flow_csv",
)
st.caption(t("flow.csv.help", loss=notes.loss_text(report)))
