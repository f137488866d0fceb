"""Submission is one transaction: consent, children, PDF and audit events, or nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.exc import IntegrityError
from store_builders import T0, fake_pdf, make_consent
from store_helpers import count_rows

from forms.records import Status
from store.db import Database

TABLES = ("consents", "acknowledgements", "screening_answers", "signatures", "documents", "drafts")


class PowerCut(Exception):
    pass


def submit(db: Database, *, fail_after: str | None = None) -> str:
    """What the submit use case does, with a failure injected after one step."""
    consent = make_consent()
    consent.move_to(Status.SUBMITTED, T0)
    with db.uow() as uow:
        uow.drafts.save("tok", {"step": 9}, T0, dt.timedelta(hours=2))
        uow.consents.add(consent, draft_token="tok")
        uow.documents.add(consent.id, "submitted", fake_pdf(), T0)
        if fail_after == "pdf":
            raise PowerCut
        uow.audit.append(
            at=T0,
            actor_id="patient",
            actor_role="patient",
            action="consent.submitted",
            consent_id=consent.id,
            new={"status": "submitted"},
            session_id="sess-1",
        )
        uow.audit.append(
            at=T0,
            actor_id="system",
            actor_role="system",
            action="document.issued",
            consent_id=consent.id,
        )
        uow.drafts.close("tok", T0)
        if fail_after == "audit":
            raise PowerCut
        uow.commit()
    return str(consent.id)


@pytest.mark.parametrize("step", ["pdf", "audit"])
def test_a_failure_after_the_pdf_write_leaves_no_trace(db: Database, step: str) -> None:
    with pytest.raises(PowerCut):
        submit(db, fail_after=step)
    for table in (*TABLES, "audit_events"):
        assert count_rows(db, table) == 0, table
    with db.uow() as uow:
        assert uow.audit.count() == 0  # the chain head did not move either
        assert uow.audit.check_chain().ok
    # and the next submission works and chains from the start
    consent_id = submit(db)
    with db.uow() as uow:
        assert [e.id for e in uow.audit.for_consent(consent_id)] == [1, 2]
        assert uow.documents.latest(consent_id).pdf == fake_pdf()  # type: ignore[union-attr]
        assert uow.drafts.load("tok", T0) is None  # closed with the submission
        assert uow.audit.check_chain().ok


def test_a_failure_in_the_database_itself_rolls_back_too(db: Database) -> None:
    """A constraint violation late in the transaction (a document for a missing consent)."""
    consent = make_consent()
    with db.uow() as uow:
        uow.consents.add(consent, draft_token="t2")
        uow.audit.append(
            at=T0, actor_id="patient", actor_role="patient", action="consent.submitted"
        )
        with pytest.raises(IntegrityError):  # foreign key: no such consent
            uow.documents.add("00000000-0000-0000-0000-000000000000", "submitted", b"%PDF", T0)
    for table in ("consents", "audit_events", "documents"):
        assert count_rows(db, table) == 0, table


def test_leaving_without_commit_rolls_back(db: Database) -> None:
    with db.uow() as uow:
        uow.consents.add(make_consent())
    assert count_rows(db, "consents") == 0
