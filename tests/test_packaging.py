"""`pip install .` gives the core and the app; `bptt-explorer` starts it with the repository's server options."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from explorer import cli

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The project installed with pip into a fresh folder, from a copy of the sources (the tree stays clean)."""
    src = tmp_path_factory.mktemp("src")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    for package in ("bptt_core", "explorer"):
        shutil.copytree(ROOT / package, src / package, ignore=shutil.ignore_patterns("__pycache__"))
    target = tmp_path_factory.mktemp("site")
    pip = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation"]
    subprocess.run([*pip, "--target", str(target), str(src)], check=True, capture_output=True, text=True)
    return target


def run_outside(code: str, site: Path, cwd: Path) -> str:
    """Python with only the installed folder (and the installed dependencies) on its path, away from the repo."""
    env = {**os.environ, "PYTHONPATH": str(site)}
    out = subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True, check=True)
    return out.stdout.strip()


def test_the_core_and_the_app_import_from_the_installed_package(installed, tmp_path):
    code = (
        "import bptt_core as bc, explorer.registry, explorer.shared.i18n as i18n;"
        "print(bc.__file__); print(explorer.registry.__file__);"
        "print(len(i18n.catalogue('ko')) > 100, [v.page_path.is_file() for v in explorer.registry.VIEWS])"
    )
    core, registry, checks = run_outside(code, installed, tmp_path).splitlines()
    assert core.startswith(str(installed)) and registry.startswith(str(installed))
    assert checks.startswith("True") and "False" not in checks


def test_the_console_script_is_installed(installed):
    script = installed / "bin" / "bptt-explorer"
    assert script.is_file() and "explorer.cli" in script.read_text()


def test_the_console_script_runs_streamlit_on_the_packaged_app_with_the_config_options():
    argv = cli.command(["--server.port", "8600"])
    assert (
        argv[:2] == ["streamlit", "run"] and Path(argv[2]).name == "app.py" and Path(argv[2]).parent.name == "explorer"
    )
    assert argv[-2:] == ["--server.port", "8600"]
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    for key, value in cli.SERVER_OPTIONS.items():
        section, name = key.split(".")
        assert str(config[section][name]).lower() == value, key
