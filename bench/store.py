"""Store benchmark: submissions per second on SQLite and PostgreSQL.

A submission is what the patient's "Sign and submit" writes, in one transaction: the consent
(28 acknowledgements, 2 screening answers, patient and interpreter signatures with PNG and
strokes), a 40 KB PDF with its SHA-256, three hash-chained audit events and the draft closed.

    python bench/store.py [-n 200] [--threads 4]

PostgreSQL runs when CONSENT_BENCH_POSTGRES_URL or CONSENT_TEST_POSTGRES_URL is set (in a
throwaway schema, dropped afterwards); otherwise it prints a note and skips it.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "store")]

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from store_builders import T0, fake_pdf, make_consent, tiny_png  # noqa: E402

from forms.records import Status  # noqa: E402
from settings import get_settings  # noqa: E402
from store.crypto import generate_key  # noqa: E402
from store.db import Database, open_database  # noqa: E402

PDF = fake_pdf(40_000)
PNG = tiny_png(600, 200)


def submit(db: Database, n: int) -> None:
    consent = make_consent(name=f"Bench Patient {n}", acks=28, seed=n % 50 + 1)
    consent.move_to(Status.SUBMITTED, T0)
    assert consent.patient_signature is not None
    consent.patient_signature.png = PNG
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


def bench(label: str, url: str, count: int, threads: list[int]) -> None:
    for encrypted in (False, True):
        settings = get_settings(encryption_key=generate_key() if encrypted else None)
        db = open_database(url, settings=settings)
        try:
            for i in range(30):  # warm up: connections, statement caches, WAL/file growth
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
    args = parser.parse_args()
    threads = sorted({1, args.threads})
    print(f"Each submission: 28 acknowledgements, 2 signatures ({len(PNG):,} B PNG each),")
    print(f"a {len(PDF):,} B PDF, 3 audit events, draft closed; one transaction.")
    with sqlite_url() as url:
        bench("SQLite", url, args.n, threads)
    pg = os.environ.get("CONSENT_BENCH_POSTGRES_URL") or os.environ.get("CONSENT_TEST_POSTGRES_URL")
    if not pg:
        print("PostgreSQL: skipped (set CONSENT_BENCH_POSTGRES_URL or CONSENT_TEST_POSTGRES_URL)")
        return 0
    with postgres_url(pg) as url:
        bench("PostgreSQL", url, args.n, threads)
    return 0


if __name__ == "__main__":
    sys.exit(main())
