"""What the care team adds to a signed consent besides the checklist and the signatures of each
step: the clinicians' reviews of screening flags, the treatment plan (who treats, with what,
when), the staff member who saw the patient sign, the patient's interpreter answer, and the
clinician's answers to the patient's questions.
Their value records, and the record's rules for them (``CareSteps``, mixed into
``forms.records.Consent``). Pure: no Streamlit, no SQL. Codes are stored; words are rendered.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import StringConstraints

from checklist.models import FlagLevel
from checklist.text import MAX_NOTE
from errors import DomainError
from forms.record_base import AwareDatetime, Name, Record
from forms.record_parts import (
    DoctorQuestion,
    FlagReview,
    QuestionAnswer,
    ScreeningAnswer,
    Signature,
    SignerRole,
)
from forms.status import FLAGS_REVIEWABLE, Status, status_words
from language.i18n import REFERENCE, catalog, t

if TYPE_CHECKING:
    from forms.record_parts import ClinicianAttestation, NurseVerification

AGENT_CODE = r"^[a-z][a-z0-9_]{1,39}$"
STRENGTH = r"^\d{1,2}(\.\d{1,2})?%$"
FORMS = ("liquid", "foam")
PLAN_PARTS = {  # what a plan needs before attestation, in the clinic's words
    "clinician": "the treating clinician",
    "sclerosant": "the sclerosant and its strength",
    "form": "liquid or foam",
    "appointment": "the appointment date",
}
Where = Literal["handback", "verification"]


def short_enough(text: str) -> str:
    if len(text) > MAX_NOTE:  # a clear refusal, not the record's validation error
        raise DomainError(f"That text is too long: {len(text):,} characters, at most {MAX_NOTE:,}.")
    return text


def parse_sclerosant(choice: str) -> tuple[str, str]:
    """A clinic's list entry 'polidocanol 1%' as (agent code, strength)."""
    agent, _, strength = (choice or "").strip().rpartition(" ")
    if not re.match(AGENT_CODE, agent) or not re.match(STRENGTH, strength):
        raise DomainError(
            f"{choice!r} is not a sclerosant this clinic lists: write it as the agent's code and "
            "its strength, e.g. 'polidocanol 1%'."
        )
    return agent, strength


def sclerosant_words(agent: str, strength: str, lang: str) -> str:
    """'sodium tetradecyl sulfate 1%' in words of ``lang``: the PDF, FHIR and staff lists."""
    return f"{agent_words(agent, lang)} {strength}"


def agent_words(code: str, lang: str) -> str:
    """The agent in words of ``lang`` ('sodium tetradecyl sulfate'); a clinic's own code that the
    catalog does not name reads as the code with spaces."""
    key = f"pdf.agent.{code}"
    return t(lang, key) if key in catalog(REFERENCE) else code.replace("_", " ")


class TreatmentPlan(Record):
    """Set by staff at hand-over or by the clinician before attesting; a part may still be
    missing until then (``missing``)."""

    clinician_id: int | None = None
    clinician_name: Name | None = None
    agent: Annotated[str, StringConstraints(pattern=AGENT_CODE)] | None = None
    strength: Annotated[str, StringConstraints(pattern=STRENGTH)] | None = None
    form: Literal["liquid", "foam"] | None = None
    appointment_on: dt.date | None = None
    set_by_id: int
    set_by_name: Name
    set_at: AwareDatetime

    def missing(self) -> list[str]:
        gaps = {
            "clinician": self.clinician_id is None,
            "sclerosant": self.agent is None or self.strength is None,
            "form": self.form is None,
            "appointment": self.appointment_on is None,
        }
        return [PLAN_PARTS[k] for k, gap in gaps.items() if gap]

    def sclerosant(self, lang: str) -> str | None:
        if self.agent is None or self.strength is None:
            return None
        return sclerosant_words(self.agent, self.strength, lang)

    @property
    def choice(self) -> str | None:
        """The clinic's list entry this plan was set from ('polidocanol 1%'; parse_sclerosant)."""
        return f"{self.agent} {self.strength}" if self.agent and self.strength else None

    @classmethod
    def of(
        cls,
        *,
        clinician: tuple[int, str] | None,
        sclerosant: str | None,
        form: str | None,
        appointment_on: dt.date | None,
        by_id: int,
        by_name: str,
        now: dt.datetime,
    ) -> TreatmentPlan:
        agent, strength = parse_sclerosant(sclerosant) if sclerosant else (None, None)
        if form is not None and form not in FORMS:
            raise DomainError("Choose liquid or foam.")
        return cls(
            clinician_id=clinician[0] if clinician else None,
            clinician_name=clinician[1] if clinician else None,
            agent=agent,
            strength=strength,
            form=form,  # type: ignore[arg-type]
            appointment_on=appointment_on,
            set_by_id=by_id,
            set_by_name=by_name,
            set_at=now,
        )


