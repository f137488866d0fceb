"""The check of understanding (teach-back, issue #15) as part of the consent record: each
question's attempts as the patient made them, the re-explain flags they raise, and who cleared
each flag, with their note (``UnderstandingSteps``, mixed into ``forms.records.Consent``).

Codes are stored (question and choice ids, pinned by the record's pack fingerprint); words are
rendered from the pack. What an answer means comes from ``checklist.teach_back`` alone. Pure.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Literal

from pydantic import Field

from checklist import teach_back as tb
from checklist.models import Pack
from errors import DomainError
from forms.record_base import AwareDatetime, Name, Note, Record
from forms.record_care import CareSteps, short_enough
from forms.status import Status

ClearedBy = Literal["nurse", "clinician"]


class TeachBackAttempt(Record):
    choice: str  # the choice id the patient tapped
    right: bool  # as the pack's answer said at the time (the record pins that pack)
    at: AwareDatetime


class TeachBackResult(Record):
    """One question of the check: every attempt, oldest first."""

    question_id: str
    attempts: list[TeachBackAttempt] = Field(min_length=1)

    @property
    def outcome(self) -> tb.Outcome:
        return tb.outcome_of([a.right for a in self.attempts])

    @property
    def first_time_right(self) -> bool:
        return self.attempts[0].right

    @property
    def re_explain(self) -> bool:
        """Wrong at every try: staff must go over the topic again and clear the flag."""
        return self.outcome is tb.Outcome.RE_EXPLAIN


class ReExplainClearance(Record):
    """A nurse or clinician went over a topic again with the patient, and says how."""

    question_id: str
    note: Note
    by_id: int
    by_name: Name
    by_role: ClearedBy
    at: AwareDatetime


def results_from(
    pack: Pack, attempts: dict[str, list[tuple[str, dt.datetime]]]
) -> list[TeachBackResult]:
    """The record's results from a draft's attempts (question id -> [(choice id, when)]), in the
    pack's order; a question never answered is left out (a refusal may be signed before)."""
    out: list[TeachBackResult] = []
    for question in pack.teach_back:
        tries = attempts.get(question.id) or []
        if tries:
            out.append(
                TeachBackResult(
                    question_id=question.id,
                    attempts=[
                        TeachBackAttempt(choice=c, right=question.is_right(c), at=at)
                        for c, at in tries
                    ],
                )
            )
    return out


class UnderstandingSteps(CareSteps):
    teach_back: list[TeachBackResult] = Field(default_factory=list)
    re_explained: list[ReExplainClearance] = Field(default_factory=list)

    if TYPE_CHECKING:  # the consent's own fields, declared in forms.records.Consent
        status: Status
        updated_at: dt.datetime

    def re_explain_flags(self) -> list[TeachBackResult]:
        """Every question answered wrong at every try, cleared or not."""
        return [r for r in self.teach_back if r.re_explain]

    def open_re_explain(self) -> list[TeachBackResult]:
        """Re-explain flags nobody has cleared yet: they block the clinician's attestation."""
        cleared = {c.question_id for c in self.re_explained}
        return [r for r in self.re_explain_flags() if r.question_id not in cleared]

    def clearance(self, question_id: str) -> ReExplainClearance | None:
        return next((c for c in self.re_explained if c.question_id == question_id), None)

    def check_clear_re_explain(self, question_id: str, note: str) -> str:
        """May this flag be cleared with this note? Returns the note, trimmed."""
        note = (note or "").strip()
        if not note:
            raise DomainError(
                "Write a short note: what you went over with the patient, and that they now "
                "understand it."
            )
        short_enough(note)
        self.check_flags_may_change()
        if question_id not in {r.question_id for r in self.re_explain_flags()}:
            raise DomainError("That check of understanding raised no re-explain flag here.")
        if (done := self.clearance(question_id)) is not None:
            raise DomainError(f"{done.by_name} already cleared this flag.")
        return note

    def clear_re_explain(
        self,
        question_id: str,
        note: str,
        *,
        by_id: int,
        by_name: str,
        by_role: ClearedBy,
        now: dt.datetime,
    ) -> ReExplainClearance:
        """A nurse or clinician went over the topic again with the patient: the flag is cleared,
        with their note, name, role and time."""
        note = self.check_clear_re_explain(question_id, note)
        clearance = ReExplainClearance(
            question_id=question_id,
            note=note,
            by_id=by_id,
            by_name=by_name,
            by_role=by_role,
            at=now,
        )
        self.re_explained = [*self.re_explained, clearance]
        self.updated_at = now
        return clearance
