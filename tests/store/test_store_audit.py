"""The audit trail: append-only, hash-chained, and audit-check names the first broken link."""

from __future__ import annotations

import datetime as dt
import itertools
import threading

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from store_builders import T0
from store_helpers import tamper

import cli
from store.db import Database

N = 6


def fill(db: Database, n: int = N) -> None:
    with db.uow() as uow:
        for i in range(n):
            uow.audit.append(
                at=T0 + dt.timedelta(seconds=i),
                actor_id=f"user-{i % 2}",
                actor_role="nurse",
                action="consent.viewed" if i % 2 else "consent.verified",
                consent_id="11111111-1111-1111-1111-111111111111" if i < 3 else None,
                old={"status": "submitted"} if i == 1 else None,
                new={"status": "verified", "note": "Größe ✓", "n": 1.5} if i == 1 else None,
                session_id=f"s{i}",
            )
        uow.commit()


@pytest.fixture
def cli_db(db: Database, db_url: str, monkeypatch: pytest.MonkeyPatch) -> Database:
    monkeypatch.setenv("CONSENT_DATABASE_URL", db_url)
    return db


def audit_check(capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    capsys.readouterr()
    code = cli.main(["audit-check"])
    return code, capsys.readouterr().out


def test_intact_chain_reads_back_and_checks_ok(
    cli_db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    fill(cli_db)
    with cli_db.uow() as uow:
        events = uow.audit.query()
        report = uow.audit.check_chain()
        mine = uow.audit.for_consent("11111111-1111-1111-1111-111111111111")
    assert [e.id for e in events] == list(range(1, N + 1))
    assert events[0].prev_hash == "0" * 64
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(events))
    assert events[1].new == {"status": "verified", "note": "Größe ✓", "n": 1.5}
    assert events[1].at == T0 + dt.timedelta(seconds=1)
    assert [e.id for e in mine] == [1, 2, 3]
    assert mine[0].entry().action == "consent.verified"
    assert (report.ok, report.checked, report.first_broken) == (True, N, None)
    code, out = audit_check(capsys)
    assert code == 0
    assert f"OK: {N} audit events" in out


def test_query_filters(db: Database) -> None:
    fill(db)
    with db.uow() as uow:
        assert len(uow.audit.query(actor_id="user-1")) == 3
        assert len(uow.audit.query(action="consent.verified")) == 3
        since = uow.audit.query(date_from=T0 + dt.timedelta(seconds=4))
        assert [e.id for e in since] == [5, 6]
        day = uow.audit.query(date_from=dt.date(2026, 11, 23), date_to=dt.date(2026, 11, 23))
        assert len(day) == N
        assert uow.audit.query(date_to=dt.date(2026, 11, 22)) == []


def test_the_database_refuses_to_update_or_delete_an_event(db: Database) -> None:
    fill(db)
    for sql in (
        "UPDATE audit_events SET action = 'nothing' WHERE id = 2",
        "DELETE FROM audit_events WHERE id = 2",
    ):
        with pytest.raises(DBAPIError, match="append-only"), db.engine.begin() as conn:
            conn.execute(text(sql))
    with db.uow() as uow:
        assert uow.audit.check_chain().ok


@pytest.mark.parametrize(
    ("attack", "first_broken", "words"),
    [
        ("UPDATE audit_events SET actor_id = 'someone-else' WHERE id = 3", 3, "was changed"),
        ('UPDATE audit_events SET new = \'{"status":"filed"}\' WHERE id = 2', 2, "was changed"),
        (
            "DELETE FROM audit_events WHERE id = 4",
            5,
            "missing",
        ),
        ("DELETE FROM audit_events WHERE id = 6", 6, "event 6 is missing from the end"),
        (
            "INSERT INTO audit_events (id, at, actor_id, actor_role, action, prev_hash, hash) "
            "SELECT 7, at, actor_id, actor_role, 'consent.filed', hash, hash "
            "FROM audit_events WHERE id = 6",
            7,
            "added outside the audit code",
        ),
    ],
    ids=["edited-actor", "edited-value", "deleted-middle", "deleted-last", "forged-append"],
)
def test_audit_check_names_the_first_broken_link(
    cli_db: Database,
    capsys: pytest.CaptureFixture[str],
    attack: str,
    first_broken: int,
    words: str,
) -> None:
    fill(cli_db)
    tamper(cli_db, *attack.split("; "))
    with cli_db.uow() as uow:
        report = uow.audit.check_chain()
    assert not report.ok
    assert report.first_broken == first_broken
    assert words in report.message
    code, out = audit_check(capsys)
    assert code == 1
    assert f"First broken event id: {first_broken}" in out


def test_audit_check_detects_a_reordered_chain(
    cli_db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    fill(cli_db)
    tamper(
        cli_db,
        "UPDATE audit_events SET id = -1 WHERE id = 3",
        "UPDATE audit_events SET id = 3 WHERE id = 4",
        "UPDATE audit_events SET id = 4 WHERE id = -1",
    )
    with cli_db.uow() as uow:
        report = uow.audit.check_chain()
    assert (report.ok, report.first_broken) == (False, 3)
    assert "does not follow event 2" in report.message
    code, out = audit_check(capsys)
    assert code == 1
    assert "BROKEN" in out


def test_an_edit_with_a_recomputed_hash_is_caught_at_the_next_link(db: Database) -> None:
    """An attacker who recomputes the edited event's own hash still breaks the next link."""
    from store.audit import canonical_json, event_hash

    fill(db)
    with db.uow() as uow:
        ev = uow.audit.query()[1]
    forged = event_hash(
        ev.prev_hash,
        id=ev.id,
        at=ev.at,
        actor_id="intruder",
        actor_role=ev.actor_role,
        action=ev.action,
        consent_id=ev.consent_id,
        old=canonical_json(ev.old),
        new=canonical_json(ev.new),
        session_id=ev.session_id,
    )
    tamper(db, f"UPDATE audit_events SET actor_id = 'intruder', hash = '{forged}' WHERE id = 2")
    with db.uow() as uow:
        report = uow.audit.check_chain()
    assert (report.ok, report.first_broken) == (False, 3)


def test_concurrent_appends_never_fork_the_chain(db: Database) -> None:
    threads, per_thread = 6, 15
    errors: list[BaseException] = []
    start = threading.Barrier(threads)

    def worker(n: int) -> None:
        try:
            start.wait()
            for i in range(per_thread):
                with db.uow() as uow:
                    uow.audit.append(at=T0, actor_id=f"t{n}", actor_role="nurse", action=f"act.{i}")
                    uow.commit()
        except BaseException as exc:
            errors.append(exc)

    pool = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    assert errors == []
    with db.uow() as uow:
        report = uow.audit.check_chain()
        events = uow.audit.query()
    assert report.ok, report.message
    assert report.checked == threads * per_thread
    assert len({e.prev_hash for e in events}) == len(events)  # no two events share a parent


def test_audit_values_must_be_json_and_times_aware(db: Database) -> None:
    with db.uow() as uow:
        with pytest.raises(TypeError, match="cannot record"):
            uow.audit.append(at=T0, actor_id="a", actor_role="r", action="x", new={"o": object()})
        with pytest.raises(ValueError, match="time zone"):
            uow.audit.append(at=dt.datetime(2026, 1, 1), actor_id="a", actor_role="r", action="x")


def test_checking_while_others_append_reports_no_false_breakage(db: Database) -> None:
    fill(db, 2)
    stop = threading.Event()
    errors: list[BaseException] = []

    def appender() -> None:
        try:
            while not stop.is_set():
                with db.uow() as uow:
                    uow.audit.append(at=T0, actor_id="a", actor_role="nurse", action="x")
                    uow.commit()
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=appender)
    thread.start()
    try:
        reports = []
        for _ in range(15):
            with db.uow() as uow:
                reports.append(uow.audit.check_chain())
    finally:
        stop.set()
        thread.join(60)
    assert errors == []
    assert all(r.ok for r in reports), [r.message for r in reports if not r.ok]
