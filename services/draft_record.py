"""The consent record built from a finished draft: pure, tested without a database.

``services.submission`` checks the ink and the name and stores what ``to_consent`` builds. A
signed full consent carries its course's terms and the course it replaces; a visit names the
course it continues and acknowledges only the re-confirmed items.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

from checklist import flow
from checklist.flow import DraftState
from checklist.models import Pack
from errors import DomainError
from forms.course import CourseTerms, ReconsentReason, Replacement, VisitOf
from forms.record_care import InterpreterAnswer, TreatmentPlan
from forms.record_parts import (
    Acknowledgement,
    DoctorQuestion,
    Interpreter,
    PackRef,
    Patient,
    ScreeningAnswer,
    Signature,
)
from forms.record_understanding import results_from
from forms.records import Consent
from language.i18n import t
from services.drafts import lang_of

Decision = Literal["consent", "decline"]


def to_consent(
    state: DraftState,
    pack: Pack,
    *,
    values: dict[str, str],
    procedure: str,
    now: dt.datetime,
    decision: Decision,
    signature: Signature,
    interpreter_signature: Signature | None = None,
    course: CourseTerms | None = None,
    visit_of: VisitOf | None = None,
) -> Consent:
    """The consent record from a finished draft (pure: tested without a database).

    ``course``: the terms a signed full consent covers; ``visit_of``: the course a visit
    continues (its acknowledgements are the re-confirmed items only)."""
    if state.date_of_birth is None:
        raise DomainError(t(lang_of(state), "patient.details.dob_missing"))
    visit = state.kind == "visit"
    if visit and visit_of is None:
        raise DomainError(t(lang_of(state), "patient.course.closed"))
    shown = {i.id for _, i in flow.reconfirm_items(pack)} if visit else set(pack.item_ids())
    consent = Consent(
        id=uuid.UUID(state.consent_id),
        patient=Patient(
            legal_name=state.legal_name, date_of_birth=state.date_of_birth, mrn=state.mrn
        ),
        pack=PackRef.of(pack, values),
        procedure=procedure,
        site=state.site,  # the code (checklist.sites); screens and documents render words
        created_at=state.created_at,
        updated_at=now,
        acknowledgements=[
            Acknowledgement(item_id=iid, acknowledged_at=at)
            for iid, at in sorted(state.acknowledged.items(), key=lambda kv: (kv[1], kv[0]))
            if iid in shown
        ],
        # A question belongs where the patient asked it (the tablet asks per section); the
        # section's items are not marked, since the patient did not flag them.
        # Each check of understanding, every attempt with its time (none at a visit).
        teach_back=results_from(
            pack, {q: [(a.choice, a.at) for a in tries] for q, tries in state.teach_back.items()}
        )
        if not visit
        else [],
        questions=[
            DoctorQuestion(section_id=sid, asked_at=q.at, note=q.note)
            for sid, q in state.questions.items()
            if _has(pack, sid)
        ],
        screening=[
            ScreeningAnswer(
                question_id=q.id,
                answer=state.screening[q.id].answer,
                flag=pack.flag_for(q.id, state.screening[q.id].answer)[0],
                answered_at=state.screening[q.id].at,
            )
            for q in pack.screening.questions
            if q.id in state.screening
        ],
        photo_consent=state.photo_consent,
        certified_at=state.certified_at,
        decision=decision,
        patient_signature=signature,
        treatment=_plan(state),
        kind=state.kind,
        visit_of=visit_of if visit else None,
        course=course if not visit and decision == "consent" else None,
        replaces=_replaces(state) if not visit and decision == "consent" else None,
    )
    if state.interpreter_used is not None:  # recorded either way, with when it was answered
        consent.interpreter_answer = InterpreterAnswer(
            used=state.interpreter_used, answered_at=state.interpreter_answered_at or now
        )
    if state.interpreter_used and state.interpreter:
        consent.interpreter = Interpreter(
            name_or_id=state.interpreter.name_or_id,
            language=state.interpreter.language,
            mode=state.interpreter.mode,
            signature=interpreter_signature,
        )
    return consent


def _replaces(state: DraftState) -> Replacement | None:
    if state.reconsent is None:
        return None
    return Replacement(
        consent_id=uuid.UUID(state.reconsent.consent_id),
        reason=ReconsentReason(state.reconsent.reason),
    )


def _plan(state: DraftState) -> TreatmentPlan | None:
    """The plan staff set at hand-over (services.handoff), with the appointment's date."""
    if state.treatment is None and state.appointment_at is None:
        return None
    plan = dict(state.treatment or {})
    if state.appointment_at is not None and not plan.get("appointment_on"):
        plan["appointment_on"] = state.appointment_at.date().isoformat()
    plan.setdefault("set_by_id", state.prefilled_by or 0)
    plan.setdefault("set_by_name", "staff")
    plan.setdefault("set_at", state.created_at.isoformat())
    return TreatmentPlan.model_validate(plan)


def _has(pack: Pack, section_id: str) -> bool:
    try:
        pack.section(section_id)
    except KeyError:
        return False
    return True
