"""Store fixtures: every store test runs on a SQLite file and on PostgreSQL.

PostgreSQL tests get their own schema (dropped afterwards), so tests of other areas using the same
test database, or running at the same time, never see each other's tables.
"""

from __future__ import annotations

import importlib.util
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from store.db import Database, open_database


def _top_conftest():  # type: ignore[no-untyped-def]
    """tests/conftest.py; `import conftest` here would find this file itself."""
    path = Path(__file__).resolve().parents[1] / "conftest.py"
    spec = importlib.util.spec_from_file_location("tests_top_conftest", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


postgres_url_or_skip = _top_conftest().postgres_url_or_skip


def _schema_url(base: str, schema: str) -> str:
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database's URL: a fresh SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
        return
    base = postgres_url_or_skip()
    schema = "t_" + uuid.uuid4().hex[:16]
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield _schema_url(base, schema)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def db(db_url: str, data_dir_template: Path) -> Iterator[Database]:
    """A database at the newest revision; on SQLite a copy of the session's migrated file (the
    migrations themselves are tested on the empty ``db_url``)."""
    if db_url.startswith("sqlite:///"):
        shutil.copyfile(data_dir_template / "consent.db", db_url.removeprefix("sqlite:///"))
    database = open_database(db_url)
    yield database
    database.dispose()
