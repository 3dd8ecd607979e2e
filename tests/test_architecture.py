"""The layout's rules (docs/architecture.md): no import cycle, and who may import what."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bptt_core", "explorer")
VIEW_NAMES = sorted(p.parent.name for p in (ROOT / "explorer").glob("*/page.py"))


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_modules() -> dict[str, Path]:
    files = [p for package in PACKAGES for p in (ROOT / package).rglob("*.py")] + [ROOT / "app.py"]
    return {module_name(p): p for p in files}


def imported_names(name: str, path: Path) -> set[str]:
    """Every module name path imports (absolute, relative resolved), anywhere in the file."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            out.add(source)
            out.update(f"{source}.{alias.name}" for alias in node.names)  # `from pkg import module`
    return out


def ancestors(name: str) -> set[str]:
    """The packages Python imports before name itself: never a cycle edge from name."""
    parts = name.split(".")
    return {".".join(parts[:i]) for i in range(1, len(parts))}


def import_graph() -> dict[str, set[str]]:
    modules = project_modules()
    graph = {}
    for name, path in modules.items():
        found = {m for m in imported_names(name, path) if m in modules}
        # `from pkg import module` reaches pkg.module; pkg itself is then only its parent, imported first
        found -= {m.rpartition(".")[0] for m in found if m.rpartition(".")[0] in found and "." in m}
        graph[name] = found - {name} - ancestors(name)
    return graph


def test_the_graph_sees_the_known_edges():
    graph = import_graph()
    assert "explorer.registry" in graph["explorer.app"]
    assert "bptt_core.cells.rnn" in graph["bptt_core.cells"]  # `from . import gru, lstm, rnn`
    assert {"explorer.flow", "explorer.gated"} <= graph["explorer.registry"]


def test_no_import_cycle_anywhere():
    graph = import_graph()
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    cycles = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append(path[path.index(nxt) :] + [nxt] if nxt in path else [node, nxt])
            elif nxt not in state:
                visit(nxt, path + [nxt])
        state[node] = 2

    for start in sorted(graph):
        if start not in state:
            visit(start, [start])
    assert not cycles, cycles


def all_imports(prefix: str) -> dict[str, set[str]]:
    modules = project_modules()
    return {name: imported_names(name, path) for name, path in modules.items() if name.startswith(prefix)}


def test_the_core_imports_no_app_and_no_ui_library():
    for name, imports in all_imports("bptt_core").items():
        bad = {m for m in imports if m.split(".")[0] in ("explorer", "streamlit", "plotly", "scipy", "torch")}
        assert not bad, (name, bad)


def test_shared_imports_no_view_and_views_import_no_other_view():
    for name, imports in all_imports("explorer").items():
        parts = name.split(".")
        own = parts[1] if len(parts) > 1 else None
        views = {m.split(".")[1] for m in imports if m.startswith("explorer.") and m.split(".")[1] in VIEW_NAMES}
        if own == "shared":
            assert not views, (name, views)
        elif own in VIEW_NAMES:
            assert views <= {own}, (name, views)


@pytest.mark.parametrize("view", VIEW_NAMES)
def test_reports_are_numpy_and_figures_are_plotly_only(view):
    imports = all_imports(f"explorer.{view}")
    for module, forbidden in (
        (f"explorer.{view}.report", ("streamlit", "plotly")),
        (f"explorer.{view}.figures", ("streamlit",)),
    ):
        if module in imports:
            bad = {m for m in imports[module] if m.split(".")[0] in forbidden}
            assert not bad, (module, bad)


def test_every_view_folder_is_registered_and_has_its_rooms():
    from explorer.registry import VIEWS

    assert sorted(v.name for v in VIEWS) == VIEW_NAMES
    for view in VIEWS:
        folder = ROOT / "explorer" / view.name
        assert (folder / "page.py").is_file() and (folder / "locales" / "en.json").is_file(), view.name


def test_no_figure_chooses_its_own_template():
    """explorer/shared/frozen.py serves every figure with the one default template, shared: a figure
    module may leave the template out or empty it (template={}), never name another one."""
    chosen = re.compile(r"(?<![A-Za-z_])template\s*=\s*(?!\{\})")
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in (ROOT / "explorer").rglob("*.py")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if path.name != "frozen.py"
        and (chosen.search(line) or "update_layout(template" in line or "templates.default" in line)
    ]
    assert offenders == []


def _bare_expressions(body: list[ast.stmt]):
    """Expression statements magic would look at: module level and inside blocks, not in functions or classes."""
    for node in body:
        if isinstance(node, ast.Expr):
            yield node
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        for field in ("body", "orelse", "finalbody"):
            yield from _bare_expressions(getattr(node, field, None) or [])
        for handler in getattr(node, "handlers", None) or []:
            yield from _bare_expressions(handler.body)


def test_no_page_relies_on_streamlit_magic():
    """.streamlit/config.toml turns magic off: every bare expression of a page must be a call (magic
    never writes a call's value) or the module docstring, so that turning it off hides nothing."""
    pages = [ROOT / "app.py", ROOT / "explorer" / "app.py", *sorted((ROOT / "explorer").glob("*/page.py"))]
    offenders = []
    for path in pages:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in _bare_expressions(tree.body):
            docstring = node is tree.body[0] and isinstance(node.value, ast.Constant)
            if not docstring and not isinstance(node.value, ast.Call):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []
    assert "magicEnabled = false" in (ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8")
