"""Derivation: the chain rule on f = (x - y) z, then BPTT on a tiny RNN one edge at a time."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from bptt_core.lessons import derivation as dv
from explorer.derivation import figures as figs
from explorer.derivation.compute import cached_report
from explorer.derivation.report import PARAM_ORDER, format_fields, repeat_outcome, repeated_factor, step_key
from explorer.derivation.settings import NOTATIONS, DerivationModel, DerivationSettings
from explorer.derivation.tex import array_tex, chain_factors_tex, node_tex, notation_fields, power_text
from explorer.shared import context, links, widgets
from explorer.shared.layout import chart
from explorer.shared.settings import LINK_VERSION, CommonSettings, specs

STEP_KEY = "step"
NOTATION_KEY = "notation"


def draw_settings(t) -> tuple[DerivationModel, str]:
    """The view's own RNN (URL-bound), and the notation radio."""
    links.check_link(DerivationSettings)  # the notation radio below is drawn by hand
    with st.expander(t("derivation.settings.title"), expanded=True):
        left, right = st.columns(2)
        with left:
            model = widgets.draw(DerivationModel, t, prefix="derivation.settings")
        with right:
            notation = st.radio(
                t("derivation.settings.notation"),
                NOTATIONS,
                captions=[t(f"derivation.controls.notation.{n}") for n in NOTATIONS],
                key=NOTATION_KEY,
                bind="query-params",
                help=t("derivation.settings.notation.help"),
            )
    return model, notation


def predict(t, prompt: str, options: dict[str, str], key: str) -> str | None:
    """A guess (one of options' keys) or None; the hint until a guess is made."""
    guess = st.radio(prompt, list(options), index=None, format_func=options.get, key=key, horizontal=True)
    if guess is None:
        st.caption(t("derivation.predict.hint"))
    return guess


def reveal(t, guess: str, truth: str, text: str) -> None:
    verdict = t("derivation.predict.right") if guess == truth else t("derivation.predict.wrong")
    st.info(f"{verdict} {text}")


# ---------------------------------------------------------------- warm-up


def warmup_section(t) -> None:
    w = dv.warmup()
    v = w.as_dict()
    st.header(t("derivation.warmup.title"))
    st.markdown(t("derivation.warmup.intro", x=w.x, y=w.y, z=w.z))
    labels = {"forward": t("derivation.warmup.forward"), "gradient": t("derivation.warmup.gradient")}
    chart(figs.fig_warmup_graph(v, labels=labels), "derivation_warmup", t("derivation.warmup.how_to_read"))
    for text_key, eq_key in (("forward", "warmup_forward"), ("local", "warmup_local"), ("chain", "warmup_chain")):
        st.markdown(t(f"derivation.warmup.step_{text_key}"))
        st.latex(t(f"derivation.eq.{eq_key}", **v))
    st.markdown(t("derivation.warmup.step_update", lr=w.lr))
    st.latex(t("derivation.eq.gd_rule", lr=w.lr))
    options = {"up": t("derivation.predict.up"), "down": t("derivation.predict.down")}
    guess = predict(t, t("derivation.predict.warmup.prompt", lr=w.lr), options, "derivation_predict_warmup")
    if guess is None:
        return
    st.latex(t("derivation.eq.warmup_update", **v))
    st.latex(t("derivation.eq.warmup_result", **v))
    truth = "down" if w.decrease > 0 else "up"
    first_order = -w.lr * (w.df_dx**2 + w.df_dy**2 + w.df_dz**2)
    text = t("derivation.predict.warmup.reveal", answer=options[truth], f_new=w.f_new, f=w.f, first_order=first_order)
    reveal(t, guess, truth, text)
    if w.decrease > 0:
        st.success(t("derivation.warmup.result_down", f=w.f, f_new=w.f_new, decrease=w.decrease))
    else:
        st.warning(t("derivation.warmup.result_up", f=w.f, f_new=w.f_new, increase=-w.decrease))


# ---------------------------------------------------------------- stepper


def clamp_step(last: int) -> int:
    """The stepper position within 0..last, written back before the slider is drawn."""
    if STEP_KEY in st.session_state:
        value = st.session_state[STEP_KEY]
    else:  # first run: the link's value (already validated by check_link if it was bad)
        raw = st.query_params.get(STEP_KEY)
        spec, default = next((s, d) for _, k, s, d in specs(DerivationSettings) if k == STEP_KEY)
        value = spec.parse(raw, default).value if raw is not None else default
    clamped = min(max(int(value), 0), last)
    if st.session_state.get(STEP_KEY) != clamped:
        st.session_state[STEP_KEY] = clamped
    return clamped


def move(delta: int, last: int) -> None:
    """on_click of Previous/Next: runs before the rerun draws the slider."""
    st.session_state[STEP_KEY] = min(max(int(st.session_state.get(STEP_KEY, 0)) + delta, 0), last)


