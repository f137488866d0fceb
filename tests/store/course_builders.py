"""Course records for the store tests: a signed consent with course terms, a later session's
visit of it, and a re-consent replacing it (as submission stores them: one ``Consent`` each)."""

from __future__ import annotations

import datetime as dt
import uuid

from store_builders import make_consent

from forms.course import CourseTerms, ReconsentReason, Replacement, VisitOf
from forms.records import Consent, Status

T0 = dt.datetime(2026, 3, 14, 9, 30, tzinfo=dt.UTC)


def course_consent(name: str = "Ana Demo", *, at: dt.datetime = T0, seed: int = 1) -> Consent:
    c = make_consent(name=name, at=at, site="left_leg", seed=seed)
    c.status = Status.SUBMITTED
    c.course = CourseTerms.starting(at.date(), months=12, sessions=6, content_line="1.0.0")
    return c


def visit(course: Consent, session: int, *, days: int) -> Consent:
    """Session ``session`` of ``course``, signed ``days`` later (the patient's own signature)."""
    at = course.created_at + dt.timedelta(days=days)
    assert course.patient_signature is not None
    signature = course.patient_signature.model_copy(update={"signed_at": at})
    return course.model_copy(
        deep=True,
        update={
            "id": uuid.uuid4(),
            "kind": "visit",
            "course": None,
            "visit_of": VisitOf(
                consent_id=course.id,
                consent_signed_at=course.patient_signature.signed_at,
                consent_pack_version=course.pack.version,
                session=session,
                changed_since_last=False,
                changed_answered_at=at,
            ),
            "created_at": at,
            "updated_at": at,
            "patient_signature": signature,
            "version": 1,
        },
    )


def reconsent(course: Consent, reason: ReconsentReason, *, days: int, seed: int = 9) -> Consent:
    at = course.created_at + dt.timedelta(days=days)
    c = make_consent(name=course.patient.legal_name, dob=course.patient.date_of_birth, at=at)
    c.site = course.site
    c.status = Status.SUBMITTED
    c.course = CourseTerms.starting(at.date(), months=12, sessions=6, content_line="1.0.0")
    c.replaces = Replacement(consent_id=course.id, reason=reason)
    return c
