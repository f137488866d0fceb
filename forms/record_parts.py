"""The small value records a consent is made of: who the patient is, what they saw and answered,
who signed what and when. Pure: no Streamlit, no SQL. The consent itself, its status machine and
the rules of each staff step are in ``forms.records``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from checklist.models import Answer, CheckItem, FlagLevel, Pack
from errors import DomainError
from forms.meanings import ATTESTATION_STATEMENT, CLINICIAN_ATTESTED, NURSE_VERIFIED


def _aware(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("time must carry a time zone")
    return value


AwareDatetime = Annotated[dt.datetime, AfterValidator(_aware)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Note = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]


def as_consent_id(value: uuid.UUID | str) -> uuid.UUID:
    """A consent number as staff typed or a link carried it; a clear refusal for anything else."""
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value).strip())
    except ValueError:
        raise DomainError("That is not a consent number this clinic issued.") from None


class Record(BaseModel):
    # Bytes (signature PNGs) travel as base64 in JSON, so canonical_json() works and round-trips.
    model_config = ConfigDict(
        extra="forbid", validate_assignment=True, ser_json_bytes="base64", val_json_bytes="base64"
    )

    def canonical_json(self) -> str:
        """Stable JSON of the whole record (PNG as base64); a consent's hash goes in its PDF."""
        return json.dumps(
            self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"), ensure_ascii=False
        )

    def sha256(self) -> str:
        return hashlib.sha256(self.canonical_json().encode("utf-8")).hexdigest()


class SignerRole(StrEnum):
    PATIENT = "patient"
    INTERPRETER = "interpreter"
    NURSE = "nurse"
    CLINICIAN = "clinician"


STAFF_MEANINGS: dict[SignerRole, str] = {
    SignerRole.NURSE: NURSE_VERIFIED,
    SignerRole.CLINICIAN: CLINICIAN_ATTESTED,
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


class DoctorQuestion(Record):
    """'I have a question about this' on a section."""

    section_id: str
    asked_at: AwareDatetime
    note: Note = ""


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
    ) -> Signature:
        """A staff e-signature, signed with the password re-entered just before (21 CFR 11.200);
        its meaning is the one the role signs with, never a caller's own words."""
        return cls(
            role=role,
            printed_name=name,
            meaning=STAFF_MEANINGS[role],
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


class TimeOut(Record):
    items: list[str]  # time-out item ids confirmed aloud
    performed_at: AwareDatetime
    by_id: int
    by_name: Name


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

    @classmethod
    def signed(
        cls, *, clinician_id: int, clinician_name: str, device_id: str | None, now: dt.datetime
    ) -> ClinicianAttestation:
        """The one attestation statement, signed. The rule is ``Consent.check_attest``."""
        return cls(
            statement=ATTESTATION_STATEMENT,
            clinician_id=clinician_id,
            clinician_name=clinician_name,
            attested_at=now,
            signature=Signature.by_staff(
                SignerRole.CLINICIAN, clinician_name, clinician_id, device_id, now
            ),
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
