"""A returning patient's draft and their treatment course: after the details, a short visit of
an open course or a full consent (and why); at the visit's health questions, a new stop answer
means a full consent; at signing, the course must still be open.

Where a course stands is ``forms.course`` (through ``services.courses``); what each move does to
the draft is ``checklist.course_flow``. Audit events carry ids and codes, never personal data.
"""

from __future__ import annotations

import datetime as dt
import uuid

from checklist import course_flow, flow
from checklist.flow import DraftReconsent, DraftState
from checklist.models import FlagLevel, Pack
from forms.course import CourseStanding, ReconsentReason, VisitOf, new_stop_answers
from services import courses
from services.context import AppContext
from services.drafts import audit_patient, lang_of, reconsent_audit
from store.uow import UnitOfWork

VISIT_NOTICE = "patient.course.visit"


def notice_for(state: DraftState) -> str | None:
    """What the patient is told on the screen after a move: a short check-in for session N, or
    why the full consent is needed today."""
    if state.kind == "visit":
        return VISIT_NOTICE
    if state.reconsent is not None:
        return f"patient.course.reconsent.{state.reconsent.reason}"
    return None


def course_of(ctx: AppContext, uow: UnitOfWork, state: DraftState) -> CourseStanding | None:
    """The patient's current course for the draft's site (exact name, birth date and site)."""
    if state.date_of_birth is None or not state.site:
        return None
    return courses.course_for_patient(
        ctx, uow, state.legal_name, state.date_of_birth, state.site, language=lang_of(state)
    )


def route(ctx: AppContext, uow: UnitOfWork, state: DraftState, at: dt.datetime) -> DraftState:
    """After the patient confirms their details: a visit of their open course, a full consent
    replacing a course that needs one, or a first consent. A full consent asked for by a new
    stop answer stays one while that course is the patient's."""
    standing = course_of(ctx, uow, state)
    if standing is None:
        new = course_flow.as_full_consent(state, None)
    elif standing.reason is not None:
        reconsent = DraftReconsent(
            consent_id=str(standing.consent_id), reason=standing.reason.value
        )
        new = course_flow.as_full_consent(state, reconsent)
    elif (
        state.reconsent is not None
        and state.reconsent.consent_id == str(standing.consent_id)
        and state.reconsent.reason == ReconsentReason.NEW_STOP_ANSWER.value
    ):
        new = state
    else:
        new = course_flow.as_visit(state, str(standing.consent_id), standing.next_session)
    _audit_move(uow, state, new, at)
    return new


def _audit_move(uow: UnitOfWork, old: DraftState, new: DraftState, at: dt.datetime) -> None:
    if (new.kind, new.course_consent_id, new.session) != (
        old.kind,
        old.course_consent_id,
        old.session,
    ) and new.kind == "visit":
        audit_patient(
            uow, new, at, "visit.started", {"course": new.course_consent_id, "session": new.session}
        )
    elif new.reconsent is not None and new.reconsent != old.reconsent:
        reconsent_audit(uow, new, at)


def stop_answers(state: DraftState, pack: Pack) -> list[str]:
    return [
        q for q, a in state.screening.items() if pack.flag_for(q, a.answer)[0] is FlagLevel.STOP
    ]


def check_new_stops(
    ctx: AppContext, uow: UnitOfWork, state: DraftState, pack: Pack, at: dt.datetime
) -> DraftState:
    """At a visit's health questions: a stop answer the course's consent did not carry means
    the full consent today (the answers are kept)."""
    if state.kind != "visit" or not state.course_consent_id:
        return state
    course = uow.consents.get(uuid.UUID(state.course_consent_id))
    if not new_stop_answers(course, stop_answers(state, pack)):
        return state
    reason = ReconsentReason.NEW_STOP_ANSWER.value
    new = course_flow.as_full_consent(
        state, DraftReconsent(consent_id=state.course_consent_id, reason=reason)
    )
    _audit_move(uow, state, new, at)
    return new


def visit_at_signing(
    ctx: AppContext, uow: UnitOfWork, state: DraftState, pack: Pack
) -> VisitOf | None:
    """What a visit signed now continues, checked again at the tap: the course is still the
    patient's, still open, and no new stop answer came up. None: the visit cannot be signed
    (``reroute`` then says what the draft becomes)."""
    assert state.course_consent_id is not None
    standing = course_of(ctx, uow, state)
    if standing is None or str(standing.consent_id) != state.course_consent_id:
        return None
    course = uow.consents.get(standing.consent_id)
    if not standing.open or new_stop_answers(course, stop_answers(state, pack)):
        return None
    return VisitOf(
        consent_id=course.id,
        consent_signed_at=standing.signed_at,
        consent_pack_version=course.pack.version,
        session=standing.next_session,
        changed_since_last=state.changed_since_last,
        changed_answered_at=state.changed_answered_at,
    )


def refused_visit(uow: UnitOfWork, state: DraftState) -> VisitOf:
    """A refusal of this session names the course as it was when the visit began."""
    assert state.course_consent_id is not None and state.session is not None
    course = uow.consents.get(uuid.UUID(state.course_consent_id))
    assert course.patient_signature is not None
    return VisitOf(
        consent_id=course.id,
        consent_signed_at=course.patient_signature.signed_at,
        consent_pack_version=course.pack.version,
        session=max(2, state.session),
        changed_since_last=state.changed_since_last,
        changed_answered_at=state.changed_answered_at,
    )


def reroute(
    ctx: AppContext, uow: UnitOfWork, state: DraftState, pack: Pack, at: dt.datetime
) -> DraftState:
    """The visit could not be signed: the draft follows the course as it stands now, from the
    first screen still to do, and the patient is told why."""
    new = check_new_stops(ctx, uow, state, pack, at)
    if new.kind == "visit":
        new = route(ctx, uow, state, at)
    new.step = new.furthest = flow.first_incomplete(new, pack).id
    new.notice = notice_for(new)
    return new
