"""The consent record, its status machine and the rule of every staff step. Pure: no Streamlit,
no SQL, no services. Its small value records are in ``forms.record_parts``.

A record pins the exact content the patient saw (pack id, version, language, fingerprint and the
clinic values filled into its placeholders), so its PDF can be re-rendered from the stored record.
Each staff step is a method: it checks its rule against the one transition table, then makes its
change, or raises a DomainError written for the person at the screen. It is over 300 lines because
every step's rule is here, beside that table, and is tested without a database.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Collection, Mapping
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from checklist.models import FlagLevel, Pack
from checklist.nurse_checks import checklist_gaps
from checklist.text import MAX_NOTE
from errors import DomainError, IllegalTransition
from forms.record_parts import (
    Acknowledgement,
    AwareDatetime,
    ClinicianAttestation,
    DoctorQuestion,
    Filing,
    FlagReview,
    Interpreter,
    NurseVerification,
    PackRef,
    Patient,
    Record,
    ScreeningAnswer,
    Signature,
    TimeOut,
)


class Status(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"  # patient signed
    VERIFIED = "verified"  # nurse witnessed and checked
    ATTESTED = "attested"  # clinician attested
    FILED = "filed"  # front desk filed it in the chart
    DECLINED = "declined"  # informed refusal, signed
    ENTERED_IN_ERROR = "entered_in_error"


# The clinic's words for each status: the queue's badges and every refusal below use these.
STATUS_LABELS: dict[Status, str] = {
    Status.DRAFT: "In progress",
    Status.SUBMITTED: "Signed, to verify",
    Status.VERIFIED: "Verified, to attest",
    Status.ATTESTED: "Attested",
    Status.FILED: "Filed",
    Status.DECLINED: "Refused (signed)",
    Status.ENTERED_IN_ERROR: "Entered in error",
}

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


def status_words(status: Status) -> str:
    """A status inside a sentence ("This consent is verified, to attest")."""
    return STATUS_LABELS[status].lower()


def check_transition(current: Status, new: Status) -> None:
    if new not in TRANSITIONS[current]:
        raise IllegalTransition(
            f"This consent is {status_words(current)}: {_WHY_NOT.get(new, 'not allowed')}."
        )


def _reach(status: Status) -> set[Status]:
    return {status}.union(*(_reach(later) for later in TRANSITIONS[status]))  # no cycles


def _on_the_way(first: Status, last: Status) -> frozenset[Status]:
    """The statuses a consent passes through from ``first`` until it reaches ``last`` (not
    included), read from the table, so the steps that change no status follow it too."""
    return frozenset(s for s in _reach(first) if s is not last and last in _reach(s))


FLAGS_REVIEWABLE = _on_the_way(Status.SUBMITTED, Status.ATTESTED)  # until a clinician attests
HOLDABLE = _on_the_way(Status.SUBMITTED, Status.FILED)  # signed, not yet filed
TIMEOUT_WINDOW = _on_the_way(Status.VERIFIED, Status.FILED)  # verified, not yet filed


def _lines(items: list[str]) -> str:
    return "\n".join(f"- {item}" for item in items)


def _reason(reason: str | None, what: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(f"Give a reason for {what}.")
    return _short_enough(reason)


def _short_enough(text: str) -> str:
    if len(text) > MAX_NOTE:  # a clear refusal, not the record's validation error
        raise DomainError(f"That text is too long: {len(text):,} characters, at most {MAX_NOTE:,}.")
    return text


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
        """Stop flags no clinician has cleared: they block verify, time-out and attest."""
        cleared = {r.question_id for r in self.flag_reviews if r.decision == "cleared"}
        return [
            a for a in self.flags() if a.flag is FlagLevel.STOP and a.question_id not in cleared
        ]

    def _not_held(self) -> None:
        if self.on_hold:
            raise DomainError(
                f"This consent is on hold ({self.on_hold}). A clinician must release it first."
            )

    # --- nurse --------------------------------------------------------------------------
    def check_verify(self, pack: Pack, answers: Mapping[str, tuple[str, str]]) -> None:
        """May a nurse sign this checklist (``pack`` in the clinic's language) as verified?
        Asked before the password is checked, so a refusal costs no password hash."""
        if self.status is Status.DRAFT or self.patient_signature is None:
            raise DomainError(
                "The patient has not signed this consent yet. A nurse can only verify a signed one."
            )
        if self.status is Status.DECLINED:
            raise DomainError("This is a signed refusal: there is nothing to verify. File it.")
        if Status.VERIFIED not in TRANSITIONS[self.status]:
            raise IllegalTransition(f"This consent is already {status_words(self.status)}.")
        self._not_held()
        if blocking := sorted(a.question_id for a in self.open_stop_flags()):
            texts = {q.id: q.text for q in pack.screening.questions}
            raise DomainError(
                "A clinician must clear the stop flag first, so the checklist cannot be "
                "completed: " + "; ".join(texts.get(q, q) for q in blocking)
            )
        missing, noes, unexplained = checklist_gaps(pack, answers)
        for _answer, note in answers.values():
            _short_enough((note or "").strip())
        if missing:
            raise DomainError(
                "Answer every checklist item first. Not answered: " + "; ".join(missing)
            )
        if set(answers) - {i.id for i in pack.nurse_checklist}:
            raise DomainError("The checklist changed while you worked. Reload the page.")
        if noes:
            raise DomainError(
                "A check answered No stops the procedure: put it right and answer Yes, or put "
                "the consent on hold for a clinician. Answered No:\n" + _lines(noes)
            )
        if unexplained:
            raise DomainError(
                "Write in the note why each N/A does not apply:\n" + _lines(unexplained)
            )

    def verify(
        self,
        pack: Pack,
        answers: Mapping[str, tuple[str, str]],
        *,
        by_id: int,
        by_name: str,
        device_id: str | None,
        now: dt.datetime,
    ) -> NurseVerification:
        """The nurse's checklist and witness signature; the consent moves to verified."""
        self.check_verify(pack, answers)
        self.nurse_verification = NurseVerification.signed(
            pack.nurse_checklist,
            answers,
            nurse_id=by_id,
            nurse_name=by_name,
            device_id=device_id,
            now=now,
        )
        self.move_to(Status.VERIFIED, now)
        return self.nurse_verification

    def record_timeout(
        self, pack: Pack, confirmed: Collection[str], *, by_id: int, by_name: str, now: dt.datetime
    ) -> TimeOut:
        """The Universal Protocol time-out: its own step, with its own time, before the
        procedure; every item of ``pack.timeout`` confirmed aloud."""
        if self.status not in TIMEOUT_WINDOW:
            raise DomainError("The time-out comes after the nurse has verified the consent.")
        if self.timeout is not None:
            raise DomainError("The time-out for this consent is already recorded.")
        self._not_held()
        if self.open_stop_flags():
            raise DomainError("A stop flag is open: no time-out until a clinician clears it.")
        missing = [i.text for i in pack.timeout if i.id not in confirmed]
        if missing:
            raise DomainError(
                "Confirm every time-out item aloud first. Not confirmed: " + "; ".join(missing)
            )
        self.timeout = TimeOut(
            items=[i.id for i in pack.timeout], performed_at=now, by_id=by_id, by_name=by_name
        )
        self.updated_at = now
        return self.timeout

    # --- clinician ----------------------------------------------------------------------
    def review_flag(
        self,
        question_id: str,
        decision: str,
        note: str,
        *,
        by_id: int,
        by_name: str,
        now: dt.datetime,
    ) -> FlagReview | None:
        """Clear or uphold one screening flag, with a note; a later review replaces an earlier
        one. Returns the review it replaced, if any."""
        note = (note or "").strip()
        if decision not in ("cleared", "upheld"):
            raise DomainError("Choose whether to clear or uphold the flag.")
        if not note:
            raise DomainError("Write a short note saying why.")
        _short_enough(note)
        if self.status not in FLAGS_REVIEWABLE:
            raise DomainError(
                f"This consent is {status_words(self.status)}; its flags can no longer change."
            )
        if question_id not in {a.question_id for a in self.flags()}:
            raise DomainError("That answer raised no flag on this consent.")
        old = next((r for r in self.flag_reviews if r.question_id == question_id), None)
        self.flag_reviews = [r for r in self.flag_reviews if r.question_id != question_id] + [
            FlagReview(
                question_id=question_id,
                decision=decision,  # type: ignore[arg-type]
                note=note,
                by_id=by_id,
                by_name=by_name,
                at=now,
            )
        ]
        self.updated_at = now
        return old

    def check_attest(self) -> None:
        """May a clinician attest? Asked before the password is checked."""
        if self.status is Status.SUBMITTED:
            raise DomainError("A nurse must verify this consent before a clinician attests.")
        if Status.ATTESTED not in TRANSITIONS[self.status]:
            raise IllegalTransition(
                f"This consent is {status_words(self.status)}; it cannot be attested."
            )
        self._not_held()
        if self.open_stop_flags():
            raise DomainError("Clear or resolve every stop flag before attesting.")

    def attest(
        self, *, by_id: int, by_name: str, device_id: str | None, now: dt.datetime
    ) -> ClinicianAttestation:
        """The clinician's attestation (the one statement) and signature; moves to attested."""
        self.check_attest()
        self.attestation = ClinicianAttestation.signed(
            clinician_id=by_id, clinician_name=by_name, device_id=device_id, now=now
        )
        self.move_to(Status.ATTESTED, now)
        return self.attestation

    def hold(self, reason: str, now: dt.datetime) -> str:
        """Stop work on a signed consent until a clinician releases it; returns the reason."""
        reason = _reason(reason, "the hold")
        if self.status not in HOLDABLE:
            raise DomainError(
                f"This consent is {status_words(self.status)}; it cannot be put on hold."
            )
        if self.on_hold:
            raise DomainError("This consent is already on hold.")
        self.on_hold = reason
        self.updated_at = now
        return reason

    def release(self, now: dt.datetime) -> str:
        """End a hold; returns the reason it was held for."""
        if not self.on_hold:
            raise DomainError("This consent is not on hold.")
        old = self.on_hold
        self.on_hold = None
        self.updated_at = now
        return old

    def enter_in_error(self, reason: str, now: dt.datetime) -> str:
        """Withdraw a consent made by mistake (wrong patient, duplicate). It stays on record."""
        reason = _reason(reason, "marking it entered in error")
        self.move_to(Status.ENTERED_IN_ERROR, now)
        self.error_reason = reason
        return reason

    # --- front desk ---------------------------------------------------------------------
    def file(self, chart_reference: str, *, by_id: int, by_name: str, now: dt.datetime) -> Filing:
        """Filed in the chart under ``chart_reference``: final. A consent needs its time-out
        first (the procedure is done); a signed refusal has none."""
        chart_reference = (chart_reference or "").strip()
        if self.status is Status.FILED and self.filing is not None:
            raise DomainError(
                f"This consent is already filed (chart {self.filing.chart_reference}) and "
                "cannot be changed."
            )
        if Status.FILED not in TRANSITIONS[self.status]:
            why = _WHY_NOT[Status.FILED]
            raise IllegalTransition(
                f"{why[0].upper()}{why[1:]}. This one is {status_words(self.status)}."
            )
        self._not_held()
        if self.status is Status.ATTESTED and self.timeout is None:
            raise DomainError("The time-out has not been recorded yet. File after the procedure.")
        if not chart_reference:
            raise DomainError("Enter the chart reference the PDF was filed under.")
        if len(chart_reference) > 80:
            raise DomainError("The chart reference is too long (80 characters at most).")
        self.filing = Filing(
            by_id=by_id, by_name=by_name, chart_reference=chart_reference, filed_at=now
        )
        self.move_to(Status.FILED, now)
        return self.filing
