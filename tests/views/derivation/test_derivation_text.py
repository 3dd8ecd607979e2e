"""The derivation view's texts and figures: every step has its sentence and equations; figures stay finite."""

from __future__ import annotations

import string

import numpy as np

from bptt_core.lessons import derivation as dv
from explorer.derivation import figures as figs
from explorer.derivation.report import format_fields, step_key
from explorer.shared.i18n import catalogue


def test_steps_have_catalogue_keys_and_fields():
    model, xs, targets = dv.small_example(3, 2)
    walk = dv.backward_steps(model, xs, targets, loss_steps="last")
    keys = {step_key(s) for s in walk}
    expected = {"output_ce", "hidden", "weight_W_y", "bias_b_y", "preact", "weight_W_h", "weight_W_x", "bias_b_h"}
    assert keys == expected | {"carry"}
    assert format_fields(walk[0], 3) == {"t": 3, "prev": 2, "next": 4, "T": 3}


# ---------------------------------------------------------------- catalogues


def _catalogue(locale: str) -> dict[str, str]:
    return {k: v for k, v in catalogue(locale).items() if k.startswith("derivation.")}


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


_TEXT_FIELDS = {"factors": "J_3 J_2", "answer": "Smaller", "src": "a3", "dst": "h2", "node": "h2", "param": "W_h"}
_TEXT_FIELDS |= {"name": "W_h", "derivs": "[0.5 0.4]"}


def _sample(name: str):
    return _TEXT_FIELDS.get(name, 3)


def test_catalogues_have_the_same_keys_and_fields():
    en, ko = _catalogue("en"), _catalogue("ko")
    assert en.keys() == ko.keys()
    assert all(key.startswith("derivation.") for key in en)
    for key in en:
        assert _fields(en[key]) == _fields(ko[key]), key
        for text in (en[key], ko[key]):
            formatted = text.format(**{name: _sample(name) for name in _fields(text)})
            assert "{" not in formatted or "\\" in formatted or "$" in formatted, key  # only LaTeX keeps braces
            # explorer.shared.i18n.translate() formats only when given values: escaped braces need a placeholder
            assert "{{" not in text or _fields(text), key


def test_every_step_has_its_sentence_and_equations():
    en = _catalogue("en")
    for loss in ("cross_entropy", "mse"):
        model, xs, targets = dv.small_example(3, 2, loss=loss)
        for s in dv.backward_steps(model, xs, targets, loss=loss, loss_steps="all"):
            key = step_key(s, loss)
            assert f"derivation.step.{key}" in en
            assert f"derivation.op.{s.op}" in en
            for notation in ("standard", "course"):
                tex = en[f"derivation.eq.{key}.{notation}"].format(**format_fields(s, 3))
                assert tex.count("{") == tex.count("}"), key
    for notation in ("standard", "course"):
        for key in ("hidden_total", "total_W_h_last", "total_W_h_all", "jacobian", "chain", "shrink"):
            assert f"derivation.eq.{key}.{notation}" in en


def test_warmup_equations_show_the_numbers():
    en = _catalogue("en")
    values = dv.warmup().as_dict()
    assert "= 28 " in en["derivation.eq.warmup_forward"].format(**values)  # the last row of a gathered block
    assert "= 20.46" in en["derivation.eq.warmup_result"].format(**values)


# ---------------------------------------------------------------- figures


def _finite_numbers(fig) -> bool:
    for trace in fig.data:
        for axis in ("x", "y"):
            values = getattr(trace, axis, None)
            if values is not None and not np.all(np.isfinite(np.asarray(values, dtype=float))):
                return False
    return True


def test_figures_build_without_nan():
    graph = figs.fig_unrolled_graph(3, ("a3", "W_h"), visited_edges=[("L3", "o3")], loss_steps="last")
    names = [t.name for t in graph.data if t.showlegend is not False and t.name]
    assert names == ["shared W<sub>h</sub>", "shared W<sub>x</sub>", "shared W<sub>y</sub>"]
    assert any(a.arrowcolor == figs.HIGHLIGHT for a in graph.layout.annotations)
    course = figs.fig_unrolled_graph(6, ("a4", "h3"), notation="course", show_biases=True, labels={"h3": "s₃!"})
    assert "s₃!" in course.data[0].text
    warm = figs.fig_warmup_graph(dv.warmup().as_dict())
    shrink = figs.fig_jacobian_shrink([0.5, 0.0, 0.7], product_log10=[0.0, -0.3, -np.inf, -np.inf])
    for fig in (graph, course, warm, shrink):
        assert _finite_numbers(fig)
