"""Search that scales (issue #17): a search is index lookups, reads only the rows it shows, and
pages through long result lists in an order that never changes. Plans, never timings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event
from store_builders import T0, make_consent

from settings import get_settings
from store.crypto import generate_key
from store.db import Database, open_database


@pytest.fixture(params=["plain", "encrypted"])
def store(request: pytest.FixtureRequest, db_url: str) -> Iterator[Database]:
    key = generate_key() if request.param == "encrypted" else None
    database = open_database(db_url, settings=get_settings(encryption_key=key))
    yield database
    database.dispose()


def add_all(db: Database, *consents) -> None:  # type: ignore[no-untyped-def]
    with db.uow() as uow:
        for c in consents:
            uow.consents.add(c)
        uow.commit()


@contextmanager
def statements(db: Database) -> Iterator[list[tuple[str, object]]]:
    """Every SELECT the database is sent inside the block, with its parameters."""
    seen: list[tuple[str, object]] = []

    def grab(conn, cursor, sql, params, context, many):  # type: ignore[no-untyped-def]
        if sql.lstrip().upper().startswith("SELECT"):
            seen.append((sql, params))

    event.listen(db.engine, "before_cursor_execute", grab)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", grab)


def plan(db: Database, sql: str, params: object) -> list[str]:
    """The database's plan for ``sql``. PostgreSQL with sequential scans priced out, so a tiny
    table's plan shows whether an index CAN answer (a Seq Scan then means none can)."""
    with db.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("SET enable_seqscan = off")
            rows = conn.exec_driver_sql("EXPLAIN " + sql, params).all()  # type: ignore[arg-type]
        else:
            rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params).all()  # type: ignore[arg-type]
        conn.rollback()
    return [str(r[-1]) for r in rows]


def full_reads(lines: list[str]) -> list[str]:
    """Plan lines that read a whole table (or walk a whole index to reach its rows) rather
    than look up an index: SQLite's SCAN, PostgreSQL's Seq Scan."""
    return [line for line in lines if line.startswith("SCAN ") or "Seq Scan" in line]


@pytest.mark.parametrize(
    "query", [{"name": "Nobody Zzyzx"}, {"date_of_birth": dt.date(1901, 2, 3)}], ids=str
)
def test_a_search_without_a_hit_looks_up_indexes_and_reads_no_consent_row(
    store: Database, query: dict[str, object]
) -> None:
    add_all(store, make_consent(name="José Núñez"), make_consent(name="Ana Roe", seed=2))
    with store.uow() as uow, statements(store) as sent:
        assert uow.consents.search(**query) == []
    [(sql, params)] = sent  # the ids only: no record, signature or tag is read to find nothing
    lines = plan(store, sql, params)
    assert not full_reads(lines), lines
    assert any("ix_consents_" in line or "ix_search_tags_tag" in line for line in lines), lines


def test_a_search_reads_only_the_rows_of_its_page(store: Database) -> None:
    made = [
        make_consent(name=f"Eve Smithers {i}", at=T0 + dt.timedelta(minutes=i)) for i in range(4)
    ]
    add_all(store, *made, make_consent(name="Ana Roe"))
    with store.uow() as uow, statements(store) as sent:
        page, more = uow.consents.search_page(name="smithers", size=2)
    assert [c.patient.legal_name for c in page] == ["Eve Smithers 3", "Eve Smithers 2"]
    assert more
    loaded = [p for sql, p in sent if "consents.record" in sql]
    [params] = loaded  # one read of the records, of the two shown
    shown = {str(c.id) for c in page}
    values = params.values() if isinstance(params, dict) else params
    assert shown <= {v for v in values if isinstance(v, str)}
    assert not {str(c.id) for c in made[:2]} & {v for v in values if isinstance(v, str)}


def test_pages_follow_one_stable_order_even_when_times_tie(store: Database) -> None:
    # Five signed the same second: the id breaks the tie, so no page repeats or skips one.
    same = [make_consent(name="Zoë Roe", seed=i) for i in range(5)]
    later = make_consent(name="zoe roe", at=T0 + dt.timedelta(hours=1))
    add_all(store, *same, later)
    with store.uow() as uow:
        pages = [uow.consents.search_page(name="ROE", size=2, offset=o) for o in (0, 2, 4)]
        everything = uow.consents.search(name="roe")
    assert [more for _, more in pages] == [True, True, False]
    paged = [c.id for page, _ in pages for c in page]
    assert paged == [c.id for c in everything] and len(set(paged)) == 6
    assert paged[0] == later.id  # newest first
    assert paged[1:] == sorted((c.id for c in same), key=str)


def test_the_days_list_reads_only_that_day_through_the_created_at_index(store: Database) -> None:
    today, old = (
        make_consent(name="Ana Today"),
        make_consent(name="Bo Past", at=T0 - dt.timedelta(days=3)),
    )
    add_all(store, today, old)
    with store.uow() as uow, statements(store) as sent:
        listed = uow.consents.list_for_day(T0.date(), "UTC")
    assert [c.id for c in listed] == [today.id]
    day, *children = sent  # the day's rows, then their signatures: nothing of past days
    lines = plan(store, *day)
    assert not full_reads(lines) and any("ix_consents_created_at" in x for x in lines), lines
    for sql, params in children:
        assert not full_reads(plan(store, sql, params)), sql
