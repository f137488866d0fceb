"""Backup and restore of the embedded SQLite database.

Backup uses SQLite's online backup API: a consistent copy taken while the app keeps running (in
WAL mode the copy reads one snapshot and writers are not blocked). Restore checks the file first
(SQLite integrity check, a schema revision this app knows, an intact audit chain) and only then
swaps it in, keeping the current database beside it as a .bak file.

Every file written here is owner-only (mode 0600, new folders 0700: store/files.py), and with a
key the copy holds ciphertext only, as the database does.

PostgreSQL clinics use pg_dump / pg_restore instead (README: Backups).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from errors import DomainError
from store.audit import ChainReport
from store.db import BUSY_TIMEOUT_MS, head_revision, known_revisions, open_database
from store.files import private_dir, private_file

SQLITE_HEADER = b"SQLite format 3\x00"


@dataclass
class BackupCheck:
    path: Path
    problems: list[str] = field(default_factory=list)
    revision: str | None = None
    audit: ChainReport | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


def backup_sqlite(db_path: Path, out: Path) -> Path:
    """Copy the live database to ``out`` (a single self-contained file)."""
    if not db_path.is_file():
        raise DomainError(f"There is no database at {db_path} to back up.")
    out = out.expanduser().resolve()
    if out == db_path.resolve():
        raise DomainError("The backup file cannot be the database itself.")
    if out.exists():
        raise DomainError(f"{out} already exists; choose a new file name.")
    private_dir(out.parent)
    part = out.with_name(out.name + ".part")
    part.unlink(missing_ok=True)
    private_file(part)  # before SQLite writes a byte (its journal takes the same mode)
    src = sqlite3.connect(db_path, timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        dst = sqlite3.connect(part)
        try:
            src.backup(dst)  # all pages in one step: one consistent snapshot
            dst.execute("PRAGMA journal_mode = DELETE")  # the copy is one file, no -wal beside it
            result = dst.execute("PRAGMA integrity_check").fetchone()
        finally:
            dst.close()
    finally:
        src.close()
    if result is None or result[0] != "ok":
        part.unlink(missing_ok=True)
        raise DomainError("The backup copy failed its integrity check; nothing was written.")
    os.replace(part, out)
    return out


def check_backup(path: Path) -> BackupCheck:
    """Check a backup file without changing it (the checks run on a temporary copy)."""
    report = BackupCheck(path)
    if not path.is_file():
        report.problems.append(f"{path} does not exist.")
        return report
    with path.open("rb") as fh:
        if fh.read(16) != SQLITE_HEADER:
            report.problems.append(f"{path} is not a SQLite database file.")
            return report
    scratch = path.with_name(path.name + ".checking")
    try:
        shutil.copyfile(path, private_file(scratch))
        _check_copy(scratch, report)
    finally:
        for extra in ("", "-wal", "-shm"):
            Path(str(scratch) + extra).unlink(missing_ok=True)
    return report


def _check_copy(copy: Path, report: BackupCheck) -> None:
    conn = sqlite3.connect(copy)
    try:
        try:
            integrity = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        except sqlite3.DatabaseError as exc:  # too damaged to even check
            integrity = [str(exc)]
        if integrity != ["ok"]:
            report.problems.append("SQLite integrity check failed: " + "; ".join(integrity[:3]))
            return
        try:
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        except sqlite3.DatabaseError:
            row = None
    finally:
        conn.close()
    if row is None:
        report.problems.append("This file is not a consent database (no schema version).")
        return
    report.revision = row[0]
    if report.revision not in known_revisions():
        report.problems.append(
            f"Schema version {report.revision} is unknown to this version of the app "
            f"(newest known: {head_revision()}); restore it with the app version that made it."
        )
        return
    database = open_database(f"sqlite:///{copy}", upgrade=False)
    try:
        with database.uow() as uow:
            report.audit = uow.audit.check_chain()
    finally:
        database.dispose()
    if not report.audit.ok:
        report.problems.append("Audit trail " + report.audit.message)


def restore_sqlite(
    backup: Path, db_path: Path, now: dt.datetime
) -> tuple[BackupCheck, Path | None]:
    """Check ``backup``; if sound, make it the database. Returns (check, where the old one went).

    Stop the app first: a running app would keep writing to the file being replaced.
    """
    report = check_backup(backup)
    if not report.ok:
        return report, None
    db_path = db_path.resolve()
    private_dir(db_path.parent)
    incoming = db_path.with_name(db_path.name + ".restoring")
    incoming.unlink(missing_ok=True)
    shutil.copyfile(backup, private_file(incoming))
    kept: Path | None = None
    if db_path.exists():
        # Fold the old database's WAL into its main file so the .bak is complete on its own.
        old = sqlite3.connect(db_path, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            old.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            old.close()
        kept = db_path.with_name(db_path.name + ".bak")
        if kept.exists():
            kept = db_path.with_name(f"{db_path.name}.{now:%Y%m%dT%H%M%S}.bak")
        os.replace(db_path, kept)
    for extra in ("-wal", "-shm"):
        Path(str(db_path) + extra).unlink(missing_ok=True)
    os.replace(incoming, db_path)
    return report, kept
