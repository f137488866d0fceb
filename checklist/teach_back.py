"""The rules of a check of understanding (teach-back, issue #15), on the patient's attempts.

One question a screen. A right answer ends it. A wrong one shows the pack's explanation and asks
again; after ``MAX_ATTEMPTS`` wrong answers the patient goes on and the consent carries a
"re-explain" flag naming the question's topic (``forms.record_understanding``). Pure: the draft
(``checklist.flow``) and the record both ask these functions, so the tablet, the PDF and the staff
queue can never disagree on what an answer meant.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import Protocol

from checklist.models import TeachBack

MAX_ATTEMPTS = 2  # wrong twice: go on, and a nurse or clinician goes over it again


class Outcome(StrEnum):
    PENDING = "pending"  # not answered yet
    RETRY = "retry"  # answered wrong, may try again: the explanation is shown
    RIGHT = "right"  # answered right (at the first or a later try)
    RE_EXPLAIN = "re_explain"  # wrong every time: staff re-explain and clear the flag


class Attempt(Protocol):
    @property
    def choice(self) -> str: ...


def outcome_of(rights: Sequence[bool]) -> Outcome:
    """Where a question stands after attempts that were right or wrong (oldest first): the one
    rule, asked by the draft (from the pack's answer) and by the record (from what it stored)."""
    if not rights:
        return Outcome.PENDING
    if any(rights):
        return Outcome.RIGHT
    return Outcome.RE_EXPLAIN if len(rights) >= MAX_ATTEMPTS else Outcome.RETRY


def ended(outcome: Outcome) -> bool:
    """Is the question over: answered right, or wrong every try (the patient goes on)?"""
    return outcome in (Outcome.RIGHT, Outcome.RE_EXPLAIN)


def outcome(question: TeachBack, attempts: Sequence[Attempt]) -> Outcome:
    """Where a question stands after these attempts (oldest first)."""
    return outcome_of([question.is_right(a.choice) for a in attempts])


def done(question: TeachBack, attempts: Sequence[Attempt]) -> bool:
    """May the patient go on from this question's screen?"""
    return ended(outcome(question, attempts))


def may_answer(question: TeachBack, attempts: Sequence[Attempt]) -> bool:
    """Is another answer taken? Not once it is right or the tries are used up: the record keeps
    what happened, and going back to the screen shows it."""
    return not done(question, attempts)
