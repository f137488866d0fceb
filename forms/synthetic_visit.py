"""Synthetic treatment courses: a signed course consent and a later session's visit record.

For `cli.py sample-pdf --visit`, the demo data and the tests, beside ``forms.synthetic`` (whose
people, ink and staff steps these reuse). A visit is a ``Consent`` with ``kind="visit"`` and
``visit_of`` naming its course's consent; every staff step goes through the record's own rules
(verify, time-out, attest with the visit statement, the sign-out, file), so a sample prints what
a real visit prints. Nothing here is real and nothing is read from a database.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from zoneinfo import ZoneInfo

from checklist.flow import reconfirm_items
from checklist.models import Answer, FlagLevel, Pack
from forms.course import DEFAULT_MONTHS, DEFAULT_SESSIONS, CourseTerms, VisitOf
from forms.record_parts import Acknowledgement, AuditEntry, DoctorQuestion, PackRef, ScreeningAnswer
from forms.records import Consent, Status
from forms.sign_out import AdverseEvent, SignOutEntry
from forms.synthetic import (
    _STAFF_STAGES,
    SAMPLE_CLINICIAN,
    SAMPLE_DESK,
    SAMPLE_NURSE,
    SAMPLE_PATIENT,
    Stage,
    _patient_signs,
    _staff_steps,
    synthetic_consent,
)
from forms.synthetic_sign_out import sign_out_entry

# The sample's justified foam volume (over forms.sign_out.FOAM_MAX_ML) and its reason.
FOAM_OVER_MAX_ML = 12.0
FOAM_REASON = (
    "Extensive tributary network on a large leg; 12 mL given in divided doses with leg "
    "elevation and ultrasound checks, as planned with the patient."
)
ADVERSE_EVENT = AdverseEvent(
    what="Brief light-headedness after the last injection",
    severity="mild",
    action="Lay flat, legs raised; settled within 5 minutes; observed a further 20 minutes.",
)


def with_course(
    consent: Consent,
    *,
    tz: ZoneInfo | dt.tzinfo = dt.UTC,
    months: int = DEFAULT_MONTHS,
    sessions: int = DEFAULT_SESSIONS,
    content_line: str | None = None,
) -> Consent:
    """``consent`` with the course terms fixed when the patient signed (as
    ``services.courses.terms_for`` sets them at submission)."""
    assert consent.patient_signature is not None, "a course starts when the patient signs"
    signed_on = consent.patient_signature.signed_at.astimezone(tz).date()
    consent.course = CourseTerms.starting(
        signed_on,
        months=months,
        sessions=sessions,
        content_line=content_line or consent.pack.version,
    )
    return consent


def changed_answers(pack: Pack) -> dict[str, Answer]:
    """A visit's re-answered health questions: every answer No, but the first question whose
    Yes asks for a clinician's review (what "something has changed" looks like; no new stop)."""
    answers = {q.id: Answer.NO for q in pack.screening.questions}
    review = next(
        (
            q.id
            for q in pack.screening.questions
            if pack.flag_for(q.id, Answer.YES)[0] is FlagLevel.REVIEW
        ),
        None,
    )
    if review is not None:
        answers[review] = Answer.YES
    return answers


def foam_over_max_entry(site: str, today: dt.date) -> SignOutEntry:
    """A complete sign-out with foam over the session maximum and one adverse event: signed
    only with the clinician's reason (``FOAM_REASON``)."""
    entry = sign_out_entry(site, today, foam_ml=FOAM_OVER_MAX_ML)
    return entry.model_copy(update={"no_adverse_events": False, "adverse_events": [ADVERSE_EVENT]})


