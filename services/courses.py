"""A patient's treatment course, as the tablet, the queue and search ask for it.

The rules are ``forms.course`` (``standing``, ``current_course``); this module only finds the
records they need through the store and names the content line a new consent would use today.
"""

from __future__ import annotations

import datetime as dt

from forms.course import CourseStanding, CourseTerms, current_course, is_course, standing
from forms.records import Consent
from services.context import AppContext
from store.uow import UnitOfWork


def today(ctx: AppContext) -> dt.date:
    return ctx.clock.now().astimezone(ctx.settings.tz).date()


def active_line(
    ctx: AppContext, language: str, pack_id: str = "sclerotherapy", uow: UnitOfWork | None = None
) -> str | None:
    """The content line (``PackLibrary.content_line``) of the version a new consent would use in
    ``language`` today; None when no pack exists in that language. ``uow``: the caller's open
    unit of work (SQLite allows one writer: a second one inside it would wait on the first)."""
    try:
        return ctx.library.content_line(ctx.active_pack(language, pack_id, uow=uow))
    except KeyError:
        return None


def terms_for(ctx: AppContext, pack_version_line: str, signed_at: dt.datetime) -> CourseTerms:
    """The course a consent signed now covers, from the clinic's settings."""
    return CourseTerms.starting(
        signed_at.astimezone(ctx.settings.tz).date(),
        months=ctx.settings.course_months,
        sessions=ctx.settings.course_sessions,
        content_line=pack_version_line,
    )


def course_for_patient(
    ctx: AppContext,
    uow: UnitOfWork,
    legal_name: str,
    date_of_birth: dt.date,
    site: str,
    *,
    language: str,
) -> CourseStanding | None:
    """The patient's current course for ``site`` (exact name and birth date), or None."""
    records = uow.consents.for_patient(legal_name, date_of_birth)
    line = active_line(ctx, language, uow=uow)
    return current_course(records, site, today=today(ctx), active_line=line)


def standing_of(ctx: AppContext, uow: UnitOfWork, consent: Consent) -> CourseStanding | None:
    """The standing of the course ``consent`` belongs to (its own, or a visit's course)."""
    if consent.visit_of is not None:
        course = uow.consents.get(consent.visit_of.consent_id)
    elif is_course(consent) and consent.patient_signature is not None:
        course = consent
    else:
        return None
    records = uow.consents.for_patient(course.patient.legal_name, course.patient.date_of_birth)
    return standing(
        course,
        records,
        today=today(ctx),
        active_line=active_line(ctx, course.pack.language, uow=uow),
    )
