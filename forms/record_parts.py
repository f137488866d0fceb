"""The small value records a consent is made of: who the patient is, what they saw and answered,
who signed what and when. Pure: no Streamlit, no SQL. The consent itself, its status machine and
the rules of each staff step are in ``forms.records``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from checklist.models import Answer, CheckItem, FlagLevel, Pack
from forms.meanings import (
    ATTESTATION_STATEMENT,
    CLINICIAN_ATTESTED,
    CLINICIAN_REFUSAL,
    CLINICIAN_VISIT,
    NURSE_VERIFIED,
    REFUSAL_STATEMENT,
    SIGN_OUT_COSIGNED,
    SIGN_OUT_SIGNED,
    SIGNATURE_WITNESSED,
    VISIT_STATEMENT,
)
from forms.record_base import AwareDatetime, Name, Note, Record
from forms.record_base import as_consent_id as as_consent_id  # re-exported: callers import it here


class SignerRole(StrEnum):
    PATIENT = "patient"
    INTERPRETER = "interpreter"
    NURSE = "nurse"
    CLINICIAN = "clinician"
    WITNESS = "witness"  # a staff member present when the patient signed


OTHER_STAFF_MEANINGS = frozenset({CLINICIAN_VISIT, SIGN_OUT_SIGNED, SIGN_OUT_COSIGNED})
STAFF_MEANINGS: dict[SignerRole, str] = {
    SignerRole.NURSE: NURSE_VERIFIED,
    SignerRole.CLINICIAN: CLINICIAN_ATTESTED,
    SignerRole.WITNESS: SIGNATURE_WITNESSED,
}


class Patient(Record):
    legal_name: Name
    preferred_name: Name | None = None
    date_of_birth: dt.date
    mrn: Annotated[str, StringConstraints(strip_whitespace=True, max_length=40)] | None = None


class PackRef(Record):
    pack_id: str
    version: str
    language: str
    fingerprint: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
    placeholder_values: dict[str, str] = Field(default_factory=dict)  # what filled {names}

    @classmethod
    def of(cls, pack: Pack, values: dict[str, str]) -> PackRef:
        return cls(
            pack_id=pack.id,
            version=pack.version,
            language=pack.language,
            fingerprint=pack.fingerprint,
            placeholder_values=dict(values),
        )


class Acknowledgement(Record):
    item_id: str
    acknowledged_at: AwareDatetime
    question_for_doctor: bool = False


class QuestionAnswer(Record):
    """What the clinician answered (or noted) about one of the patient's questions."""

    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
    by_id: int
    by_name: Name
    at: AwareDatetime


class DoctorQuestion(Record):
    """'I have a question about this' where the patient asked it: a section (the tablet asks per
    section), or one item of it when ``item_id`` is set. Only that is marked, never its items."""

    section_id: str
    item_id: str | None = None
    asked_at: AwareDatetime
    note: Note = ""
    answer: QuestionAnswer | None = None  # added before the clinician attests


class ScreeningAnswer(Record):
    question_id: str
    answer: Answer
    flag: FlagLevel | None = None
    answered_at: AwareDatetime


class Point(Record):
    x: float  # CSS pixels from the pad's left edge
    y: float
    t: int  # milliseconds since the stroke's pad was shown


class Stroke(Record):
    points: list[Point]


class Signature(Record):
    role: SignerRole
    printed_name: Name
    meaning: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    signed_at: AwareDatetime
    strokes: list[Stroke] = Field(default_factory=list)  # drawn signatures only
    png: bytes | None = None  # drawn signatures only
    ink: float = 0.0  # length of the strokes in pad widths
    device_id: str | None = None  # tablet session id, or the staff account for a re-entry
    staff_user_id: int | None = None  # staff signatures: password re-entered at signing

    @classmethod
    def by_staff(
        cls,
        role: SignerRole,
        name: str,
        staff_user_id: int,
        device_id: str | None,
        now: dt.datetime,
        *,
        refusal: bool = False,
        meaning: str | None = None,
    ) -> Signature:
        """A staff e-signature, signed with the password re-entered just before (21 CFR 11.200);
        its meaning is the one the role signs with (a clinician's on a refusal is its own), or
        one of ``forms.meanings``' other constants, never a caller's own words."""
        if meaning is not None and meaning not in OTHER_STAFF_MEANINGS:
            raise ValueError(f"not a signature meaning: {meaning!r}")
        return cls(
            role=role,
            printed_name=name,
            meaning=meaning or (CLINICIAN_REFUSAL if refusal else STAFF_MEANINGS[role]),
            signed_at=now,
            device_id=device_id,
            staff_user_id=staff_user_id,
        )


