"""Courses on the staff lists: a consent made through the services and given its course terms,
later sessions' visit records and a re-consent, stored as submission stores them (one consent
record each; the tablet's own flow is tested in tests/patient)."""

from __future__ import annotations

import datetime as dt
import uuid

from forms.course import CourseTerms, ReconsentReason, Replacement, VisitOf
from forms.records import Consent
from services import courses
from services.context import AppContext


def _save(ctx: AppContext, consent: Consent) -> Consent:
    with ctx.database.uow() as uow:
        uow.consents.update(consent, expected_version=consent.version, actor_name="test")
        uow.commit()
        return uow.consents.get(consent.id)


def as_course(
    ctx: AppContext,
    consent: Consent,
    *,
    sessions: int = 6,
    months: int = 12,
    content_line: str | None = None,
    replaces: Replacement | None = None,
) -> Consent:
    """``consent`` with the course terms fixed when the patient signed (services.courses)."""
    assert consent.patient_signature is not None
    line = content_line or courses.active_line(ctx, consent.pack.language) or "1.0.0"
    consent.course = CourseTerms.starting(
        consent.patient_signature.signed_at.astimezone(ctx.settings.tz).date(),
        months=months,
        sessions=sessions,
        content_line=line,
    )
    consent.replaces = replaces
    return _save(ctx, consent)


def before_courses(ctx: AppContext, consent: Consent) -> Consent:
    """``consent`` as it was stored before courses existed (no course terms)."""
    consent.course = None
    return _save(ctx, consent)


def add_visit(ctx: AppContext, course: Consent, session: int, *, minutes: int) -> Consent:
    """Session ``session`` of ``course``, signed ``minutes`` after it (the clock's day)."""
    assert course.patient_signature is not None
    at = course.created_at + dt.timedelta(minutes=minutes)
    visit = course.model_copy(
        deep=True,
        update={
            "id": uuid.uuid4(),
            "kind": "visit",
            "course": None,
            "replaces": None,
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
            "patient_signature": course.patient_signature.model_copy(update={"signed_at": at}),
            "version": 1,
        },
    )
    with ctx.database.uow() as uow:
        uow.consents.add(visit)
        uow.commit()
    return visit


def replacing(course: Consent, reason: ReconsentReason) -> Replacement:
    return Replacement(consent_id=course.id, reason=reason)
