"""The course's listing columns (migration 0004_courses) on SQLite and PostgreSQL: written from
the record for a consent, a visit and a re-consent; ``visits_of`` and ``course_records`` read
through them; downgrading to 0003 and upgrading again restores them from the records, with and
without an encryption key."""

from __future__ import annotations

import pytest
from alembic import command
from course_builders import course_consent, reconsent, visit
from sqlalchemy import inspect, text

from forms.course import ReconsentReason
from settings import get_settings
from store.crypto import generate_key
from store.db import Database, alembic_config, head_revision, open_database


def columns(db: Database) -> dict[str, tuple[str, str | None, str | None]]:
    with db.engine.connect() as conn:
        rows = conn.execute(text("SELECT id, kind, course_id, replaces_id FROM consents"))
        return {r.id: (r.kind, r.course_id, r.replaces_id) for r in rows}


def _stored(db: Database, *records) -> None:  # type: ignore[no-untyped-def]
    with db.uow() as uow:
        for r in records:
            uow.consents.add(r)
        uow.commit()


def test_columns_are_written_for_a_consent_a_visit_and_a_re_consent(db: Database) -> None:
    course = course_consent()
    second = visit(course, 2, days=21)
    again = reconsent(course, ReconsentReason.SESSIONS_USED, days=200)
    _stored(db, course, second, again)
    assert columns(db) == {
        str(course.id): ("consent", None, None),
        str(second.id): ("visit", str(course.id), None),
        str(again.id): ("consent", None, str(course.id)),
    }
    with db.uow() as uow:  # an update writes them again from the record
        stored = uow.consents.get(second.id)
        assert stored.visit_of == second.visit_of and stored.kind == "visit"
        stored.visit_of = stored.visit_of.model_copy(update={"consent_id": again.id})
        uow.consents.update(stored, expected_version=stored.version, actor_name="test")
        uow.commit()
    assert columns(db)[str(second.id)] == ("visit", str(again.id), None)


def test_visits_of_and_course_records_read_only_the_course_asked_for(db: Database) -> None:
    course = course_consent()
    third = visit(course, 3, days=42)
    second = visit(course, 2, days=21)
    other = course_consent("Bea Other", seed=2)
    others_visit = visit(other, 2, days=10)
    again = reconsent(course, ReconsentReason.EXPIRED, days=400)
    _stored(db, course, third, second, other, others_visit, again)
    with db.uow() as uow:
        assert [v.id for v in uow.consents.visits_of(course.id)] == [second.id, third.id]
        assert [v.id for v in uow.consents.visits_of(str(other.id))] == [others_visit.id]
        assert uow.consents.visits_of(third.id) == []  # a visit has no visits
        found = {c.id for c in uow.consents.course_records([course.id])}
        assert found == {course.id, second.id, third.id, again.id}
        assert uow.consents.course_records([]) == []


@pytest.mark.parametrize("keyed", [False, True], ids=["clear", "encrypted"])
def test_downgrade_to_0003_and_upgrade_again_restores_the_columns(db_url: str, keyed: bool) -> None:
    settings = get_settings(encryption_key=generate_key()) if keyed else None
    db = open_database(db_url, settings=settings)
    try:
        course = course_consent()
        second = visit(course, 2, days=21)
        again = reconsent(course, ReconsentReason.NEW_MAJOR_VERSION, days=90)
        _stored(db, course, second, again)
        before = columns(db)
        with db.engine.begin() as conn:
            command.downgrade(alembic_config(conn, db.cipher), "0003")
        names = {c["name"] for c in inspect(db.engine).get_columns("consents")}
        assert names.isdisjoint({"kind", "course_id", "replaces_id"})
    finally:
        db.dispose()
    db = open_database(db_url, settings=settings)  # back to head: 0004 copies from the records
    try:
        assert db.schema_revision() == head_revision()
        assert columns(db) == before
        with db.uow() as uow:
            assert [v.id for v in uow.consents.visits_of(course.id)] == [second.id]
            assert uow.consents.get(again.id).replaces == again.replaces
    finally:
        db.dispose()
