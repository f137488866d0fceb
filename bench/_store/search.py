"""Store benchmark, second half: staff search and today's queue at 10, 1,000 and 10,000 consents.

Each consent is the real pack's signed consent (every acknowledgement, every screening answer, two
signatures with PNG and strokes), stored through ``ConsentRepository.add`` (the code path a
submission takes), many to a transaction so 10,000 seed in seconds rather than minutes. Ten are
today's (the queue a nurse sees); the rest are spread over earlier days, 20 a day. Names are
unique except one surname that 200 consents share (or all of them, when there are fewer).

What is timed is what a staff screen calls (``services.staff_views``): milliseconds per call,
the median of several, for a name that matches nothing, one person, the shared surname (first
page), a birth date, and today's queue. Called from ``bench/store.py``.
"""

from __future__ import annotations

import datetime as dt
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from sqlalchemy import Table, insert, text

from accounts.staff import Role
from forms.records import Consent, Status
from services import admin, auth, staff_views
from services.clock import FixedClock
from services.context import AppContext, build_context
from settings import get_settings
from store import blind_index
from store.crypto import generate_key
from store.tables import acknowledgements, consents, screening_answers, search_tags, signatures

_CHILDREN = (search_tags, acknowledgements, screening_answers, signatures)

TODAY_COUNT = 10  # today's consents: the queue is the same length however many came before
PER_DAY = 20
SHARED = "Smithers"  # the surname many patients share: every 5th of the first 1,000
SHARED_EVERY, SHARED_COUNT = 5, 200
BATCH = 250  # consents per seeding transaction
PASSWORD = "bench-password-123"


def _word(n: int) -> str:
    """A unique four-letter word for patient ``n`` (no word begins another)."""
    letters = []
    for _ in range(4):
        n, r = divmod(n, 26)
        letters.append(chr(ord("a") + r))
    return "".join(reversed(letters))


def _shared(n: int) -> bool:
    return n % SHARED_EVERY == 0 and n < SHARED_EVERY * SHARED_COUNT


def _name(n: int) -> str:
    shared = _shared(n)
    return f"Q{_word(n)} {SHARED if shared else 'R' + _word(n)}"


def _dob(n: int) -> dt.date:
    return dt.date(1940, 1, 1) + dt.timedelta(days=n % 9000)


def _created(n: int, now: dt.datetime) -> dt.datetime:
    if n < TODAY_COUNT:
        return now - dt.timedelta(minutes=5 * (n + 1))
    back = 1 + (n - TODAY_COUNT) // PER_DAY
    return now - dt.timedelta(days=back, minutes=n % PER_DAY)


def seed(ctx: AppContext, sample: Consent, start: int, stop: int) -> None:
    """Consents ``start`` .. ``stop - 1``, one shape, each its own patient: the rows
    ``ConsentRepository.add`` writes (its own ``_split``/``_columns``, the blind index's tags),
    inserted many at a time. What is the same for every copy is sealed once (signatures, the
    health answers): each copy's ciphertext would differ, never its size or its reading."""
    now = ctx.clock.now()
    consent = sample.model_copy(deep=True)
    if consent.status is not Status.SUBMITTED:
        consent.move_to(Status.SUBMITTED, now)
    cipher = ctx.database.cipher
    for first in range(start, stop, BATCH):
        with ctx.database.uow() as uow:
            repo = uow.consents
            record, sig_rows = repo._split(consent)
            screening = [
                {"question_id": a.question_id, "answer": cipher.seal_text(a.answer.value)}
                | {"flag": cipher.seal_text(a.flag.value) if a.flag else None}
                | {"answered_at": a.answered_at}
                for a in consent.screening
            ]
            rows: dict[Table, list[dict[str, object]]] = {t: [] for t in _CHILDREN}
            heads = []
            for n in range(first, min(stop, first + BATCH)):
                consent.id = uuid.uuid4()
                consent.patient.legal_name = _name(n)
                consent.patient.date_of_birth = _dob(n)
                consent.created_at = consent.updated_at = _created(n, now)
                copy = _with_patient(record, consent)
                heads.append(repo._columns(consent, copy) | {"draft_token": None})
                cid = str(consent.id)
                rows[acknowledgements] += [
                    {
                        "consent_id": cid,
                        "item_id": a.item_id,
                        "acknowledged_at": a.acknowledged_at,
                        "question_for_doctor": a.question_for_doctor,
                    }
                    for a in consent.acknowledgements
                ]
                rows[screening_answers] += [r | {"consent_id": cid} for r in screening]
                rows[signatures] += [r | {"consent_id": cid} for r in sig_rows]
                if cipher.enabled:
                    tags = blind_index.consent_tags(
                        cipher.index_keys[0],
                        consent.patient.legal_name,
                        consent.patient.date_of_birth,
                    )
                    rows[search_tags] += [{"consent_id": cid, "tag": t} for t in sorted(tags)]
            conn = repo._conn
            conn.execute(insert(consents), heads)
            for table, batch in rows.items():
                if batch:
                    conn.execute(insert(table), batch)
            uow.commit()
    if ctx.database.engine.dialect.name == "postgresql":
        # What autovacuum does soon after a bulk insert: plans from statistics of these rows.
        with ctx.database.engine.connect() as conn:
            conn.execute(text("ANALYZE"))
            conn.commit()


