"""Migration 0004_courses keeps every existing consent valid (issue #14 acceptance), on SQLite
and PostgreSQL: a clinic's data made by today's services (signed, verified, timed-out, attested,
filed, refused, held and withdrawn consents with their sealed documents and audit trail) is taken
back to revision 0003 and upgraded again; then ``services.integrity.check_all`` (what
``cli.py check-all`` runs) is clean and the new columns read 'consent' / NULL."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import inspect, text

from forms.records import Consent, Status
from services import demo
from services.clock import FixedClock
from services.context import build_context
from services.integrity import check_all
from settings import get_settings
from store.crypto import generate_key
from store.db import alembic_config, current_revision, head_revision

T0 = dt.datetime(2026, 12, 15, 14, 0, tzinfo=dt.UTC)
SINCE = dt.date(2000, 1, 1)


def _columns_of(c: Consent) -> tuple[str, str | None, str | None]:
    """What the record says the listing columns hold (a visit or re-consent, should demo data
    ever carry one, keeps its links)."""
    visit_of = str(c.visit_of.consent_id) if c.visit_of else None
    return c.kind, visit_of, str(c.replaces.consent_id) if c.replaces else None


def test_check_all_is_clean_after_0003_to_head_and_every_consent_is_a_consent(
    db_url: str, prepared_data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # SQLite in clear, PostgreSQL encrypted: the other two pairings add half a minute each and
    # no path (tests/store/test_store_courses.py round-trips the columns with and without a key).
    keyed = db_url.startswith("postgresql")
    monkeypatch.setenv("CONSENT_DATABASE_URL", db_url)
    if keyed:
        monkeypatch.setenv("CONSENT_ENCRYPTION_KEY", generate_key())
    ctx = build_context(get_settings(), clock=FixedClock(T0))
    try:
        demo.fill(ctx, len(demo.SCENARIOS), seed=5)
        with ctx.database.uow() as uow:
            made = uow.consents.search(date_from=SINCE, limit=1000)
            documents = uow.documents.inventory()
        assert {c.status for c in made} >= {
            Status.SUBMITTED,
            Status.VERIFIED,
            Status.ATTESTED,
            Status.FILED,
            Status.DECLINED,
            Status.ENTERED_IN_ERROR,
        }
        assert len(documents) >= len(made)  # each signed record has its sealed document
        first = check_all(ctx, checkpoint=False)
        assert first.findings == []
        with ctx.database.engine.begin() as conn:
            command.downgrade(alembic_config(conn, ctx.database.cipher), "0003")
            assert current_revision(conn) == "0003"
        names = {c["name"] for c in inspect(ctx.database.engine).get_columns("consents")}
        assert names.isdisjoint({"kind", "course_id", "replaces_id"})
    finally:
        ctx.database.dispose()

    ctx = build_context(get_settings(), clock=FixedClock(T0))  # to head
    try:
        assert ctx.database.schema_revision() == head_revision()
        report = check_all(ctx)
        assert report.findings == [], [str(f) for f in report.findings]
        assert report.checked["consents"] == first.checked["consents"] > 0
        with ctx.database.engine.connect() as conn:
            sql = text("SELECT id, kind, course_id, replaces_id FROM consents")
            rows = {r.id: (r.kind, r.course_id, r.replaces_id) for r in conn.execute(sql)}
        assert rows == {str(c.id): _columns_of(c) for c in made}
        before_courses = [c for c in made if c.kind == "consent" and not c.replaces]
        assert before_courses  # today's demo data: every one a full consent
        assert {rows[str(c.id)] for c in before_courses} == {("consent", None, None)}
        with ctx.database.uow() as uow:  # every record still reads back, unchanged
            again = uow.consents.search(date_from=SINCE, limit=1000)
            assert uow.consents.unreadable == []
        assert sorted((c.id, c.sha256()) for c in again) == sorted((c.id, c.sha256()) for c in made)
    finally:
        ctx.database.dispose()
