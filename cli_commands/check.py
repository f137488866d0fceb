"""`check-all`: the nightly check of everything stored (services.integrity), one line a finding.

Exit 0: nothing found (warnings about file modes may be printed; they do not fail the run).
Exit 1: at least one finding, each named by its consent, document, audit event or checkpoint.
Exit 2: it could not check (no database, not set up, schema not current, no seal key), in one
line and without a traceback. It never creates or upgrades anything; a clean run appends a
signed checkpoint of the audit head (``--no-checkpoint`` to leave the data directory as it is).
"""

from __future__ import annotations

import argparse
import sys
import time

from errors import DomainError
from settings import get_settings


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "check-all",
        help="check the audit trail, every document, seal and record (run it nightly)",
        description=(
            "Check the audit chain end to end and that it was not cut short (against the head "
            "sealed into every document and the signed checkpoints), every stored document's "
            "SHA-256 and seal, that documents and their audit events match, and each consent's "
            "record against its newest sealed document. Warns on files other users may read. "
            "Exit 0 clean, 1 on any finding, 2 when it cannot check."
        ),
    )
    p.add_argument(
        "--no-checkpoint",
        action="store_true",
        help="do not append a signed checkpoint of the audit head after a clean run",
    )
    p.set_defaults(func=cmd_check_all)


def _refuse(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2


def _context():  # type: ignore[no-untyped-def]
    """The app's context without creating or upgrading anything; DomainError says what is wrong."""
    from checklist.loader import load_library
    from services.clinic_seal import stored_sealer
    from services.context import AppContext
    from store.db import DatabaseUnavailable, display_url, head_revision, open_database, sqlite_file

    settings = get_settings()
    url = settings.resolved_database_url
    db_file = sqlite_file(url)
    if db_file is not None and not db_file.exists():
        raise DomainError(f"there is no database at {db_file}: run `python cli.py init` first")
    database = open_database(url, settings=settings, upgrade=False)
    try:
        revision = database.schema_revision()
    except DatabaseUnavailable as exc:
        database.dispose()
        why = " ".join(str(exc.orig).split())  # drivers word it over several lines
        raise DomainError(f"cannot use the database at {display_url(url)}: {why}") from None
    if revision != head_revision():
        database.dispose()
        raise DomainError(
            f"the database schema is {revision or 'not set up'}, this app needs "
            f"{head_revision()}: run `python cli.py init`"
        )
    library = load_library(settings.placeholder_values, [settings.content_dir])
    try:
        sealer = stored_sealer(settings, database)  # the seal the database knows, unchanged
    except DomainError:
        database.dispose()
        raise
    return AppContext(settings, library, database, sealer)


def cmd_check_all(args: argparse.Namespace) -> int:
    import logging

    from services.integrity import check_all
    from services.jobs import CHECK_ALL, run_job
    from store.db import DatabaseUnavailable

    for name in ("pyhanko", "pyhanko_certvalidator"):  # they log tracebacks for broken seals
        logging.getLogger(name).setLevel(logging.CRITICAL)
    started = time.monotonic()
    checkpoint = not args.no_checkpoint
    try:
        ctx = _context()
    except DomainError as exc:
        return _refuse(str(exc))
    try:  # once across servers: each may carry the nightly timer
        job = run_job(ctx.database, CHECK_ALL, lambda: check_all(ctx, checkpoint=checkpoint))
    except DatabaseUnavailable as exc:
        return _refuse(f"the database stopped answering: {' '.join(str(exc.orig).split())}")
    except DomainError as exc:
        return _refuse(str(exc))
    finally:
        ctx.database.dispose()
    if not job.ran or job.result is None:
        print(job.skipped_message)
        return 0
    report = job.result
    for finding in report.findings:
        print(f"FAIL {finding}")
    for warning in report.warnings:
        print(f"warning: {warning}")
    for note in report.notes:
        print(f"note: {note}")
    counts = ", ".join(f"{what} {n}" for what, n in report.checked.items())
    print(f"Checked: {counts} (in {time.monotonic() - started:.1f} s).")
    if report.ok:
        print("OK: no problems found.")
        return 0
    print(f"PROBLEMS: {len(report.findings)} finding(s); see the FAIL lines above.")
    return 1
