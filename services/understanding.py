"""The check of understanding on the staff side (teach-back, issue #15): each re-explain flag in
the clinic's words, and a nurse or clinician clearing it with a note.

The record stores question and choice ids only; the words come from the pack version the
consent pins, in the clinic's language (``ConsentView.staff_pack``: pack ids are the same in
every language). Clearing goes through ``services.staff._change_consent`` (role check, the
version shown, the record's own rule, save, audit, seal) like every other staff step.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from accounts.staff import Role, StaffUser
from checklist.models import Pack, TeachBack
from forms.record_understanding import ReExplainClearance, TeachBackResult
from forms.records import Consent, Status
from services.auth import StaffSession, require
from services.context import AppContext
from services.staff import _Change, _change_consent
from services.staff_views import ConsentView

# Either may clear a flag; someone who is both is recorded as the clinician.
CLEARS = (Role.CLINICIAN, Role.NURSE)
CLEARED = "consent.re_explain_cleared"


@dataclass(frozen=True)
class AttemptView:
    choice: str  # the words of the choice the patient tapped (its id if the pack lacks it)
    right: bool
    at: dt.datetime


@dataclass(frozen=True)
class ReExplainView:
    """One re-explain flag as staff read it."""

    question_id: str
    topic: str
    question: str
    right_answer: str
    explain: str  # what the tablet showed after the first wrong answer
    attempts: tuple[AttemptView, ...]
    clearance: ReExplainClearance | None

    @property
    def open(self) -> bool:
        return self.clearance is None


def _question(pack: Pack, question_id: str) -> TeachBack | None:
    try:
        return pack.teach_back_question(question_id)
    except KeyError:  # a pack that lacks it: show the ids rather than nothing
        return None


def choice_words(question: TeachBack | None, choice_id: str) -> str:
    if question is None:
        return choice_id
    try:
        return question.choice(choice_id).text
    except KeyError:
        return choice_id


def flag_view(pack: Pack, result: TeachBackResult, consent: Consent) -> ReExplainView:
    q = _question(pack, result.question_id)
    return ReExplainView(
        question_id=result.question_id,
        topic=q.topic if q else result.question_id,
        question=q.question if q else result.question_id,
        right_answer=choice_words(q, q.answer) if q else "—",
        explain=q.explain if q else "",
        attempts=tuple(
            AttemptView(choice_words(q, a.choice), a.right, a.at) for a in result.attempts
        ),
        clearance=consent.clearance(result.question_id),
    )


def re_explain_flags(view: ConsentView) -> list[ReExplainView]:
    """Every re-explain flag of the opened consent, cleared or not, in the pack's order, worded
    from the same pack version in the clinic's language."""
    c = view.consent
    return [flag_view(view.staff_pack, r, c) for r in c.re_explain_flags()]


def clear_re_explain(
    ctx: AppContext,
    staff: StaffSession | None,
    consent_id,
    question_id: str,
    note: str,
    *,
    expected_version: int,
) -> Consent:
    """A nurse or clinician went over a topic again with the patient: the flag is cleared with
    their note (``Consent.clear_re_explain``). The audit event names the question and the note's
    length, not its words (as for the answers to the patient's questions). A verified consent's
    final PDF is sealed again, so it shows the clearance."""

    def apply(consent: Consent, user: StaffUser, staff: StaffSession, now: dt.datetime) -> _Change:
        assert user.id is not None
        role = require(user, *CLEARS)  # the role _change_consent checked, for the record
        done = consent.clear_re_explain(
            question_id,
            note,
            by_id=user.id,
            by_name=user.display_name,
            by_role="clinician" if role is Role.CLINICIAN else "nurse",
            now=now,
        )
        new = {"question_id": done.question_id, "note_length": len(done.note), "by": role.value}
        return _Change(None, new, issue_final=consent.status is not Status.SUBMITTED)

    return _change_consent(ctx, staff, consent_id, expected_version, CLEARS, CLEARED, apply)
