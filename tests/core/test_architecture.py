"""Layers import only what stands below them (DESIGN.md): the domain never imports the UI or SQL."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = {
    "checklist": {"streamlit", "sqlalchemy", "alembic", "forms", "store", "services", "app_pages"},
    "forms": {"streamlit", "sqlalchemy", "alembic", "store", "services", "app_pages"},
    "store": {"streamlit", "services", "app_pages"},
    "services": {"streamlit", "app_pages"},
}


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_layer_imports_point_inward(package: str) -> None:
    offenders = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        bad = imported_roots(path) & FORBIDDEN[package]
        if bad:
            offenders[str(path.relative_to(ROOT))] = sorted(bad)
    assert offenders == {}


def test_no_test_module_imports_another() -> None:
    """What tests share lives in *_helpers.py or a conftest.py, never in another test module
    (importing one collects its tests twice over and ties the two files' fates together)."""
    tests = sorted((ROOT / "tests").rglob("test_*.py"))
    names = {path.stem for path in tests}
    offenders = {
        str(path.relative_to(ROOT)): sorted(found)
        for path in tests
        if (found := {root for root in imported_roots(path) if root in names or root == "tests"})
    }
    assert offenders == {}