def stepper_controls(t, last: int) -> int:
    current = clamp_step(last)
    with st.container(horizontal=True):  # columns cut "Previous" to "Pre…" at 1024 px
        st.button(
            t("derivation.stepper.previous"),
            on_click=move,
            args=(-1, last),
            disabled=current == 0,
            key="derivation_prev",
        )
        st.button(
            t("derivation.stepper.next"), on_click=move, args=(1, last), disabled=current == last, key="derivation_next"
        )
    return st.slider(
        t("derivation.settings.step"),
        0,
        last,
        key=STEP_KEY,
        bind="query-params",
        help=t("derivation.settings.step.help"),
    )


def labelled_tex(column, label: str, value: np.ndarray) -> None:
    column.markdown(f"**{label}**")
    column.latex(array_tex(value))


def step_details(t, report, index: int, notation: str) -> None:
    step = report.steps[index]
    steps_total = report.steps_total
    fields = format_fields(step, steps_total) | notation_fields(notation)
    key = step_key(step)
    src, dst = (f"${node_tex(n, notation)}$" for n in step.edge)
    st.markdown(
        f"**{t('derivation.stepper.step', index=index + 1, count=len(report.steps))}** · "
        + t("derivation.stepper.edge", src=src, dst=dst)
    )
    st.markdown(t(f"derivation.step.{key}", **fields))
    st.latex(t(f"derivation.eq.{key}.{notation}", **format_fields(step, steps_total)))
    if step.kind == "hidden" and step.t < steps_total:
        st.markdown(t("derivation.step.hidden_total", **fields))
        st.latex(t(f"derivation.eq.hidden_total.{notation}", **format_fields(step, steps_total)))
    st.caption(t(f"derivation.op.{step.op}"))
    cols = st.columns(4)
    labelled_tex(cols[0], t("derivation.stepper.incoming"), step.incoming)
    labelled_tex(cols[1], t("derivation.stepper.local"), step.local)
    labelled_tex(cols[2], t("derivation.stepper.product"), step.product)
    labelled_tex(cols[3], t("derivation.stepper.running_sum", param=fields["Wh"], L=fields["L"]), step.grads["W_h"])
    if step.param != "W_h":
        labelled_tex(st, t("derivation.stepper.node_total", node=dst), step.node_total)


def carry_prompt(t, report, index: int, notation: str) -> None:
    """Before a carry step: will the gradient grow or shrink on its way back to h_{t-1}?"""
    if index + 1 >= len(report.steps) or report.steps[index + 1].kind != "carry":
        return
    step_t = report.steps[index + 1].t
    before, after = report.hidden_norm_before(step_t), report.carry_norm(step_t)
    options = {"larger": t("derivation.predict.larger"), "smaller": t("derivation.predict.smaller")}
    symbols = notation_fields(notation)
    prompt = t(
        "derivation.predict.carry.prompt", t=step_t, prev=step_t - 1, value=before, h=symbols["h"], L=symbols["L"]
    )
    guess = predict(t, prompt, options, f"derivation_predict_carry_{step_t}")
    if guess is None:
        return
    truth = "larger" if after > before else "smaller"
    ratio = after / before if before > 0 else 0.0
    factor = report.jacobian_norm(step_t)
    text = t(
        "derivation.predict.carry.reveal",
        answer=options[truth],
        t=step_t,
        prev=step_t - 1,
        new_value=after,
        ratio=ratio,
        factor=factor,
        h=symbols["h"],
        L=symbols["L"],
    )
    reveal(t, guess, truth, text)


def check_table(t, report, notation: str) -> None:
    """After the last step: sum of the terms, bptt() and finite differences side by side."""
    st.subheader(t("derivation.check.title"))
    total_key = "total_W_h_last" if report.loss_steps == "last" else "total_W_h_all"
    st.latex(t(f"derivation.eq.{total_key}.{notation}", T=report.steps_total))
    summed = report.steps[-1].grads
    name = node_tex("W_h", notation)
    rows = [
        {
            t("derivation.check.param"): f"{name}[{i + 1},{j + 1}]",
            t("derivation.check.sum_of_terms"): float(summed["W_h"][i, j]),
            t("derivation.check.bptt"): float(report.grads["W_h"][i, j]),
            t("derivation.check.finite_difference"): float(report.fd_grads["W_h"][i, j]),
        }
        for i, j in np.ndindex(summed["W_h"].shape)
    ]
    errors = {p: report.max_relative_error(p) for p in PARAM_ORDER}
    left, right = st.columns([3, 2])
    left.dataframe(pd.DataFrame(rows), hide_index=True)
    right.dataframe(
        pd.DataFrame(
            {
                t("derivation.check.param"): [node_tex(p, notation) for p in PARAM_ORDER],
                t("derivation.check.rel_error"): [f"{e:.1e}" for e in errors.values()],
            }
        ),
        hide_index=True,
    )
    worst = max(errors.values())
    if worst < 1e-6:
        st.success(t("derivation.check.agree", error=worst))
    else:
        st.error(t("derivation.check.disagree", error=worst))
    st.caption(t("derivation.check.how_to_read", eps=1e-6))


