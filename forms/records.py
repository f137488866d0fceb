"""The consent record and the rule of every staff step. Pure: no Streamlit, no SQL, no services.
Its status machine (the one transition table) is ``forms.status``, re-exported here; its small
value records are in ``forms.record_parts``; the plan, witness and question rules are
``forms.record_care.CareSteps``, the course and sign-out rules ``forms.record_course.CourseSteps``,
which the consent is made of too.

A record pins the exact content the patient saw (pack id, version, language, fingerprint and the
clinic values filled into its placeholders), so its PDF can be re-rendered from the stored record.
Each staff step is a method: it checks its rule against the one transition table, then makes its
change, or raises a DomainError written for the person at the screen. It is over 300 lines because
every step's rule is here, beside that table, and is tested without a database.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Collection, Mapping, Sequence
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from checklist.models import Pack
from checklist.nurse_checks import checklist_gaps
from checklist.sites import site_label
from errors import DomainError, IllegalTransition
from forms.record_care import short_enough as _short_enough
from forms.record_course import CourseSteps
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
    Participant,
    Patient,
    ScreeningAnswer,
    Signature,
    TimeOut,
)
from forms.record_understanding import UnderstandingSteps
from forms.status import (
    _WHY_NOT,
    FLAGS_REVIEWABLE,
    HOLDABLE,
    STATUS_LABELS,
    TIMEOUT_WINDOW,
    TRANSITIONS,
    Status,
    check_transition,
    status_words,
)

__all__ = [  # the status machine, re-exported: callers import it with the record
    "FLAGS_REVIEWABLE",
    "HOLDABLE",
    "STATUS_LABELS",
    "TIMEOUT_WINDOW",
    "TRANSITIONS",
    "Consent",
    "Status",
    "check_transition",
    "status_words",
]


def _lines(items: list[str]) -> str:
    return "\n".join(f"- {item}" for item in items)


def _reason(reason: str | None, what: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(f"Give a reason for {what}.")
    return _short_enough(reason)


class Consent(CourseSteps, UnderstandingSteps):
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

    later_fields = (  # see Record.later_fields
        ("kind", "course", "visit_of", "replaces", "sign_out"),  # issue #14: the course
        ("teach_back", "re_explained"),  # issue #15: the check of understanding
    )

    # --- status -------------------------------------------------------------------------
    def move_to(self, new: Status, now: dt.datetime) -> None:
        check_transition(self.status, new)
        self.status = new
        self.updated_at = now

    @property
    def declined(self) -> bool:
        return self.decision == "decline"

    def _not_held(self) -> None:
        if self.on_hold:
            raise DomainError(
                f"This consent is on hold ({self.on_hold}). A clinician must release it first."
            )

    # --- nurse --------------------------------------------------------------------------
    def check_verify(
        self, pack: Pack, answers: Mapping[str, tuple[str, str]], *, witnessed: bool = False
    ) -> None:
        """May a nurse sign this checklist (``pack`` in the clinic's language) as verified, and
        (``witnessed``) say they were present when the patient signed? Asked before the password
        is checked, so a refusal costs no password hash."""
        if self.status is Status.DRAFT or self.patient_signature is None:
            raise DomainError(
                "The patient has not signed this consent yet. A nurse can only verify a signed one."
            )
        if self.status is Status.DECLINED:
            raise DomainError(
                "This is a signed refusal: there is nothing to verify. A clinician countersigns it."
            )
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
        if witnessed:
            self.check_witness("verification")

    def verify(
        self,
        pack: Pack,
        answers: Mapping[str, tuple[str, str]],
        *,
        by_id: int,
        by_name: str,
        device_id: str | None,
        now: dt.datetime,
        witnessed: bool = False,
    ) -> NurseVerification:
        """The nurse's checklist and verification signature; the consent moves to verified. A
        nurse who was present when the patient signed (``witnessed``) says so too, as its own
        signature at this time."""
        self.check_verify(pack, answers, witnessed=witnessed)
        if witnessed:
            self.record_witness(
                by_id=by_id, by_name=by_name, where="verification", device_id=device_id, now=now
            )
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
        self,
        pack: Pack,
        confirmed: Collection[str],
        *,
        participants: Sequence[Participant],
        side: str,
        by_id: int,
        by_name: str,
        now: dt.datetime,
    ) -> TimeOut:
        """The Universal Protocol time-out: its own step, with its own time, before the
        procedure; every item of ``pack.timeout`` confirmed aloud, who was there (at least a
        nurse and a clinician) and the side they confirmed, which must be the consent's."""
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
        roles = {p.role for p in participants}
        if not {"nurse", "clinician"} <= roles:
            raise DomainError(
                "Name everyone present at the time-out: at least a nurse and a clinician."
            )
        if not side:
            raise DomainError("Choose the side the team confirmed aloud.")
        if side != self.site:
            raise DomainError(
                f"The side confirmed ({site_label(side, 'en')}) is not the consent's "
                f"({site_label(self.site, 'en')}). Stop: a clinician puts the consent on hold."
            )
        self.timeout = TimeOut(
            items=[i.id for i in pack.timeout],
            performed_at=now,
            by_id=by_id,
            by_name=by_name,
            participants=list(participants),
            side=side,
        )
        self.updated_at = now
        return self.timeout

    # --- clinician ----------------------------------------------------------------------
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
        if self.open_re_explain():
            raise DomainError(
                "The patient answered a check of understanding wrong twice. Go over it again "
                "with them and clear each re-explain flag, with a note, before attesting "
                f"({len(self.open_re_explain())} still open)."
            )
        if not self.is_visit and (missing := self.plan_missing()):  # a visit's is its sign-out
            raise DomainError(
                "Record the treatment plan before attesting. Missing: " + "; ".join(missing) + "."
            )
        self._questions_answered("attesting")

    def _questions_answered(self, before: str) -> None:
        if self.open_questions():
            raise DomainError(
                f"Record your answer or a note for each of the patient's questions before {before} "
                f"({len(self.open_questions())} still open)."
            )

    def attest(
        self, *, by_id: int, by_name: str, device_id: str | None, now: dt.datetime
    ) -> ClinicianAttestation:
        """The clinician's attestation (the one statement) and signature; moves to attested."""
        self.check_attest()
        self.attestation = ClinicianAttestation.signed(
            clinician_id=by_id,
            clinician_name=by_name,
            device_id=device_id,
            now=now,
            visit=self.is_visit,
        )
        self.move_to(Status.ATTESTED, now)
        return self.attestation

    @property
    def awaits_countersign(self) -> bool:
        """A signed refusal no clinician has countersigned yet: it waits on the clinician."""
        return self.status is Status.DECLINED and self.attestation is None

    def check_countersign(self) -> None:
        """May a clinician countersign this refusal? Asked before the password is checked."""
        if self.status is not Status.DECLINED:
            raise DomainError("Only a signed refusal is countersigned; a consent is attested.")
        if self.attestation is not None:
            raise DomainError(
                f"{self.attestation.clinician_name} has already countersigned this refusal."
            )
        self._not_held()
        self._questions_answered("countersigning")

    def countersign_refusal(
        self, *, by_id: int, by_name: str, device_id: str | None, now: dt.datetime
    ) -> ClinicianAttestation:
        """The clinician states the risks of refusing were explained and questions answered;
        the refusal stays a refusal and may now be filed."""
        self.check_countersign()
        self.attestation = ClinicianAttestation.signed(
            clinician_id=by_id, clinician_name=by_name, device_id=device_id, now=now, refusal=True
        )
        self.updated_at = now
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
    def filing_gap(self) -> str | None:
        """What a consent the front desk sees still waits for before it is filed."""
        if self.status is Status.ATTESTED and self.timeout is None:
            return "The time-out has not been recorded yet. File after the procedure."
        if self.status is Status.ATTESTED and not (self.sign_out and self.sign_out.signed):
            return "The procedure's sign-out has not been signed yet. File after the sign-out."
        if self.awaits_countersign:
            return "A clinician must countersign this refusal before it is filed."
        return None

    def file(self, chart_reference: str, *, by_id: int, by_name: str, now: dt.datetime) -> Filing:
        """Filed in the chart under ``chart_reference``: final. A consent needs its time-out
        first (the procedure is done); a signed refusal its clinician's countersignature."""
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
        if gap := self.filing_gap():
            raise DomainError(gap)
        if not chart_reference:
            raise DomainError("Enter the chart reference the PDF was filed under.")
        if len(chart_reference) > 80:
            raise DomainError("The chart reference is too long (80 characters at most).")
        self.filing = Filing(
            by_id=by_id, by_name=by_name, chart_reference=chart_reference, filed_at=now
        )
        self.move_to(Status.FILED, now)
        return self.filing
