"""Store benchmark: submissions per second, then search and today's queue, on SQLite and
PostgreSQL.

A submission is what the patient's "Sign and submit" writes, in one transaction: the consent
(a synthetic one from forms/synthetic.py: every item of the shipped pack acknowledged, all its
screening answers, patient and interpreter signatures with PNG and strokes), its real sealed-size
PDF with the SHA-256, three hash-chained audit events and the draft closed.

Then staff search and today's queue at 10, 1,000 and 10,000 consents (bench/_store/search.py),
plain and encrypted at rest; ``--quick`` stops at 1,000, encrypted only.

    python bench/store.py [-n 200] [--threads 4] [--quick] [--skip-submissions]

PostgreSQL runs when CONSENT_BENCH_POSTGRES_URL or CONSENT_TEST_POSTGRES_URL is set (in a
throwaway schema, dropped afterwards); otherwise it prints a note and skips it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from bench._store.search import bench_queries  # noqa: E402
from checklist.loader import load_library  # noqa: E402
from forms.clinic import ClinicInfo  # noqa: E402
from forms.pdf import render_consent_pdf  # noqa: E402
from forms.records import Consent, Status  # noqa: E402
from forms.synthetic import synthetic_consent  # noqa: E402
from settings import get_settings  # noqa: E402
from store.crypto import generate_key  # noqa: E402
from store.db import Database, open_database  # noqa: E402

T0 = dt.datetime(2026, 11, 23, 14, 0, tzinfo=dt.UTC)
VALUES = get_settings().placeholder_values
PACK = load_library(VALUES, []).active("sclerotherapy", "en")
SAMPLE, SAMPLE_AUDIT = synthetic_consent(PACK, VALUES, T0, stage="signed", png=True)
CLINIC = ClinicInfo(name="Bench Clinic", address="1 Example Street", phone="555-0100")
PDF = render_consent_pdf(SAMPLE, PACK, CLINIC, T0, SAMPLE_AUDIT)


def _consent(n: int) -> Consent:
    """A different patient each time, the same shape (copying is cheaper than drawing PNGs)."""
    consent = SAMPLE.model_copy(deep=True)
    consent.id = uuid.uuid4()
    consent.patient.legal_name = f"Bench Patient {n}"
    return consent


def submit(db: Database, n: int) -> None:
    consent = _consent(n)
    consent.move_to(Status.SUBMITTED, T0)
    token = uuid.uuid4().hex
    with db.uow() as uow:
        uow.consents.add(consent, draft_token=token)
        uow.documents.add(consent.id, "submitted", PDF, T0)
        for action in ("consent.submitted", "document.issued"):
            uow.audit.append(
                at=T0,
                actor_id="patient",
                actor_role="patient",
                action=action,
                consent_id=consent.id,
                new={"status": "submitted", "document_sha256": "0" * 64},
                session_id=token[:16],
            )
        uow.audit.append(
            at=T0, actor_id="system", actor_role="system", action="consent.draft_closed"
        )
        uow.drafts.close(token, T0)
        uow.commit()


def run(db: Database, count: int, threads: int) -> float:
    """Submissions per second with ``threads`` tablets submitting at once."""
    per_thread = max(1, count // threads)
    barrier = threading.Barrier(threads + 1)
    errors: list[BaseException] = []

    def worker(offset: int) -> None:
        barrier.wait()
        try:
            for i in range(per_thread):
                submit(db, offset + i)
        except BaseException as exc:
            errors.append(exc)

    pool = [threading.Thread(target=worker, args=(t * per_thread,)) for t in range(threads)]
    for t in pool:
        t.start()
    barrier.wait()
    start = time.perf_counter()
    for t in pool:
        t.join()
    elapsed = time.perf_counter() - start
    if errors:
        raise errors[0]
    with db.uow() as uow:
        report = uow.audit.check_chain()
    assert report.ok, report.message
    return per_thread * threads / elapsed


@contextmanager
def sqlite_url() -> Iterator[str]:
    with tempfile.TemporaryDirectory() as tmp:
        yield f"sqlite:///{Path(tmp) / 'bench.db'}"


@contextmanager
def postgres_url(base: str) -> Iterator[str]:
    schema = "bench_" + uuid.uuid4().hex[:12]
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def bench(label: str, url: str, count: int, threads: list[int], warm_up: int = 30) -> None:
    for encrypted in (False, True):
        settings = get_settings(encryption_key=generate_key() if encrypted else None)
        db = open_database(url, settings=settings)
        try:
            for i in range(warm_up):  # connections, statement caches, WAL/file growth
                submit(db, -1 - i)
            for n in threads:
                rate = run(db, count, n)
                mode = "encrypted" if encrypted else "plain    "
                print(f"{label:10} {mode} {n} thread(s): {rate:7.1f} submissions/s")
        finally:
            db.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=200, help="submissions per measurement")
    parser.add_argument("--threads", type=int, default=4, help="concurrent tablets (2nd run)")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a small fast run (CI): -n 20, 2 threads; search and queue encrypted, 10 and 1,000",
    )
    parser.add_argument("--skip-submissions", action="store_true", help="search and queue only")
    args = parser.parse_args()
    sizes, modes = [10, 1_000, 10_000], (False, True)
    if args.quick:  # encrypted only: production always has a key
        args.n, args.threads, sizes, modes = 20, 2, [10, 1_000], (True,)
    repeat = 3 if args.quick else 15
    warm_up = 3 if args.quick else 30
    threads = sorted({1, args.threads})
    png = SAMPLE.patient_signature.png if SAMPLE.patient_signature else b""
    print(
        f"Each submission: {len(SAMPLE.acknowledgements)} acknowledgements, "
        f"{len(SAMPLE.screening)} screening answers, 2 signatures ({len(png or b''):,} B PNG each),"
    )
    print(f"a {len(PDF):,} B PDF, 3 audit events, draft closed; one transaction.")
    pg = os.environ.get("CONSENT_BENCH_POSTGRES_URL") or os.environ.get("CONSENT_TEST_POSTGRES_URL")
    if not args.skip_submissions:
        with sqlite_url() as url:
            bench("SQLite", url, args.n, threads, warm_up)
        if pg:
            with postgres_url(pg) as url:
                bench("PostgreSQL", url, args.n, threads, warm_up)
    print(
        f"Search and today's queue (services.staff_views, ms per call, median of {repeat}); "
        f"each consent {len(SAMPLE.acknowledgements)} acknowledgements:"
    )
    bench_queries("SQLite", lambda: nullcontext(None), sizes, SAMPLE, T0, repeat, modes)
    if not pg:
        print("PostgreSQL: skipped (set CONSENT_BENCH_POSTGRES_URL or CONSENT_TEST_POSTGRES_URL)")
        return 0
    bench_queries("PostgreSQL", lambda: postgres_url(pg), sizes, SAMPLE, T0, repeat, modes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