def stepper_section(t, report, notation: str) -> None:
    st.header(t("derivation.stepper.title"))
    last = len(report.steps) - 1
    index = stepper_controls(t, last)
    step = report.steps[index]
    fig = figs.fig_unrolled_graph(
        report.steps_total,
        step.edge,
        visited_edges=[s.edge for s in report.steps[:index]],
        loss_steps=report.loss_steps,
        notation=notation,
        show_biases=True,
        shared_label=t("derivation.graph.shared"),
    )
    st.subheader(t("derivation.graph.title"))
    chart(fig, "derivation_graph", t("derivation.graph.how_to_read", **notation_fields(notation)))
    step_details(t, report, index, notation)
    st.caption(t("derivation.stepper.how_to_read"))
    carry_prompt(t, report, index, notation)
    if index == last:
        check_table(t, report, notation)


# ---------------------------------------------------------------- Jacobian chain


def flow_link(model: DerivationModel, lang: str) -> str:
    """The gradient-flow view with comparable settings (same T, H, seed, placement; rho 0.8, tanh)."""
    query = f"T={model.steps}&H={model.hidden}&seed={model.seed}&place={model.loss_steps}&rho=0.8&act=tanh"
    return f"./?{query}&lang={lang}&v={LINK_VERSION}"  # the default page lives at the root, not /flow


def chain_section(t, report, model: DerivationModel, notation: str, lang: str) -> None:
    chain = report.chain
    steps_total = report.steps_total
    symbols = notation_fields(notation)
    st.header(t("derivation.chain.title", t_from=steps_total, t_to=1, h=symbols["h"]))
    st.latex(t(f"derivation.eq.jacobian.{notation}", t="t", prev="{t-1}"))
    factors = chain_factors_tex(chain, notation)
    st.latex(t(f"derivation.eq.chain.{notation}", t_from=steps_total, t_to=1, factors=factors))
    for step_t, derivs, norm in zip(chain.steps, chain.derivatives, chain.factor_norms, strict=True):
        shown = "[" + ", ".join(f"{d:.3g}" for d in derivs) + "]"
        st.markdown("- " + t("derivation.chain.factor", t=int(step_t), derivs=shown, norm=float(norm)))
    bound = float(np.prod(chain.factor_norms))
    st.markdown(
        t("derivation.chain.product", t_from=steps_total, t_to=1, norm=chain.product_norm, bound=bound, h=symbols["h"])
    )
    repeated = repeated_factor(chain.factor_norms)
    shrink = dict(t_from=steps_total, t_to=1, c=repeated.c, k=chain.steps.size, value=bound)
    st.latex(t(f"derivation.eq.shrink.{notation}", **shrink))
    st.caption(t("derivation.chain.how_to_read", Wh=symbols["Wh"]))
    repeat_section(t, report, repeated)
    st.markdown(f"[{t('derivation.chain.flow_link')}]({flow_link(model, lang)})")


def repeat_section(t, report, repeated) -> None:
    """The c^k picture with this network's own c: title, sentence and answer follow its factors."""
    st.subheader(t(f"derivation.shrink.title.{repeated.trend}"))
    st.markdown(
        t(
            f"derivation.shrink.verdict.{repeated.trend}",
            smallest=repeated.smallest,
            largest=repeated.largest,
            c=repeated.c,
        )
    )
    k_max = st.slider(t("derivation.shrink.k_slider"), 5, 60, 20, key="derivation_k")
    labels = {
        "x": t("derivation.shrink.axis_x"),
        "y": t("derivation.shrink.axis_y"),
        "bound": t("derivation.shrink.bound"),
        "product": t("derivation.shrink.product"),
        "reference": t("derivation.shrink.reference"),
    }
    fig = figs.fig_jacobian_shrink(
        report.chain.factor_norms,
        product_log10=report.product_log10,
        reference=repeated.c,
        k_max=k_max,
        labels=labels,
    )
    chart(fig, "derivation_shrink", t("derivation.shrink.how_to_read", c=repeated.c))
    options = {
        "zero": t("derivation.predict.toward_zero"),
        "one": t("derivation.predict.toward_one"),
        "large": t("derivation.predict.grows"),
    }
    c = repeated.c
    guess = predict(t, t("derivation.predict.chain.prompt", c=c, k=k_max), options, "derivation_predict_chain")
    if guess is not None:
        truth, log10_value = repeat_outcome(c, k_max)
        text = t(f"derivation.predict.chain.reveal.{truth}", c=c, k=k_max, value=power_text(log10_value))
        reveal(t, guess, truth, text)


# ---------------------------------------------------------------- page

# Block equations wider than a phone scroll sideways instead of running off the screen (page-scoped).
EQUATION_CSS = ".katex-display { overflow-x: auto; overflow-y: hidden; padding: 2px 0 6px; }"

t, _ = context.get()
st.html(f"<style>{EQUATION_CSS}</style>")
lang = context.read(CommonSettings).lang
st.title(t("derivation.title"))
st.markdown(t("derivation.intro"))
model, notation = draw_settings(t)
st.caption(t("derivation.notation_note"))
warmup_section(t)
report = cached_report(**model.core_kwargs())
stepper_section(t, report, notation)
chain_section(t, report, model, notation, lang)
