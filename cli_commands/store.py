"""Database commands: init, audit-check, backup, restore, purge-drafts, gen-key, rotate-key."""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import sys
from pathlib import Path

from errors import DomainError
from settings import Settings, get_settings
from store.backup import backup_sqlite, restore_sqlite
from store.crypto import BlobCipher, generate_key, split_keys
from store.db import (
    Database,
    DatabaseUnavailable,
    display_url,
    head_revision,
    open_database,
    sqlite_file,
)
from store.errors import KeyMismatch
from store.files import clinic_files, private_dir, wide_modes
from store.rekey import RekeyReport, rekey

PG_BACKUP_HINT = (
    "This clinic uses PostgreSQL: back it up with pg_dump, e.g.\n"
    "  pg_dump --format=custom --file=consent-$(date +%F).dump DATABASE_URL_WITHOUT_+psycopg\n"
    "and restore with pg_restore (README: Backups)."
)


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("init", help="create or upgrade the database and the seal key")
    p.set_defaults(func=cmd_init)
    p = sub.add_parser("audit-check", help="re-walk the audit trail's hash chain")
    p.set_defaults(func=cmd_audit_check)
    p = sub.add_parser("backup", help="copy the embedded SQLite database while the app runs")
    p.add_argument("--out", required=True, type=Path, help="new backup file to write")
    p.set_defaults(func=cmd_backup)
    p = sub.add_parser("restore", help="check a backup, then make it the database (app stopped)")
    p.add_argument("file", type=Path, help="backup file made by `backup`")
    p.set_defaults(func=cmd_restore)
    p = sub.add_parser("purge-drafts", help="delete expired and closed patient drafts")
    p.set_defaults(func=cmd_purge_drafts)
    p = sub.add_parser("gen-key", help="print a new key for CONSENT_ENCRYPTION_KEY")
    p.set_defaults(func=cmd_gen_key)
    p = sub.add_parser(
        "rotate-key",
        help="re-encrypt everything under CONSENT_ENCRYPTION_KEY (resumable)",
        description="Re-encrypt every stored value and rebuild the search index under the key "
        "in CONSENT_ENCRYPTION_KEY (its first key). Run it again after an interruption: what "
        "is done already is skipped.",
    )
    p.add_argument(
        "--old-key",
        required=True,
        help="the key the records are encrypted with now; '-' reads it from standard input "
        "(keeps it out of the shell history)",
    )
    p.set_defaults(func=cmd_rotate_key)


def _where(settings: Settings) -> str:
    return display_url(settings.resolved_database_url)


def _open(settings: Settings, *, upgrade: bool) -> Database:
    not_set_up = DomainError("The database has not been set up yet: run `python cli.py init`.")
    sqlite_file = _sqlite_file(settings)
    if not upgrade and sqlite_file is not None and not sqlite_file.exists():
        raise not_set_up  # do not leave an empty file behind
    database = open_database(settings.resolved_database_url, settings=settings, upgrade=upgrade)
    if not upgrade and database.schema_revision() is None:
        database.dispose()
        raise not_set_up
    return database


def _guard(func):  # type: ignore[no-untyped-def]
    """Turn expected failures into a message and an exit code instead of a traceback."""

    def run(args: argparse.Namespace) -> int:
        try:
            return int(func(args))
        except DomainError as exc:
            print(f"error: {exc}")
            return 2
        except DatabaseUnavailable as exc:
            print(f"error: cannot use the database: {exc.orig}")
            return 1

    run.__name__ = func.__name__
    return run


@_guard
def cmd_init(args: argparse.Namespace) -> int:
    settings = get_settings()
    private_dir(settings.resolved_data_dir)
    database = _open(settings, upgrade=True)
    try:
        print(f"Database ready at {_where(settings)} (schema {database.schema_revision()}).")
        if database.cipher.enabled:
            # Rows stored before the key was set (the migration ran without one) are encrypted.
            with database.engine.connect() as conn:
                done = rekey(
                    conn, database.cipher, database.cipher, rotate=False, commit=conn.commit
                )
            if done.rows_changed:
                print(f"Encrypted {done.rows_changed} row(s) that were stored in clear.")
        with database.uow() as uow:
            users = len(uow.users.list())
        if importlib.util.find_spec("forms.seal") is not None:
            from services.clinic_seal import clinic_sealer

            # init is how a clinic changes its seal on purpose: this one becomes the current.
            sealer = clinic_sealer(settings, database, adopt=True)
            where = "PKCS#12" if sealer.source == "pkcs12" else "kept in the database"
            print(f"Document seal ready ({where}; certificate SHA-256 {sealer.fingerprint}).")
    finally:
        database.dispose()
    if settings.encryption_key is None:
        print("Encryption at rest is off. For real patients set CONSENT_ENCRYPTION_KEY")
        print("(make one with: python cli.py gen-key) and keep a copy of it somewhere safe.")
    for warning in wide_modes(clinic_files(settings.resolved_data_dir, _sqlite_file(settings))):
        print(f"warning: {warning}")
    if users == 0:
        print("Next: create the first administrator:")
        print("  python cli.py add-user NAME --role admin")
    return 0


