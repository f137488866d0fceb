"""Alembic: empty database to head on SQLite and PostgreSQL; init is idempotent."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

import cli
from errors import DomainError
from store.db import alembic_config, create_db_engine, head_revision, open_database
from store.tables import metadata

TABLES = {
    "consents",
    "acknowledgements",
    "screening_answers",
    "signatures",
    "documents",
    "drafts",
    "audit_events",
    "audit_head",
    "staff_users",
}


def test_empty_database_migrates_to_head_and_matches_the_tables_module(db_url: str) -> None:
    engine = create_db_engine(db_url)
    assert TABLES.isdisjoint(inspect(engine).get_table_names())
    database = open_database(db_url)
    try:
        assert database.schema_revision() == head_revision()
        assert set(inspect(database.engine).get_table_names()) >= TABLES
        with database.engine.connect() as conn:
            diffs = compare_metadata(MigrationContext.configure(conn), metadata)
            assert diffs == []  # store/tables.py and the migrations describe the same schema
            head = conn.execute(text("SELECT last_id, last_hash FROM audit_head")).one()
            assert tuple(head) == (0, "0" * 64)
    finally:
        database.dispose()
        engine.dispose()


def test_upgrade_twice_changes_nothing_and_downgrade_removes_everything(db_url: str) -> None:
    first = open_database(db_url)
    with first.uow() as uow:
        uow.audit.append(
            at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
            actor_id="admin",
            actor_role="admin",
            action="user.created",
        )
        uow.commit()
    first.dispose()
    second = open_database(db_url)  # upgrade=True again: nothing to do, data kept
    try:
        with second.uow() as uow:
            assert uow.audit.count() == 1
        with second.engine.begin() as conn:
            command.downgrade(alembic_config(conn), "base")
        assert TABLES.isdisjoint(inspect(second.engine).get_table_names())
    finally:
        second.dispose()


def test_two_servers_starting_together_both_get_a_working_schema(db_url: str) -> None:
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def start() -> None:
        try:
            barrier.wait()
            open_database(db_url).dispose()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    database = open_database(db_url, upgrade=False)
    assert database.schema_revision() == head_revision()
    database.dispose()


def test_cli_init_is_idempotent_and_explains_the_next_step(
    db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CONSENT_DATABASE_URL", db_url)
    assert cli.main(["init"]) == 0
    assert cli.main(["init"]) == 0
    out = capsys.readouterr().out
    assert out.count("Database ready") == 2
    assert "python cli.py add-user NAME --role admin" in out
    assert "consent:consent@" not in out  # the password is never printed
    database = open_database(db_url, upgrade=False)
    assert database.schema_revision() == head_revision()
    database.dispose()


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("mysql://u:p@host/db", "Only SQLite and PostgreSQL"),
        ("not a url", "not valid"),
        ("postgresql+psycopg://u:hunter2@127.0.0.1:9/none", "Cannot open the database"),
    ],
)
def test_a_bad_database_url_is_a_clear_error_without_the_password(url: str, words: str) -> None:
    with pytest.raises(DomainError, match=words) as info:
        open_database(url)
    assert "hunter2" not in str(info.value)
