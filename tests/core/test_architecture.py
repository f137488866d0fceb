"""Layers import only what stands below them (DESIGN.md): the domain never imports the UI or SQL."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from product_layout import PRODUCT

ROOT = Path(__file__).resolve().parents[2]
UPPER = {"app", "app_pages", "web", "ui", "services", "cli", "cli_commands"}
SQL = {"sqlalchemy", "alembic"}
# Each layer (DESIGN.md) and what it may never import: the layers above it, and SQL outside store/.
FORBIDDEN = {
    "app_pages": SQL | {"store"},  # pages gather, call a service, show
    # HTTP routes beside Streamlit (app.py's st.App): call a service, answer; no SQL, no UI.
    "web": {"streamlit"} | SQL | {"store", "app_pages", "ui", "app"},
    "ui": SQL | {"store", "app_pages", "app", "web"},
    "services": {"streamlit"} | SQL | {"app_pages", "ui", "app", "web"},
    "cli_commands": {"streamlit"} | SQL | {"app_pages", "ui", "app"},
    "store": {"streamlit", "services", "app_pages", "ui", "cli_commands"},
    "forms": {"streamlit", "store", *SQL, *UPPER},
    "checklist": {"streamlit", "store", "forms", *SQL, *UPPER},
    "language": {"streamlit", "store", "forms", "checklist", "accounts", *SQL, *UPPER},
    "accounts": {"streamlit", "store", "forms", "checklist", *SQL, *UPPER},
    "errors.py": {"streamlit", "store", "forms", "checklist", "language", "accounts", *SQL, *UPPER},
    "settings.py": {"streamlit", "store", "forms", "checklist", "language", "accounts", *UPPER},
}
MAX_LINES = 400
MAX_OVER_300 = 6  # "a handful", each saying in its docstring why it is long


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def _files(place: str) -> list[Path]:
    path = ROOT / place
    if path.is_file():
        return [path]
    return sorted(p for p in path.rglob("*.py") if "migrations" not in p.parts)


@pytest.mark.parametrize("place", sorted(FORBIDDEN))
def test_layer_imports_point_inward(place: str) -> None:
    offenders = {}
    for path in _files(place):
        bad = imported_roots(path) & FORBIDDEN[place]
        if bad:
            offenders[str(path.relative_to(ROOT))] = sorted(bad)
    assert offenders == {}


def test_only_store_speaks_sql() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for place in PRODUCT
        if place not in ("store", "bench")  # bench/store.py makes its own PostgreSQL database
        for path in _files(place)
        if imported_roots(path) & SQL
    ]
    assert offenders == []


def test_the_record_imports_no_service() -> None:
    assert imported_roots(ROOT / "forms" / "records.py") & (UPPER | {"store"}) == set()


def _product_modules() -> list[Path]:
    return [path for place in PRODUCT for path in _files(place)]


def test_no_module_over_400_lines() -> None:
    long = {
        str(p.relative_to(ROOT)): n
        for p in _product_modules()
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def test_few_modules_over_300_lines_each_saying_why() -> None:
    over = [p for p in _product_modules() if len(p.read_text(encoding="utf-8").splitlines()) > 300]
    assert len(over) <= MAX_OVER_300, [str(p.relative_to(ROOT)) for p in over]
    unexplained = [
        str(p.relative_to(ROOT))
        for p in over
        if "over 300 lines" not in (ast.get_docstring(ast.parse(p.read_text("utf-8"))) or "")
    ]
    assert unexplained == [], "say in the module docstring why it is 'over 300 lines'"


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


def test_no_two_test_modules_share_a_file_name() -> None:
    """Tests are imported by file name (each folder is put on the path): two helpers or two test
    files of the same name in different folders shadow each other, and one of them fails to
    collect, or imports the other's helpers, depending on the order the workers take them."""
    seen: dict[str, list[str]] = {}
    for path in sorted((ROOT / "tests").rglob("*.py")):
        if path.name not in ("conftest.py", "__init__.py"):
            seen.setdefault(path.name, []).append(str(path.relative_to(ROOT)))
    assert {name: paths for name, paths in seen.items() if len(paths) > 1} == {}
