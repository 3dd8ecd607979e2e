"""Each classroom preset reproduces the verdict its description promises."""

from dataclasses import replace

import pytest

from bptt_core.report import gradient_flow
from ui.i18n import catalogue
from ui.presets import PRESETS
from ui.settings import FlowSettings


@pytest.mark.parametrize("preset", PRESETS, ids=lambda p: p.name)
def test_preset_verdict(preset):
    settings = replace(FlowSettings(), **preset.values)
    report = gradient_flow(**settings.core_kwargs())
    assert report.verdict.kind == preset.verdict


def test_transient_growth_preset_grows_before_it_decays():
    preset = next(p for p in PRESETS if p.name == "transient_gaussian")
    report = gradient_flow(**replace(FlowSettings(), **preset.values).core_kwargs())
    assert report.spectrum.sigma_max > 1.8 and report.jac_spectral.max() > 0.1  # grows first ...
    assert report.jac_spectral[0] < -1  # ... then decays


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_every_preset_is_described(lang):
    for preset in PRESETS:
        assert f"preset.{preset.name}" in catalogue(lang) and f"preset.{preset.name}.explain" in catalogue(lang)