@_guard
def cmd_audit_check(args: argparse.Namespace) -> int:
    settings = get_settings()
    database = _open(settings, upgrade=False)
    try:
        with database.uow() as uow:
            report = uow.audit.check_chain()
    finally:
        database.dispose()
    print(report.message)
    if not report.ok and report.first_broken is not None:
        print(f"First broken event id: {report.first_broken}")
    return 0 if report.ok else 1


def _sqlite_file(settings: Settings) -> Path | None:
    return sqlite_file(settings.resolved_database_url)


@_guard
def cmd_backup(args: argparse.Namespace) -> int:
    settings = get_settings()
    path = _sqlite_file(settings)
    if path is None:
        print(PG_BACKUP_HINT)
        return 2
    out = backup_sqlite(path, args.out)
    print(f"Backup written to {out} ({out.stat().st_size:,} bytes).")
    return 0


@_guard
def cmd_restore(args: argparse.Namespace) -> int:
    settings = get_settings()
    path = _sqlite_file(settings)
    if path is None:
        print(PG_BACKUP_HINT)
        return 2
    report, kept = restore_sqlite(args.file, path, dt.datetime.now(dt.UTC))
    if not report.ok:
        print("Not restored: the backup failed its checks.")
        for problem in report.problems:
            print(f"  - {problem}")
        return 1
    print(f"Checked: integrity ok, schema {report.revision} (app: {head_revision()}).")
    if report.audit is not None:
        print(f"Audit trail {report.audit.message}")
    print(f"Restored {args.file} to {path}.")
    if kept is not None:
        print(f"The previous database was kept as {kept}.")
    return 0


@_guard
def cmd_purge_drafts(args: argparse.Namespace) -> int:
    settings = get_settings()
    database = _open(settings, upgrade=True)
    try:
        from services.jobs import purge_drafts

        job = purge_drafts(database, dt.datetime.now(dt.UTC))  # once across servers
    finally:
        database.dispose()
    if not job.ran:
        print(job.skipped_message)
        return 0
    print(f"Purged {job.result} expired or closed draft(s).")
    return 0


def cmd_gen_key(args: argparse.Namespace) -> int:
    print(generate_key())
    return 0


def _rotation_ciphers(settings: Settings, old: str) -> tuple[BlobCipher, BlobCipher]:
    """(the new key alone, every key that may open what is stored now)."""
    if settings.encryption_key is None:
        raise DomainError(
            "Set CONSENT_ENCRYPTION_KEY to the new key first (make one with "
            "`python cli.py gen-key`); give the current one with --old-key."
        )
    new_keys = split_keys(settings.encryption_key.get_secret_value())
    if old.strip() == "-":
        old = sys.stdin.readline()
    old_keys = split_keys(old)
    if not old_keys:
        raise DomainError("--old-key is empty: give the key the records are encrypted with now.")
    try:
        BlobCipher(",".join(old_keys))
    except KeyMismatch:
        raise DomainError("--old-key is not a valid key (a key from `gen-key`).") from None
    if new_keys[0] in old_keys:
        raise DomainError(
            "--old-key is the key CONSENT_ENCRYPTION_KEY starts with: set the new key there and "
            "give the old one here."
        )
    return BlobCipher(new_keys[0]), BlobCipher(",".join(new_keys + old_keys))


def _rotation_summary(report: RekeyReport) -> str:
    parts = [f"{table} {n}" for table, n in report.changed.items() if n]
    return ", ".join(parts) or "nothing"


@_guard
def cmd_rotate_key(args: argparse.Namespace) -> int:
    settings = get_settings()
    target, read = _rotation_ciphers(settings, args.old_key)
    database = _open(settings, upgrade=True)
    started = dt.datetime.now(dt.UTC)
    try:
        with database.engine.connect() as conn:
            try:
                report = rekey(conn, target, read, rotate=True, commit=conn.commit)
            except KeyMismatch as exc:
                print(f"error: {exc}")
                return 1
        with database.uow() as uow:
            uow.audit.append(
                at=started,
                actor_id="cli",
                actor_role="admin",
                action="key.rotated",
                new={"rows_changed": report.changed, "rows_already_current": report.rows_current},
            )
            uow.commit()
    finally:
        database.dispose()
    print(f"Re-encrypted under the new key: {_rotation_summary(report)} row(s).")
    if report.rows_current:
        print(f"{report.rows_current} row(s) were already under it (a run before got there).")
    print("Search index rebuilt for every consent that changed.")
    print("The old key is no longer needed; CONSENT_ENCRYPTION_KEY may now hold the new key alone.")
    return 0
