"""The consent record and its status machine. Pure: no Streamlit, no SQL.

A record pins the exact content the patient saw (pack id, version, language, fingerprint and the
clinic values filled into its placeholders), so its PDF can be re-rendered from the stored record.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from checklist.models import Answer, FlagLevel, Pack
from errors import DomainError, IllegalTransition


def _aware(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("time must carry a time zone")
    return value


AwareDatetime = Annotated[dt.datetime, AfterValidator(_aware)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Note = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]


class Record(BaseModel):
    # Bytes (signature PNGs) travel as base64 in JSON, so canonical_json() works and round-trips.
    model_config = ConfigDict(
        extra="forbid", validate_assignment=True, ser_json_bytes="base64", val_json_bytes="base64"
    )


class Status(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"  # patient signed
    VERIFIED = "verified"  # nurse witnessed and checked
    ATTESTED = "attested"  # clinician attested
    FILED = "filed"  # front desk filed it in the chart
    DECLINED = "declined"  # informed refusal, signed
    ENTERED_IN_ERROR = "entered_in_error"


TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.DRAFT: frozenset({Status.SUBMITTED, Status.DECLINED, Status.ENTERED_IN_ERROR}),
    Status.SUBMITTED: frozenset({Status.VERIFIED, Status.ENTERED_IN_ERROR}),
    Status.VERIFIED: frozenset({Status.ATTESTED, Status.ENTERED_IN_ERROR}),
    Status.ATTESTED: frozenset({Status.FILED, Status.ENTERED_IN_ERROR}),
    Status.DECLINED: frozenset({Status.FILED, Status.ENTERED_IN_ERROR}),
    Status.FILED: frozenset({Status.ENTERED_IN_ERROR}),
    Status.ENTERED_IN_ERROR: frozenset(),
}

_WHY_NOT: dict[Status, str] = {
    Status.SUBMITTED: "the patient must sign a draft consent first",
    Status.VERIFIED: "a nurse can only verify a consent the patient has signed",
    Status.ATTESTED: "a clinician can only attest a consent a nurse has verified",
    Status.FILED: "only an attested consent or a signed refusal can be filed",
    Status.DECLINED: "only a consent still being filled in can be declined",
    Status.ENTERED_IN_ERROR: "this consent is already marked entered in error",
}


def check_transition(current: Status, new: Status) -> None:
    if new not in TRANSITIONS[current]:
        raise IllegalTransition(
            f"This consent is {current.value.replace('_', ' ')}: {_WHY_NOT.get(new, 'not allowed')}."
        )


def as_consent_id(value: uuid.UUID | str) -> uuid.UUID:
    """A consent number as staff typed or a link carried it; a clear refusal for anything else."""
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value).strip())
    except ValueError:
        raise DomainError("That is not a consent number this clinic issued.") from None


class SignerRole(StrEnum):
    PATIENT = "patient"
    INTERPRETER = "interpreter"
    NURSE = "nurse"
    CLINICIAN = "clinician"


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


class Filing(Record):
    by_id: int
    by_name: Name
    chart_reference: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)
    ]
    filed_at: AwareDatetime


class Consent(Record):
    id: uuid.UUID = Field(default_factory=uuid.uuid4)
    patient: Patient
    pack: PackRef
    procedure: str
    site: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
    status: Status = Status.DRAFT
    created_at: AwareDatetime
    updated_at: AwareDatetime
    version: int = 1  # optimistic concurrency counter
    acknowledgements: list[Acknowledgement] = Field(default_factory=list)
    questions: list[DoctorQuestion] = Field(default_factory=list)
    screening: list[ScreeningAnswer] = Field(default_factory=list)
    photo_consent: bool | None = None
    certified_at: AwareDatetime | None = None
    decision: Literal["consent", "decline"] | None = None  # set when the patient signs
    patient_signature: Signature | None = None
    interpreter: Interpreter | None = None
    flag_reviews: list[FlagReview] = Field(default_factory=list)
    nurse_verification: NurseVerification | None = None
    timeout: TimeOut | None = None
    attestation: ClinicianAttestation | None = None
    filing: Filing | None = None
    on_hold: str | None = None  # a clinician's reason, while held
    error_reason: str | None = None
    demo: bool = False  # made by `cli.py demo-data`

    # --- status -------------------------------------------------------------------------
    def move_to(self, new: Status, now: dt.datetime) -> None:
        check_transition(self.status, new)
        self.status = new
        self.updated_at = now

    @property
    def declined(self) -> bool:
        return self.decision == "decline"

    def flags(self) -> list[ScreeningAnswer]:
        return [a for a in self.screening if a.flag is not None]

    def open_stop_flags(self) -> list[ScreeningAnswer]:
        cleared = {r.question_id for r in self.flag_reviews if r.decision == "cleared"}
        return [
            a for a in self.flags() if a.flag is FlagLevel.STOP and a.question_id not in cleared
        ]

    # --- identity -----------------------------------------------------------------------
    def canonical_json(self) -> str:
        """Stable JSON of the whole record (PNG as base64); its hash goes in the PDF."""
        return json.dumps(
            self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"), ensure_ascii=False
        )

    def sha256(self) -> str:
        return hashlib.sha256(self.canonical_json().encode("utf-8")).hexdigest()


class AuditEntry(Record):
    """One audit event as the PDF's evidence page shows it."""

    at: AwareDatetime
    actor: str
    role: str
    action: str
