"""A synthetic, fully worked consent for previews (`cli.py sample-pdf`), the benchmark and tests.

Everything here is made up: the patient, the staff, the strokes. Nothing is read from a database.
"""

from __future__ import annotations

import datetime as dt
import math
import uuid

from checklist.models import Answer, FlagLevel, Pack
from forms.records import (
    Acknowledgement,
    AuditEntry,
    ChecklistAnswer,
    ClinicianAttestation,
    Consent,
    DoctorQuestion,
    FlagReview,
    Interpreter,
    NurseVerification,
    PackRef,
    Patient,
    Point,
    ScreeningAnswer,
    Signature,
    SignerRole,
    Status,
    Stroke,
    TimeOut,
)

SAMPLE_PATIENT = "Zoë O'Brien-Łukasz"
SAMPLE_NURSE = ("Nguyễn Thị Hương", 7)
SAMPLE_CLINICIAN = ("Dr. Ñandú Pérez-García", 3)
ATTESTATION = (
    "I explained the procedure, its benefits, risks and alternatives, answered the patient's "
    "questions, reviewed the screening answers and confirm the patient has capacity to consent."
)


def synthetic_strokes(seed: int = 0, width: float = 600.0, height: float = 200.0) -> list[Stroke]:
    """A cursive-looking signature in pad coordinates (CSS pixels), different for each seed.

    Each word is a prolate cycloid (loops like joined handwriting) with a slowly varying height.
    """
    strokes: list[Stroke] = []
    t = 0
    base = height * 0.62
    x = width * 0.06
    for word, loops in enumerate((3 + seed % 3, 5 + seed % 2)):
        pts: list[Point] = []
        steps = loops * 14
        span = width * (0.30 if word == 0 else 0.42)
        for i in range(steps + 1):
            u = i / steps * loops * 2 * math.pi
            grow = 1.0 - 0.35 * (i / steps) + 0.15 * math.sin(i / steps * math.pi * (2 + seed % 4))
            px = x + span * i / steps - height * 0.07 * math.sin(u)
            py = (
                base
                - height * 0.18 * grow * (1 - math.cos(u)) / 2
                - (height * 0.2 if i < 6 and word == 0 else 0)
            )
            pts.append(Point(x=round(px, 1), y=round(py, 1), t=t))
            t += 12
        strokes.append(Stroke(points=pts))
        x += span + width * 0.06
        t += 220
    # the underline flourish
    strokes.append(
        Stroke(
            points=[
                Point(
                    x=round(width * (0.08 + 0.8 * i / 11), 1),
                    y=round(base + height * (0.12 + 0.04 * math.sin(i / 11 * math.pi)), 1),
                    t=t + i * 10,
                )
                for i in range(12)
            ]
        )
    )
    return strokes


