"""The patient's answers to the checks of understanding (teach-back, issue #15) on the tablet: one
answer at a time on the current teach-back screen, kept in the draft with its time, and Next once
the question is done. What an answer means is ``checklist.teach_back``; the screen is
``ui/patient/teach_back.py``; the record's results are made at signing
(``services.draft_record.to_consent``).
"""

from __future__ import annotations

import datetime as dt

from checklist import flow
from checklist import teach_back as tb
from checklist.flow import DraftState, FlowError
from checklist.models import Pack
from services.context import AppContext
from services.drafts import update


def answer(ctx: AppContext, token: str, choice: str | None, *, advance: bool = False) -> DraftState:
    """One answer to this screen's check of understanding (``checklist.teach_back``), kept with
    its time; a question already right, or wrong at every try, takes no more answers. With
    ``advance`` (the screen's Next, ``choice`` None) the patient goes on once the question is
    done; otherwise FlowError says what is missing."""

    def change(state: DraftState, pack: Pack, now: dt.datetime) -> DraftState:
        step = flow.step_by_id(pack, state.step, state.kind)
        if step.kind is not flow.StepKind.TEACH_BACK:
            raise FlowError("patient.missing.no_skipping")
        question = pack.teach_back_question(step.question_ids[0])
        tries = state.teach_back.get(question.id, [])
        if choice is not None:
            if choice not in {c.id for c in question.choices}:
                raise FlowError(
                    "patient.missing.teach_back",
                    [flow.Missing("patient.missing.teach_back", question.id)],
                )
            if tb.may_answer(question, tries):
                state.teach_back[question.id] = [*tries, flow.DraftAttempt(choice=choice, at=now)]
                state.last_activity = now
        return flow.go_next(state, pack, now) if advance else state

    return update(ctx, token, change)
