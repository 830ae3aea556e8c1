"""The layers of the code, read from the source: packages import only in one direction (pages -> components ->
figures and reports -> indicators and forum), the pure packages never import Streamlit, and every project error
is an AtscaleError."""
import ast
import importlib
import inspect
from pathlib import Path

import pytest

from indicators.errors import AtscaleError

ROOT = Path(__file__).resolve().parents[2]
# package -> the project packages it may import (besides itself). Nothing may import app_pages or app.py.
ALLOWED = {
    "app_pages": {"components", "figures", "reports", "indicators", "forum"},
    "components": {"figures", "reports", "indicators", "forum"},
    "reports": {"figures", "indicators", "forum"},
    "figures": {"indicators"},
    "forum": {"indicators"},
    "importers": {"indicators"},
    "indicators": set(),
}
PURE = ("figures", "reports", "indicators", "forum", "importers")  # no Streamlit: usable from scripts and tests


def source_files(package: str) -> list[Path]:
    return sorted((ROOT / package).glob("*.py"))


def imported_names(path: Path) -> set[str]:
    """Every module a file imports, at any depth (functions that import when first needed count too)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    return names | {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}


def project_imports(path: Path) -> set[str]:
    return {name.split(".")[0] for name in imported_names(path)} & {*ALLOWED, "app"}


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_packages_import_only_downwards(package):
    wrong = {f"{path.relative_to(ROOT)} imports {other}" for path in source_files(package)
             for other in project_imports(path) - ALLOWED[package] - {package}}
    assert not wrong, sorted(wrong)


def test_the_allowed_directions_have_no_cycle():
    def reaches(start: str, goal: str, seen: frozenset = frozenset()) -> bool:
        return any(step == goal or (step not in seen and reaches(step, goal, seen | {step}))
                   for step in ALLOWED[start])

    assert not [package for package in ALLOWED if reaches(package, package)]


def test_the_router_uses_components_and_indicators_only():
    assert project_imports(ROOT / "app.py") <= {"components", "indicators"}


@pytest.mark.parametrize("package", PURE)
def test_pure_packages_never_import_streamlit(package):
    assert not [str(path.relative_to(ROOT)) for path in source_files(package)
                if any(name.split(".")[0] == "streamlit" for name in imported_names(path))]


def test_a_wrong_way_import_would_be_caught(tmp_path):
    wrong = tmp_path / "figure.py"
    wrong.write_text("from components import layout\nimport streamlit as st\n", encoding="utf-8")
    assert project_imports(wrong) - ALLOWED["figures"] == {"components"}


@pytest.mark.parametrize("package", PURE)
def test_every_project_error_is_an_atscale_error(package):
    errors = []
    for path in source_files(package):
        module = importlib.import_module(f"{package}.{path.stem}")
        errors += [cls for _, cls in inspect.getmembers(module, inspect.isclass)
                   if issubclass(cls, Exception) and cls.__module__ == module.__name__]
    assert [cls.__qualname__ for cls in errors if not issubclass(cls, AtscaleError)] == []


def test_the_forum_asks_about_the_maturity_domains_config_yaml_names():
    """The forum stores a score per domain; charts read the domains from config.yaml: the two lists must agree,
    or a table's scores would never reach the maturity charts."""
    from forum.models import MATURITY_DOMAINS
    from indicators.definitions import load_config

    config = load_config(ROOT / "config.yaml")
    assert [(d.code, d.label) for d in MATURITY_DOMAINS] == [(d.id, d.name) for d in config.maturity_domains]
