"""Benchmarks cannot rot: each bench/*.py takes --quick (.ci/run runs every one of them that way
after pytest) and imports nothing from tests/. A static check; pytest never runs them."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
SCRIPTS = sorted(BENCH.glob("*.py"))


def test_there_are_benchmarks() -> None:
    assert {p.name for p in SCRIPTS} >= {"load.py", "pdf.py", "store.py"}


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_each_benchmark_has_a_quick_flag(script: Path) -> None:
    tree = ast.parse(script.read_text(encoding="utf-8"))
    flags = {
        arg.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "add_argument"
        for arg in node.args
        if isinstance(arg, ast.Constant)
    }
    assert "--quick" in flags, f"{script.name}: add a --quick argparse flag (a small fast run)"


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_no_benchmark_imports_from_tests(script: Path) -> None:
    source = script.read_text(encoding="utf-8")
    tree = ast.parse(source)
    modules = [
        name
        for node in ast.walk(tree)
        for name in (
            [a.name for a in node.names] if isinstance(node, ast.Import) else
            [node.module or ""] if isinstance(node, ast.ImportFrom) else []
        )
    ]  # fmt: skip
    assert not [m for m in modules if m.split(".")[0] in ("tests", "conftest")], script.name
    assert '"tests"' not in source and "'tests'" not in source, (
        f"{script.name}: sys.path into tests/"
    )
    for helper in Path(BENCH.parent / "tests").rglob("*.py"):  # e.g. store_builders, pdf_helpers
        if helper.stem not in ("__init__", "conftest"):
            assert helper.stem not in modules, f"{script.name} imports tests/{helper.name}"


def test_readme_lists_every_benchmark() -> None:
    readme = (BENCH.parent / "README.md").read_text(encoding="utf-8")
    assert [p.name for p in SCRIPTS if f"python bench/{p.name} [--quick]" not in readme] == []
