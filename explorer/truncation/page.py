"""Truncated BPTT: which backward paths a truncation drops, and what that costs the gradient."""

from __future__ import annotations

import streamlit as st

from explorer.shared import context, widgets
from explorer.shared.layout import chart
from explorer.truncation import figures as figs
from explorer.truncation.compute import all_sections
from explorer.truncation.settings import TruncationSettings

t, settings = context.get()
st.title(t("truncation.title"))
st.markdown(t("truncation.intro"))

with st.container(border=True, horizontal=True):
    tr = widgets.draw(TruncationSettings, t, prefix="truncation.settings")
st.markdown(t(f"truncation.cost.{tr.kind}"))

res = all_sections(settings, tr)
chosen = res["chosen"]
if res["planned"] < settings.steps:
    st.info(t("truncation.budget", asked=settings.steps, used=res["planned"], H=settings.hidden))
if chosen.steps < res["planned"]:
    st.warning(t("truncation.shortened", planned=res["planned"], used=chosen.steps))

cols = st.columns(4)
help_text = t("truncation.m.help")
cols[0].metric(t("truncation.m.cosine"), f"{chosen.cosine:.4f}", help=help_text)
cols[1].metric(t("truncation.m.error"), f"{chosen.relative_error:.3g}", help=help_text)
cols[2].metric(t("truncation.m.kept"), f"{100 * chosen.kept_fraction:.1f} %")
cols[3].metric(t("truncation.m.steps"), chosen.steps)

st.subheader(t("truncation.section.agree"))
fig = figs.fig_agreement_over_k(res["agreement"]["ks"], res["agreement"]["agreement"], t)
marked = {"chunked": tr.k, "tbptt": tr.k1}.get(tr.kind)
if marked is not None and marked <= chosen.steps:
    fig.add_vline(x=marked, line=dict(color="grey", dash="dash"), annotation_text=t("truncation.agree.chosen"))
if tr.kind == "tbptt":
    st.caption(t("truncation.agree.tbptt_note"))
chart(fig, "truncation_agree", t("truncation.read.agree"))

st.subheader(t("truncation.section.paths"))
contributions = chosen.contributions
if contributions.log10_pair is None:
    st.info(t("truncation.note.too_long", limit=res["pair_limit"]))
else:
    steps_fig = figs.fig_step_contributions(contributions.log10_kept, contributions.log10_dropped, t)
    chart(steps_fig, "truncation_steps", t("truncation.read.steps"))
chart(
    figs.fig_path_mask(contributions.kept, contributions.log10_pair, t), "truncation_paths", t("truncation.read.paths")
)

st.subheader(t("truncation.section.timeline"))
words = t("truncation.timeline.sentence").split()
chunk = min(tr.k if tr.kind == "chunked" else 5, len(words))
chart(figs.fig_chunk_timeline(len(words), chunk, t, tokens=words), "truncation_timeline", t("truncation.read.timeline"))
st.caption(t("truncation.timeline.note"))

st.subheader(t("truncation.section.random"))
st.caption(t("truncation.random.note", pi=tr.pi, seeds=tr.seeds, k=tr.k))
spread = res["spread"]
chart(
    figs.fig_randomized_spread(spread["spread"], t, chunked_error=spread["chunked_error"]),
    "truncation_random",
    t("truncation.read.random"),
)
st.caption(t("truncation.note.readout"))
