"""Backup and restore of the embedded SQLite database (PostgreSQL uses pg_dump instead)."""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

import pytest
from sqlalchemy import text
from store_builders import T0, fake_pdf, make_consent
from store_helpers import count_rows, tamper

import cli
from settings import get_settings
from store.db import Database, open_database


@pytest.fixture
def clinic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    data = tmp_path / "clinic"
    monkeypatch.setenv("CONSENT_DATA_DIR", str(data))
    assert cli.main(["init"]) == 0
    return data / "consent.db"


def submit_one(db: Database, n: int) -> None:
    consent = make_consent(name=f"Patient {n}", acks=25)
    with db.uow() as uow:
        uow.consents.add(consent, draft_token=f"tok-{n}")
        uow.documents.add(consent.id, "submitted", fake_pdf(seed=n), T0)
        for action in ("consent.submitted", "document.issued"):
            uow.audit.append(
                at=T0,
                actor_id="patient",
                actor_role="patient",
                action=action,
                consent_id=consent.id,
            )
        uow.commit()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_backup_taken_while_another_thread_writes_restores_to_a_sound_database(
    clinic: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    db = open_database(get_settings().resolved_database_url)
    written = 0
    enough_before, stop = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def writer() -> None:
        nonlocal written
        try:
            while not stop.is_set():
                submit_one(db, written)
                written += 1
                if written == 5:
                    enough_before.set()
        except BaseException as exc:
            errors.append(exc)
            enough_before.set()

    thread = threading.Thread(target=writer)
    thread.start()
    enough_before.wait(60)
    backup = tmp_path / "backup.db"
    try:
        assert cli.main(["backup", "--out", str(backup)]) == 0
        at_backup = written
        while written < at_backup + 5 and not errors and thread.is_alive():
            stop.wait(0.01)  # let the app keep writing after the copy
    finally:
        stop.set()
        thread.join(60)
    assert errors == []
    total = written
    db.dispose()

    # Restore on another machine (an empty data directory) and check it.
    monkeypatch.setenv("CONSENT_DATA_DIR", str(tmp_path / "elsewhere"))
    capsys.readouterr()
    assert cli.main(["restore", str(backup)]) == 0
    assert cli.main(["audit-check"]) == 0
    out = capsys.readouterr().out
    assert "Restored" in out and "OK:" in out
    restored = open_database(get_settings().resolved_database_url)
    consents = count_rows(restored, "consents")
    assert 5 <= consents < total  # a snapshot taken mid-stream, not the end state
    # ... and a consistent one: every consent came with its PDF and both audit events.
    assert count_rows(restored, "documents") == consents
    assert count_rows(restored, "audit_events") == 2 * consents
    restored.dispose()


def test_restore_over_the_current_database_keeps_it_as_bak(
    clinic: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = open_database(get_settings().resolved_database_url)
    submit_one(db, 1)
    backup = tmp_path / "b.db"
    assert cli.main(["backup", "--out", str(backup)]) == 0
    submit_one(db, 2)  # made after the backup: will only be in the .bak
    db.dispose()
    assert cli.main(["restore", str(backup)]) == 0
    kept = clinic.with_name("consent.db.bak")
    assert kept.exists()
    restored, previous = open_database(f"sqlite:///{clinic}"), open_database(f"sqlite:///{kept}")
    assert (count_rows(restored, "consents"), count_rows(previous, "consents")) == (1, 2)
    restored.dispose()
    previous.dispose()
    assert cli.main(["backup", "--out", str(backup)]) == 2  # never overwrites a file
    assert "already exists" in capsys.readouterr().out


def _backup_then(clinic: Path, tmp_path: Path, damage: str) -> tuple[Path, str]:
    db = open_database(get_settings().resolved_database_url)
    submit_one(db, 1)
    db.dispose()
    backup = tmp_path / "b.db"
    assert cli.main(["backup", "--out", str(backup)]) == 0
    if damage == "audit":
        bad = open_database(f"sqlite:///{backup}", upgrade=False)
        tamper(bad, "UPDATE audit_events SET action = 'nothing.happened' WHERE id = 1")
        bad.dispose()
    elif damage == "schema":
        bad = open_database(f"sqlite:///{backup}", upgrade=False)
        with bad.engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
        bad.dispose()
    elif damage == "bytes":
        raw = bytearray(backup.read_bytes())
        raw[4096 : 4096 * 6] = b"\xde\xad\xbe\xef" * (4096 * 5 // 4)
        backup.write_bytes(bytes(raw))
    elif damage == "not-sqlite":
        backup.write_bytes(b"%PDF-1.7 not a database")
    for extra in ("-wal", "-shm"):
        Path(str(backup) + extra).unlink(missing_ok=True)
    return backup, digest(clinic)


@pytest.mark.parametrize(
    ("damage", "words"),
    [
        ("audit", "Audit trail BROKEN"),
        ("schema", "unknown to this version"),
        ("bytes", "integrity check failed"),
        ("not-sqlite", "not a SQLite database"),
    ],
)
def test_restore_refuses_a_damaged_backup_and_leaves_the_database_alone(
    clinic: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], damage: str, words: str
) -> None:
    backup, before = _backup_then(clinic, tmp_path, damage)
    capsys.readouterr()
    assert cli.main(["restore", str(backup)]) == 1
    out = capsys.readouterr().out
    assert "Not restored" in out and words in out
    assert digest(clinic) == before
    assert not clinic.with_name("consent.db.bak").exists()


def test_backup_on_postgresql_points_to_pg_dump(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # No connection is made: the command only explains what PostgreSQL clinics use instead.
    monkeypatch.setenv("CONSENT_DATABASE_URL", "postgresql+psycopg://u:p@127.0.0.1:9/none")
    assert cli.main(["backup", "--out", "x.db"]) == 2
    assert cli.main(["restore", "x.db"]) == 2
    assert "pg_dump" in capsys.readouterr().out