class InterpreterAnswer(Record):
    """The patient's answer to "did an interpreter help you?", either way, and when."""

    used: bool
    answered_at: AwareDatetime


class Witness(Record):
    """A staff member who saw the patient sign says so, with the time they said it."""

    by_id: int
    by_name: Name
    at: AwareDatetime
    where: Where  # at hand-back on the tablet, or at the nurse's verification
    signature: Signature


class CareSteps(Record):
    """The fields and rules above, as part of the consent record (``forms.records.Consent``)."""

    treatment: TreatmentPlan | None = None
    witness: Witness | None = None
    interpreter_answer: InterpreterAnswer | None = None  # None in records made before it

    if TYPE_CHECKING:  # the consent's own fields, declared in forms.records.Consent
        status: Status
        updated_at: dt.datetime
        questions: list[DoctorQuestion]
        screening: list[ScreeningAnswer]
        flag_reviews: list[FlagReview]
        patient_signature: Signature | None
        nurse_verification: NurseVerification | None
        attestation: ClinicianAttestation | None

    # --- screening flags ---------------------------------------------------------------------
    def flags(self) -> list[ScreeningAnswer]:
        return [a for a in self.screening if a.flag is not None]

    def open_stop_flags(self) -> list[ScreeningAnswer]:
        """Stop flags no clinician has cleared: they block verify, time-out and attest."""
        cleared = {r.question_id for r in self.flag_reviews if r.decision == "cleared"}
        return [
            a for a in self.flags() if a.flag is FlagLevel.STOP and a.question_id not in cleared
        ]

    def check_flags_may_change(self) -> None:
        """A screening or re-explain flag is reviewed or cleared only while staff may still."""
        if self.status not in FLAGS_REVIEWABLE:
            raise DomainError(
                f"This consent is {status_words(self.status)}; its flags can no longer change."
            )

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
        short_enough(note)
        self.check_flags_may_change()
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

    # --- the plan ---------------------------------------------------------------------------
    def plan_treatment(self, plan: TreatmentPlan) -> TreatmentPlan:
        """Set (or correct) the plan; only until a clinician attests."""
        if self.status not in FLAGS_REVIEWABLE:
            raise DomainError(
                f"This consent is {status_words(self.status)}; its treatment plan can no "
                "longer change."
            )
        self.treatment = plan
        self.updated_at = plan.set_at
        return plan

    def plan_missing(self) -> list[str]:
        return list(PLAN_PARTS.values()) if self.treatment is None else self.treatment.missing()

    # --- questions --------------------------------------------------------------------------
    def open_questions(self) -> list[DoctorQuestion]:
        return [q for q in self.questions if q.answer is None]

    def answer_question(
        self,
        section_id: str,
        text: str,
        *,
        item_id: str | None = None,
        by_id: int,
        by_name: str,
        now: dt.datetime,
    ) -> DoctorQuestion:
        """The clinician's answer to (or note on) one question; a later one replaces it."""
        text = (text or "").strip()
        if not text:
            raise DomainError("Write the answer you gave the patient, or a note.")
        short_enough(text)
        refusal_open = self.status is Status.DECLINED and self.attestation is None
        if self.status not in FLAGS_REVIEWABLE and not refusal_open:
            raise DomainError(
                f"This consent is {status_words(self.status)}; its questions can no longer be "
                "answered here."
            )
        for q in self.questions:
            if q.section_id == section_id and q.item_id == item_id:
                q.answer = QuestionAnswer(text=text, by_id=by_id, by_name=by_name, at=now)
                self.updated_at = now
                return q
        raise DomainError("The patient asked no question there.")

    # --- the witness ------------------------------------------------------------------------
    def check_witness(self, where: Where) -> None:
        """May a staff member say now that they saw the patient sign?"""
        if self.patient_signature is None:
            raise DomainError("The patient has not signed yet: there is no signature to witness.")
        if self.status is Status.ENTERED_IN_ERROR:
            raise DomainError("This consent is entered in error; nothing more is recorded on it.")
        if self.witness is not None:
            raise DomainError(
                f"{self.witness.by_name} already recorded being present when the patient signed."
            )
        if where == "handback" and (
            self.status not in (Status.SUBMITTED, Status.DECLINED) or self.nurse_verification
        ):
            raise DomainError("The tablet was handed back long ago: say so at verification.")

    def record_witness(
        self, *, by_id: int, by_name: str, where: Where, device_id: str | None, now: dt.datetime
    ) -> Witness:
        self.check_witness(where)
        self.witness = Witness(
            by_id=by_id,
            by_name=by_name,
            at=now,
            where=where,
            signature=Signature.by_staff(SignerRole.WITNESS, by_name, by_id, device_id, now),
        )
        self.updated_at = now
        return self.witness
