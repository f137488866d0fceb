"""A clinic context on SQLite or in a fresh PostgreSQL schema, for the staff tests that run on
both databases (imported by name; pytest puts this folder on sys.path)."""

from __future__ import annotations

import contextlib
import importlib.util
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text

from services.clock import FixedClock
from services.context import AppContext, build_context
from settings import get_settings

ROOT = Path(__file__).resolve().parents[2]
BOTH = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]  # fixture params


def postgres_url_or_skip() -> str:
    """tests/conftest.py's (``import conftest`` here would find the staff one)."""
    spec = importlib.util.spec_from_file_location(
        "tests_top_conftest_staff_db", ROOT / "tests" / "conftest.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.postgres_url_or_skip()


@contextlib.contextmanager
def clinic_on(database: str, clock: FixedClock) -> Iterator[AppContext]:
    """The test's SQLite file (``database == "sqlite"``), or a PostgreSQL schema of its own,
    dropped afterwards."""
    if database == "sqlite":
        ctx = build_context(get_settings(), clock=clock)
        try:
            yield ctx
        finally:
            ctx.database.dispose()
        return
    base = postgres_url_or_skip()
    schema = "t_" + uuid.uuid4().hex[:16]
    engine = create_engine(base)
    with engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    ctx = build_context(
        get_settings(database_url=url.render_as_string(hide_password=False)), clock=clock
    )
    try:
        yield ctx
    finally:
        ctx.database.dispose()
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()
