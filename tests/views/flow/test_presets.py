"""Each classroom preset reproduces the verdict its description promises."""

from dataclasses import replace

import pytest

from explorer.flow.report import gradient_flow
from explorer.shared.i18n import catalogue
from explorer.shared.presets import PRESETS
from explorer.shared.settings import ProblemSettings


@pytest.mark.parametrize("preset", PRESETS, ids=lambda p: p.name)
def test_preset_verdict(preset):
    settings = replace(ProblemSettings(), **preset.values)
    report = gradient_flow(settings.problem(), with_band=settings.band)
    assert report.verdict.kind == preset.verdict


def test_transient_growth_preset_grows_before_it_decays():
    preset = next(p for p in PRESETS if p.name == "transient_gaussian")
    report = gradient_flow(replace(ProblemSettings(), **preset.values).problem())
    assert report.spectrum.sigma_max > 1.8 and report.jac_spectral.max() > 0.1  # grows first ...
    assert report.jac_spectral[0] < -1  # ... then decays


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_every_preset_is_described(lang):
    for preset in PRESETS:
        assert f"preset.{preset.name}" in catalogue(lang) and f"preset.{preset.name}.explain" in catalogue(lang)