def sample_consent(
    pack: Pack,
    values: dict[str, str],
    start: dt.datetime,
    *,
    patient_name: str = SAMPLE_PATIENT,
    declined: bool = False,
    interpreter: bool = True,
    seed: int = 0,
    consent_id: uuid.UUID | None = None,
) -> tuple[Consent, list[AuditEntry]]:
    """A consent through signature, verification, time-out and attestation (or a signed refusal)."""
    clock = [start]

    def tick(seconds: int = 7) -> dt.datetime:
        clock[0] += dt.timedelta(seconds=seconds)
        return clock[0]

    consent = Consent(
        id=consent_id or uuid.UUID(int=0x5A3F_0000_0000_4000_8000_0000_0000_0000 + seed),
        patient=Patient(
            legal_name=patient_name,
            preferred_name="Zoë" if patient_name == SAMPLE_PATIENT else None,
            date_of_birth=dt.date(1984, 3, 7),
            mrn=f"MRN-{20417 + seed}",
        ),
        pack=PackRef.of(pack, values),
        procedure=pack.procedure,
        site="Left leg, below the knee (posterior calf)",
        created_at=start,
        updated_at=start,
    )
    audit = [AuditEntry(at=start, actor="patient", role="patient", action="consent.started")]
    for i, (_section, item) in enumerate(pack.items()):
        consent.acknowledgements.append(
            Acknowledgement(item_id=item.id, acknowledged_at=tick(), question_for_doctor=(i == 5))
        )
    if pack.sections:
        consent.questions.append(
            DoctorQuestion(
                section_id=pack.sections[min(3, len(pack.sections) - 1)].id,
                asked_at=tick(),
                note="Can I fly to see my family ten days after the treatment?",
            )
        )
    flagged: list[tuple[str, FlagLevel]] = []
    for i, q in enumerate(pack.screening.questions):
        answer = Answer.YES if i in (2, 5) else (Answer.NOT_SURE if i == 8 else Answer.NO)
        flag, _ = pack.flag_for(q.id, answer)
        consent.screening.append(
            ScreeningAnswer(question_id=q.id, answer=answer, flag=flag, answered_at=tick())
        )
        if flag is not None:
            flagged.append((q.id, flag))
    consent.photo_consent = True
    consent.certified_at = None if declined else tick(20)
    meaning = pack.refusal_meaning if declined else pack.signature_meaning
    consent.decision = "decline" if declined else "consent"
    consent.patient_signature = Signature(
        role=SignerRole.PATIENT,
        printed_name=patient_name,
        meaning=meaning,
        signed_at=tick(30),
        strokes=synthetic_strokes(seed),
        ink=2.4,
        device_id="tablet-session-demo",
    )
    if interpreter:
        consent.interpreter = Interpreter(
            name_or_id="Interpreter ID 4471 (LanguageLine)",
            language="es",
            mode="video",
            signature=Signature(
                role=SignerRole.INTERPRETER,
                printed_name="Interpreter ID 4471",
                meaning="Interpreted for the patient",
                signed_at=tick(15),
                strokes=synthetic_strokes(seed + 1),
            ),
        )
    signed = tick(1)
    if declined:
        consent.move_to(Status.DECLINED, signed)
        audit.append(
            AuditEntry(at=signed, actor="patient", role="patient", action="consent.declined")
        )
        return consent, audit
    consent.move_to(Status.SUBMITTED, signed)
    audit.append(AuditEntry(at=signed, actor="patient", role="patient", action="consent.submitted"))
    audit.append(AuditEntry(at=tick(2), actor="system", role="system", action="document.issued"))

    clin_name, clin_id = SAMPLE_CLINICIAN
    nurse_name, nurse_id = SAMPLE_NURSE
    tick(25 * 60)
    for qid, _ in flagged:
        at = tick(90)
        consent.flag_reviews.append(
            FlagReview(
                question_id=qid,
                decision="cleared",
                note="Discussed with the patient; safe to proceed with compression and walking.",
                by_id=clin_id,
                by_name=clin_name,
                at=at,
            )
        )
        audit.append(
            AuditEntry(
                at=at, actor=f"{clin_name} (#{clin_id})", role="clinician", action="flag.reviewed"
            )
        )
    answers = [
        ChecklistAnswer(
            item_id=item.id,
            answer="yes",
            note="Duplex map from 2026-11-02 on file" if i == 3 else "",
            answered_by=nurse_name,
            answered_by_id=nurse_id,
            answered_at=tick(20),
        )
        for i, item in enumerate(pack.nurse_checklist)
    ]
    verified = tick(30)
    consent.nurse_verification = NurseVerification(
        answers=answers,
        nurse_id=nurse_id,
        nurse_name=nurse_name,
        verified_at=verified,
        signature=Signature(
            role=SignerRole.NURSE,
            printed_name=nurse_name,
            meaning="Verified by nurse",
            signed_at=verified,
            strokes=synthetic_strokes(seed + 2),
            staff_user_id=nurse_id,
        ),
    )
    consent.move_to(Status.VERIFIED, verified)
    audit.append(
        AuditEntry(
            at=verified,
            actor=f"{nurse_name} (#{nurse_id})",
            role="nurse",
            action="consent.verified",
        )
    )
    performed = tick(4 * 60)
    consent.timeout = TimeOut(
        items=[i.id for i in pack.timeout],
        performed_at=performed,
        by_id=nurse_id,
        by_name=nurse_name,
    )
    audit.append(
        AuditEntry(
            at=performed,
            actor=f"{nurse_name} (#{nurse_id})",
            role="nurse",
            action="consent.timeout",
        )
    )
    attested = tick(60)
    consent.attestation = ClinicianAttestation(
        statement=ATTESTATION,
        clinician_id=clin_id,
        clinician_name=clin_name,
        attested_at=attested,
        signature=Signature(
            role=SignerRole.CLINICIAN,
            printed_name=clin_name,
            meaning="Clinician attestation",
            signed_at=attested,
            strokes=synthetic_strokes(seed + 3),
            staff_user_id=clin_id,
        ),
    )
    consent.move_to(Status.ATTESTED, attested)
    audit.append(
        AuditEntry(
            at=attested,
            actor=f"{clin_name} (#{clin_id})",
            role="clinician",
            action="consent.attested",
        )
    )
    return consent, audit