def synthetic_visit(
    pack: Pack,
    values: Mapping[str, str],
    start: dt.datetime,
    course: Consent,
    *,
    stage: Stage = "signed_out",
    session: int = 2,
    changed: bool = True,
    screening: Mapping[str, Answer] | None = None,
    sign_out: SignOutEntry | None = None,
    justifications: Mapping[str, str] | None = None,
    seed: int = 0,
    consent_id: uuid.UUID | None = None,
    demo: bool = False,
) -> tuple[Consent, list[AuditEntry]]:
    """Session ``session`` of ``course`` (a signed course consent) made up to ``stage``, with the
    audit entries its evidence page lists. ``screening``: the re-answered health questions by id
    (default ``changed_answers``); ``sign_out``: the entry signed at ``signed_out``
    (default the unremarkable ``sign_out_entry``), with ``justifications`` for its problems."""
    assert course.patient_signature is not None, "a visit continues a signed course consent"
    clock = [start]

    def tick(seconds: int = 7) -> dt.datetime:
        clock[0] += dt.timedelta(seconds=seconds)
        return clock[0]

    consent = Consent(
        id=consent_id or uuid.UUID(int=0x5A3F_0000_0000_4000_8000_0000_0001_0000 + seed),
        kind="visit",
        patient=course.patient.model_copy(),
        pack=PackRef.of(pack, dict(values)),
        procedure=pack.procedure,
        site=course.site,
        created_at=start,
        updated_at=start,
        demo=demo,
    )
    audit = [AuditEntry(at=start, actor="patient", role="patient", action="visit.started")]
    consent.visit_of = VisitOf(
        consent_id=course.id,
        consent_signed_at=course.patient_signature.signed_at,
        consent_pack_version=course.pack.version,
        session=session,
        changed_since_last=changed,
        changed_answered_at=tick(20),
    )
    answers = screening if screening is not None else changed_answers(pack)
    for question_id, answer in answers.items():
        flag, _ = pack.flag_for(question_id, answer)
        consent.screening.append(
            ScreeningAnswer(question_id=question_id, answer=answer, flag=flag, answered_at=tick())
        )
    items = [item for _section, item in reconfirm_items(pack)]  # what the tablet asks again
    for item in items:
        consent.acknowledgements.append(Acknowledgement(item_id=item.id, acknowledged_at=tick(12)))
    if items:  # a question about one re-confirmed risk, asked beside it
        section = next(s for s, i in pack.items() if i.id == items[0].id)
        consent.questions.append(
            DoctorQuestion(
                section_id=section.id,
                item_id=items[0].id,
                asked_at=tick(),
                note="Can I fly to see my family two weeks after this session?",
            )
        )
    if stage == "draft":
        return consent, audit
    _patient_signs(consent, pack, stage == "declined", False, False, seed + 4, tick)
    signed = tick(1)
    if stage == "signed":
        return consent, audit
    if stage == "declined":
        consent.move_to(Status.DECLINED, signed)
        audit.append(
            AuditEntry(at=signed, actor="patient", role="patient", action="visit.declined")
        )
        return consent, audit
    consent.move_to(Status.SUBMITTED, signed)
    audit.append(AuditEntry(at=signed, actor="patient", role="patient", action="consent.submitted"))
    audit.append(AuditEntry(at=tick(2), actor="system", role="system", action="document.issued"))
    if stage not in _STAFF_STAGES:
        return consent, audit
    nurse_name, nurse_id = SAMPLE_NURSE
    at = tick(40)
    consent.record_witness(
        by_id=nurse_id, by_name=nurse_name, where="handback", device_id="staff-demo", now=at
    )
    audit.append(AuditEntry(at=at, actor=nurse_name, role="nurse", action="consent.witnessed"))
    tick(10 * 60)
    reached = _STAFF_STAGES[: _STAFF_STAGES.index(stage) + 1]
    _staff_steps(
        consent,
        pack,
        tuple(s for s in reached if s in ("verified", "timeout", "attested")),
        audit,
        tick,
    )
    if "signed_out" in reached:  # a nurse enters it and the clinician co-signs, by the rules
        entered = tick(25 * 60)
        entry = sign_out or sign_out_entry(consent.site, entered.date())
        consent.enter_sign_out(entry, by_id=nurse_id, by_name=nurse_name, role="nurse", now=entered)
        _log(audit, entered, SAMPLE_NURSE, "nurse", "consent.sign_out_entered")
        at = tick(60)
        clin_name, clin_id = SAMPLE_CLINICIAN
        reasons = justifications or {}
        consent.sign_sign_out(reasons, by_id=clin_id, by_name=clin_name, device_id="demo", now=at)
        _log(audit, at, SAMPLE_CLINICIAN, "clinician", "consent.signed_out")
    if "filed" in reached:
        at = tick(30 * 60)
        reference = f"SAMPLE-{consent.id.hex[-8:].upper()}"
        consent.file(reference, by_id=SAMPLE_DESK[1], by_name=SAMPLE_DESK[0], now=at)
        _log(audit, at, SAMPLE_DESK, "front_desk", "consent.filed")
    return consent, audit


def _log(
    audit: list[AuditEntry], at: dt.datetime, who: tuple[str, int], role: str, action: str
) -> None:
    audit.append(AuditEntry(at=at, actor=f"{who[0]} (#{who[1]})", role=role, action=action))


def sample_course(
    pack: Pack,
    values: Mapping[str, str],
    start: dt.datetime,
    *,
    tz: ZoneInfo | dt.tzinfo = dt.UTC,
    months: int = DEFAULT_MONTHS,
    sessions: int = DEFAULT_SESSIONS,
    content_line: str | None = None,
    patient_name: str | None = None,
    seed: int = 0,
) -> tuple[Consent, list[AuditEntry]]:
    """A course's consent, signed at ``start`` and filed after its first session's sign-out."""
    consent, audit = synthetic_consent(
        pack,
        values,
        start,
        stage="filed",
        patient_name=patient_name or SAMPLE_PATIENT,
        seed=seed,
    )
    return with_course(
        consent, tz=tz, months=months, sessions=sessions, content_line=content_line
    ), audit


def sample_record(
    pack: Pack,
    values: Mapping[str, str],
    now: dt.datetime,
    *,
    stage: Stage,
    visit: bool,
    patient_name: str,
    tz: ZoneInfo | dt.tzinfo,
    months: int,
    sessions: int,
    content_line: str,
) -> tuple[Consent, list[AuditEntry]]:
    """What `cli.py sample-pdf` renders at ``now``: a consent up to ``stage`` carrying the course
    terms the clinic's settings give, or (``visit``) that course's second session, its sign-out
    with the justified foam volume and the adverse event (so a preview shows every part)."""
    course = {"tz": tz, "months": months, "sessions": sessions, "content_line": content_line}
    start = now - dt.timedelta(hours=3)  # every staff step done before the document is made
    if not visit:
        consent, audit = synthetic_consent(  # one check missed twice: its flag and clearance show
            pack, values, start, stage=stage, patient_name=patient_name,
            teach_back_wrong=[q.id for q in pack.teach_back[:1]],
        )  # fmt: skip
        if not consent.declined and consent.patient_signature is not None:
            with_course(consent, **course)  # type: ignore[arg-type]
        return consent, audit
    first, _ = sample_course(
        pack,
        values,
        now - dt.timedelta(days=35),
        patient_name=patient_name,
        **course,  # type: ignore[arg-type]
    )
    return synthetic_visit(
        pack,
        values,
        start,
        first,
        stage=stage,
        sign_out=foam_over_max_entry(first.site, start.date()),
        justifications={"foam_over_max": FOAM_REASON},
    )
