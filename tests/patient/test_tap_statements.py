"""What a patient's tap costs the database: a load is one SELECT, a tick one SELECT and one UPDATE.

Statements are seen by SQLite itself (``set_trace_callback``), so BEGIN, COMMIT and PRAGMAs that
SQLAlchemy's own events do not show are counted too. The rules stay: a closed draft is refused
with words and nothing is written.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flow_helpers import walk_to
from sqlalchemy import event

from errors import DomainError
from services import consent as svc
from services import drafts, idle
from services.context import AppContext


@pytest.fixture
def traced(ctx: AppContext) -> Iterator[list[str]]:
    """Every statement SQLite runs from now on, first word upper-cased (BEGIN, SELECT, ...)."""
    seen: list[str] = []
    engine = ctx.database.engine
    engine.dispose()  # fresh connections, each with the trace below

    def trace(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_conn.set_trace_callback(lambda sql: seen.append(sql.split()[0].upper()))

    event.listen(engine, "connect", trace)
    yield seen
    event.remove(engine, "connect", trace)


def _tick(ctx: AppContext, token: str, items: list[str], n: int) -> None:
    ticked = dict.fromkeys(items[:n], True)
    svc.acknowledge_section(ctx, token, ticked=ticked, questions={}, advance=False)


def test_a_load_is_one_select_and_a_tick_one_select_and_one_update(
    ctx: AppContext, traced: list[str]
) -> None:
    token = svc.start_consent(ctx, language="en")
    state = walk_to(ctx, token, "section-about")
    items = [i.id for i in drafts.pack_of(ctx, state).section("about").items]
    _tick(ctx, token, items, 1)  # the connection's first draft step sets its level once
    traced.clear()
    assert drafts.load_draft(ctx, token) is not None
    assert traced == ["SELECT"]  # no BEGIN IMMEDIATE: a read takes no write lock
    for n in (2, 3):
        traced.clear()
        _tick(ctx, token, items, n)
        # One transaction: the load and the save; no upsert, no audit, no PRAGMA churn.
        assert traced == ["BEGIN", "SELECT", "UPDATE", "COMMIT"]
    assert set(drafts.load_draft(ctx, token).acknowledged) == set(items[:3])


def test_a_consent_after_draft_steps_runs_fully_synchronous(
    ctx: AppContext, traced: list[str]
) -> None:
    token = svc.start_consent(ctx, language="en")
    walk_to(ctx, token, "section-about")
    with ctx.database.uow() as uow:  # any durable unit of work, on whichever pooled connection
        assert uow.connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
    with ctx.database.uow(durable=False) as uow:
        assert uow.connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL


def test_a_tick_on_a_closed_draft_is_refused_with_words_and_writes_nothing(
    ctx: AppContext, clock, traced: list[str]
) -> None:  # type: ignore[no-untyped-def]
    token = svc.start_consent(ctx, language="en")
    state = walk_to(ctx, token, "section-about")
    items = [i.id for i in drafts.pack_of(ctx, state).section("about").items]
    clock.advance(minutes=ctx.settings.patient_idle_minutes + 5)
    assert idle.close_idle(ctx, token)
    traced.clear()
    with pytest.raises(DomainError, match="This form has closed"):
        _tick(ctx, token, items, 1)
    assert "UPDATE" not in traced
    assert drafts.load_draft(ctx, token) is None


def test_a_read_only_unit_of_work_cannot_commit(ctx: AppContext) -> None:
    with ctx.database.uow(read_only=True) as uow, pytest.raises(RuntimeError):
        uow.commit()
