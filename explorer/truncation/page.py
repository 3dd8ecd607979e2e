"""Truncated BPTT: which backward paths a truncation drops, and what that costs the gradient."""

from __future__ import annotations

import numpy as np
import streamlit as st

from explorer.shared import context, widgets
from explorer.shared.layout import chart
from explorer.truncation import figures as figs
from explorer.truncation.compute import all_sections
from explorer.truncation.report import ROUNDING, spread_summary
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


def zero_reason(prefix: str) -> str:
    """Why every term (or every cut) is exactly 0 in this run, from the numbers."""
    if chosen.steps == 1:
        return t(f"{prefix}.single_step")
    if prefix.endswith("all_zero") and chosen.zero_states:
        return t(f"{prefix}.zero_states")
    if prefix.startswith("truncation.random") and settings.rho == 0:
        return t(f"{prefix}.rho0")
    return t(f"{prefix}.other")


st.subheader(t("truncation.section.agree"))
cosine_fig, error_fig = figs.fig_agreement_over_k(res["agreement"]["ks"], res["agreement"]["agreement"], t)
marked = {"chunked": tr.k, "tbptt": tr.k1}.get(tr.kind)
if tr.kind == "tbptt":
    st.caption(t("truncation.agree.tbptt_note"))
largest_error = max(float(np.max(e)) for e in res["agreement"]["agreement"]["relative_error"].values())
left, right = st.columns(2)
for column, fig, key in ((left, cosine_fig, "truncation_agree"), (right, error_fig, "truncation_error")):
    if marked is not None and marked <= chosen.steps:
        fig.add_vline(x=marked, line=dict(color="grey", dash="dash"), annotation_text=t("truncation.agree.chosen"))
    with column:
        if key == "truncation_error" and largest_error < ROUNDING:  # only rounding noise (or exact zeros) to draw
            st.info(t("truncation.agree.exact", largest=largest_error) + " " + zero_reason("truncation.random.exact"))
        else:
            chart(fig, key, t("truncation.read.agree") if key == "truncation_agree" else t("truncation.read.error"))

st.subheader(t("truncation.section.paths"))
contributions = chosen.contributions


pair = contributions.log10_pair
if pair is None:
    st.info(t("truncation.note.too_long", limit=res["pair_limit"]))
else:
    kept_points = int(np.isfinite(contributions.log10_kept).sum())
    dropped_points = int(np.isfinite(contributions.log10_dropped).sum())
    if kept_points + dropped_points == 0:
        st.info(t("truncation.steps.all_zero") + " " + zero_reason("truncation.steps.all_zero"))
    else:
        steps_fig = figs.fig_step_contributions(contributions.log10_kept, contributions.log10_dropped, t)
        chart(steps_fig, "truncation_steps", t("truncation.read.steps"))
        if dropped_points == 0:
            st.info(t("truncation.steps.keeps_all" if chosen.kept_fraction >= 1 else "truncation.steps.zero_dropped"))
    if not np.any(np.isfinite(pair)):
        pair = None  # every term is exactly 0: draw the kept/dropped pattern alone
        st.info(t("truncation.paths.all_zero"))
chart(figs.fig_path_mask(contributions.kept, pair, t), "truncation_paths", t("truncation.read.paths"))

st.subheader(t("truncation.section.timeline"))
words = t("truncation.timeline.sentence").split()
chunk = min(tr.k if tr.kind == "chunked" else 5, len(words))
chart(figs.fig_chunk_timeline(len(words), chunk, t, tokens=words), "truncation_timeline", t("truncation.read.timeline"))
first, second = t("truncation.timeline.first"), t("truncation.timeline.second")
first_step, second_step = words.index(first) + 1, words.index(second) + 1
together = (first_step - 1) // chunk == (second_step - 1) // chunk
st.caption(
    t(
        "truncation.timeline.together" if together else "truncation.timeline.apart",
        chunk=chunk,
        first=first,
        second=second,
        first_step=first_step,
        second_step=second_step,
    )
)

st.subheader(t("truncation.section.random"))
st.caption(t("truncation.random.note", pi=tr.pi, seeds=tr.seeds, k=tr.k))
spread = res["spread"]
summary = spread_summary(spread["spread"]["relative_error"], spread["spread"]["mean_relative_error"])
if summary.exact:
    st.info(t("truncation.random.exact", largest=summary.largest) + " " + zero_reason("truncation.random.exact"))
else:
    single_fig, mean_fig = figs.fig_randomized_spread(spread["spread"], t, chunked_error=spread["chunked_error"])
    left, right = st.columns(2)
    with left:
        chart(single_fig, "truncation_random", t("truncation.read.random"))
    with right:
        chart(mean_fig, "truncation_mean", t("truncation.read.mean"))
    numbers = dict(draws=summary.draws, smallest=summary.smallest, median=summary.median, largest=summary.largest)
    single = t("truncation.random.single_above", above=summary.above_one, **numbers) if summary.above_one else None
    single = single or t("truncation.random.single_below", **numbers)
    bias = t(
        "truncation.random.mean_vs_bias",
        draws=summary.draws,
        mean=summary.mean_final,
        k=tr.k,
        chunked=spread["chunked_error"],
    )
    st.markdown(single + " " + bias)
st.caption(t("truncation.note.readout"))