def _with_patient(record: dict[str, Any], consent: Consent) -> dict[str, Any]:
    """The sample's record JSON with this copy's id, patient and times, as ``_split`` makes it."""
    patient = dict(record["patient"])
    patient["legal_name"] = consent.patient.legal_name
    patient["date_of_birth"] = consent.patient.date_of_birth.isoformat()
    when = consent.created_at.isoformat().replace("+00:00", "Z")
    return (
        record
        | {"id": str(consent.id), "patient": patient, "created_at": when}
        | {"updated_at": when}
    )


def _median_ms(call: Callable[[], object], repeat: int, budget_s: float = 3.0) -> float:
    """The median of ``repeat`` calls, or of as many as ``budget_s`` allows (at least 3)."""
    call()  # warm: statement caches, the pack's pages
    times: list[float] = []
    spent = time.perf_counter()
    while len(times) < repeat and (len(times) < 3 or time.perf_counter() - spent < budget_s):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def _team(ctx: AppContext) -> tuple[auth.StaffSession, auth.StaffSession]:
    sessions = []
    for username, role in (("bench-nurse", Role.NURSE), ("bench-desk", Role.FRONT_DESK)):
        admin.add_user(
            ctx,
            None,
            username=username,
            display_name=username,
            roles=[role],
            password=PASSWORD,
            via_cli=True,
        )
        sessions.append(auth.sign_in(ctx, username, PASSWORD))
    return sessions[0], sessions[1]


def measure(
    ctx: AppContext, team: tuple[auth.StaffSession, auth.StaffSession], total: int, repeat: int
) -> dict[str, tuple[float, int]]:
    """Median ms per call and rows shown, per query, with ``total`` consents stored."""
    nurse, desk = team
    one = total // 2 + 1  # a patient seeded halfway, not a shared-surname one
    if _shared(one):
        one += 1
    queries: dict[str, Callable[[], list[staff_views.QueueRow]]] = {
        "name, no hit": lambda: staff_views.search(ctx, desk, name="Nobody Zzyzx"),
        "name, 1 hit": lambda: staff_views.search(ctx, desk, name=_name(one)),
        f"name, {sum(map(_shared, range(total)))} hits, page 1": lambda: staff_views.search(
            ctx, desk, name=SHARED
        ),
        "date of birth": lambda: staff_views.search(ctx, desk, date_of_birth=_dob(one)),
        "today's queue": lambda: staff_views.nurse_queue(ctx, nurse),
    }
    results = {}
    for label, call in queries.items():
        shown = len(call())
        results[label] = (_median_ms(call, repeat), shown)
    return results


def bench_queries(
    label: str,
    database: Callable[[], AbstractContextManager[str | None]],
    sizes: list[int],
    sample: Consent,
    now: dt.datetime,
    repeat: int,
    modes: tuple[bool, ...] = (False, True),
) -> None:
    """Seed up to each size in turn (one database grows) and time the queries at each.
    ``database`` gives a fresh empty database's URL (None: SQLite in the data directory);
    ``modes``: without and/or with an encryption key (production always has one)."""
    for encrypted in modes:
        mode = "encrypted" if encrypted else "plain"
        with tempfile.TemporaryDirectory() as tmp, database() as url:
            settings = get_settings(
                data_dir=Path(tmp),
                database_url=url,
                encryption_key=generate_key() if encrypted else None,
            )
            ctx = build_context(settings, clock=FixedClock(now))
            try:
                team = _team(ctx)
                stored = 0
                for size in sizes:
                    start = time.perf_counter()
                    seed(ctx, sample, stored, size)
                    seeded = time.perf_counter() - start
                    stored = size
                    print(f"{label:10} {mode:9} {size:>6,} consents (seeded in {seeded:5.1f} s):")
                    for query, (ms, shown) in measure(ctx, team, size, repeat).items():
                        print(f"    {query:22} {ms:8.2f} ms  ({shown} rows)")
            finally:
                ctx.database.dispose()