class Interpreter(Record):
    name_or_id: Name
    language: Annotated[str, StringConstraints(min_length=2, max_length=40)]
    mode: Literal["in_person", "phone", "video"]
    signature: Signature | None = None


class ChecklistAnswer(Record):
    item_id: str
    answer: Literal["yes", "no", "na"]
    note: Note = ""
    answered_by: str  # staff display name
    answered_by_id: int
    answered_at: AwareDatetime


class NurseVerification(Record):
    answers: list[ChecklistAnswer]
    nurse_id: int
    nurse_name: Name
    verified_at: AwareDatetime
    signature: Signature

    @classmethod
    def signed(
        cls,
        items: Iterable[CheckItem],
        answers: Mapping[str, tuple[str, str]],
        *,
        nurse_id: int,
        nurse_name: str,
        device_id: str | None,
        now: dt.datetime,
    ) -> NurseVerification:
        """Every checklist item's answer and note, in the checklist's order, and the witness
        signature. The rule that allows it is ``Consent.check_verify``."""
        return cls(
            answers=[
                ChecklistAnswer(
                    item_id=i.id,
                    answer=answers[i.id][0],  # type: ignore[arg-type]
                    note=(answers[i.id][1] or "").strip(),
                    answered_by=nurse_name,
                    answered_by_id=nurse_id,
                    answered_at=now,
                )
                for i in items
            ],
            nurse_id=nurse_id,
            nurse_name=nurse_name,
            verified_at=now,
            signature=Signature.by_staff(SignerRole.NURSE, nurse_name, nurse_id, device_id, now),
        )


class Participant(Record):
    """Someone present at the time-out, as the team named them."""

    name: Name
    role: Literal["nurse", "clinician", "other"]
    staff_id: int | None = None


class TimeOut(Record):
    items: list[str]  # time-out item ids confirmed aloud
    performed_at: AwareDatetime
    by_id: int
    by_name: Name
    participants: list[Participant] = Field(default_factory=list)  # empty in older records
    side: str | None = None  # the site code confirmed aloud; None in older records


class FlagReview(Record):
    question_id: str
    decision: Literal["cleared", "upheld"]
    note: Note = ""
    by_id: int
    by_name: Name
    at: AwareDatetime


class ClinicianAttestation(Record):
    statement: str
    clinician_id: int
    clinician_name: Name
    attested_at: AwareDatetime
    signature: Signature
    refusal: bool = False  # a countersigned informed refusal, not a consent

    @classmethod
    def signed(
        cls,
        *,
        clinician_id: int,
        clinician_name: str,
        device_id: str | None,
        now: dt.datetime,
        refusal: bool = False,
        visit: bool = False,
    ) -> ClinicianAttestation:
        """The one attestation statement (on a refusal, the one countersignature statement; on a
        course's later visit, the visit statement), signed. The rules are
        ``Consent.check_attest`` and ``Consent.check_countersign``."""
        statement = REFUSAL_STATEMENT if refusal else ATTESTATION_STATEMENT
        return cls(
            statement=VISIT_STATEMENT if visit else statement,
            clinician_id=clinician_id,
            clinician_name=clinician_name,
            attested_at=now,
            signature=Signature.by_staff(
                SignerRole.CLINICIAN,
                clinician_name,
                clinician_id,
                device_id,
                now,
                refusal=refusal,
                meaning=CLINICIAN_VISIT if visit else None,
            ),
            refusal=refusal,
        )


class Filing(Record):
    by_id: int
    by_name: Name
    chart_reference: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)
    ]
    filed_at: AwareDatetime


class AuditEntry(Record):
    """One audit event as the PDF's evidence page shows it."""

    at: AwareDatetime
    actor: str
    role: str
    action: str
