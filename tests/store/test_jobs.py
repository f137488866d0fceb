"""Scheduled work runs once across app servers (issue #18): a job takes a PostgreSQL advisory
lock named after it, so a second server trying at the same time skips it and says so; on SQLite
(one server by definition) it just runs."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import insert, select

import cli
from services.jobs import PURGE_DRAFTS, run_job
from store.db import Database
from store.locks import job_lock
from store.tables import drafts

T0 = dt.datetime(2026, 11, 23, 14, 0, tzinfo=dt.UTC)
POSTGRES_ONLY = [pytest.param("postgresql", marks=pytest.mark.postgres)]


def _two_servers_try_at_once(db: Database) -> tuple[list[str], list[bool]]:
    """Two "servers" start the same job together; the first in holds it until the other tried."""
    other = Database(engine=_engine_like(db), cipher=db.cipher, tz=db.tz)  # its own pool
    gate, tried = threading.Barrier(2), threading.Event()
    ran: list[str] = []
    results: list[bool] = []
    skipped: list[str] = []  # asserted in the test's own thread: a thread's assert fails nothing

    def work(who: str) -> str:
        ran.append(who)
        tried.wait(timeout=10)  # still running while the other server tries
        return who

    def server(who: str, database: Database) -> None:
        gate.wait()
        job = run_job(database, "nightly-test-job", lambda: work(who))
        results.append(job.ran)
        if not job.ran:
            skipped.append(job.skipped_message)
        tried.set()

    threads = [
        threading.Thread(target=server, args=("one", db)),
        threading.Thread(target=server, args=("two", other)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    other.dispose()
    for message in skipped:
        assert message.startswith("nightly-test-job is running on another server")
    return ran, results


def _engine_like(db: Database):  # type: ignore[no-untyped-def]
    from store.db import create_db_engine

    return create_db_engine(db.engine.url.render_as_string(hide_password=False))


@pytest.mark.parametrize("db_url", POSTGRES_ONLY, indirect=True)
def test_on_postgres_a_job_two_servers_start_together_runs_once(db: Database) -> None:
    ran, results = _two_servers_try_at_once(db)
    assert len(ran) == 1 and sorted(results) == [False, True]
    # Released at the end: the next night's run takes it again.
    assert run_job(db, "nightly-test-job", lambda: "again").result == "again"


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_on_sqlite_a_job_just_runs(db: Database) -> None:
    with job_lock(db.engine, PURGE_DRAFTS) as held:
        assert held
        assert run_job(db, PURGE_DRAFTS, lambda: 1).ran  # no lock to wait for: one server


def test_purge_drafts_skips_while_another_server_purges(
    db: Database, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.setenv("CONSENT_DATABASE_URL", db.engine.url.render_as_string(hide_password=False))
    with db.engine.begin() as conn:
        conn.execute(
            insert(drafts).values(
                token="t" * 43, state={}, created_at=T0, updated_at=T0, expires_at=T0
            )
        )
    if db.dialect == "postgresql":
        with job_lock(db.engine, PURGE_DRAFTS) as held:  # another server is purging now
            assert held
            assert cli.main(["purge-drafts"]) == 0
            said = capsys.readouterr().out
            assert said.startswith("purge-drafts is running on another server now; skipped")
            with db.engine.connect() as conn:
                assert conn.execute(select(drafts.c.token)).all() != []  # left to the other
    assert cli.main(["purge-drafts"]) == 0
    assert "Purged 1 expired or closed draft(s)." in capsys.readouterr().out
