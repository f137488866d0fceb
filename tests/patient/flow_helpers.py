"""Walk a draft through the flow without Streamlit: what a patient who does everything would do."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from checklist import flow
from checklist import teach_back as tb
from checklist.flow import DraftAnswer, DraftAttempt, DraftState
from checklist.models import Answer, Pack
from services import consent as svc
from services import drafts
from services import teach_back as teach_back_svc
from services.context import AppContext


def wrong_choice(pack: Pack, question_id: str) -> str:
    """A wrong answer to a check of understanding (the first one the pack lists)."""
    question = pack.teach_back_question(question_id)
    return next(c.id for c in question.choices if not question.is_right(c.id))


def attempts_for(pack: Pack, question_id: str, wrong: int = 0) -> list[str]:
    """The choices a patient taps on a check: ``wrong`` wrong ones, then the right one unless
    the tries are used up (``checklist.teach_back.MAX_ATTEMPTS``)."""
    wrongs = [wrong_choice(pack, question_id)] * min(wrong, tb.MAX_ATTEMPTS)
    right = [pack.teach_back_question(question_id).answer]
    return wrongs + (right if len(wrongs) < tb.MAX_ATTEMPTS else [])


def complete(
    state: DraftState,
    pack: Pack,
    now: dt.datetime,
    *,
    upto: str = "sign",
    wrong: Mapping[str, int] | None = None,
) -> DraftState:
    """Fill every screen and go on until ``upto`` is the current step; each check of
    understanding is answered right, or wrong ``wrong[question id]`` times first."""
    s = state.model_copy(deep=True)
    s.language = pack.language
    while s.step != upto:
        step = flow.step_by_id(pack, s.step)
        if step.kind is flow.StepKind.DETAILS:
            s.legal_name, s.date_of_birth, s.site = (
                "Ana María Núñez",
                dt.date(1958, 3, 14),
                "left_leg",
            )
            s.details_confirmed = True
        if step.kind is flow.StepKind.TEACH_BACK:
            for qid in step.question_ids:
                s.teach_back[qid] = [
                    DraftAttempt(choice=c, at=now)
                    for c in attempts_for(pack, qid, (wrong or {}).get(qid, 0))
                ]
        elif step.kind is flow.StepKind.SCREENING:
            for qid in step.question_ids:
                s.screening[qid] = DraftAnswer(answer=Answer.NO, at=now)
        for sid in step.section_ids:
            for item in pack.section(sid).items:
                s.acknowledged[item.id] = now
        if step.kind is flow.StepKind.PHOTOS:
            s.photo_consent, s.photo_answered_at = False, now
        if step.kind is flow.StepKind.INTERPRETER:
            s.interpreter_used = False
        if step.kind is flow.StepKind.REVIEW:
            s.certified_at = now
        s = flow.go_next(s, pack, now)
    return s


def scribble(width: float = 600, loops: int = 3) -> list[list[dict[str, float]]]:
    """A signature-like squiggle across most of a pad ``width`` wide."""
    import math

    pts = []
    for i in range(120):
        x = 40 + (width - 80) * i / 119
        y = 100 + 40 * math.sin(i / 120 * loops * 2 * math.pi) + 15 * math.cos(i / 7)
        pts.append({"x": round(x, 1), "y": round(y, 1), "t": i * 8})
    return [pts[:60], pts[60:]]


# A 1x1 PNG: what the pad sends, as far as the service is concerned.
PNG = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="


def answer_check(
    ctx: AppContext,
    token: str,
    pack: Pack,
    step: flow.Step,
    wrong: Mapping[str, int] | None = None,
) -> DraftState:
    """A check of understanding's screen, through the service: the answers
    (``attempts_for``), then Next."""
    qid = step.question_ids[0]
    for choice in attempts_for(pack, qid, (wrong or {}).get(qid, 0)):
        teach_back_svc.answer(ctx, token, choice)
    return teach_back_svc.answer(ctx, token, None, advance=True)


def walk_to(
    ctx: AppContext,
    token: str,
    upto: str,
    *,
    interpreter: bool = False,
    wrong: Mapping[str, int] | None = None,
) -> DraftState:
    """Do what a patient does on each screen, through the service, until ``upto``; each check
    of understanding is answered right, or wrong ``wrong[question id]`` times first."""
    state = drafts.load_draft(ctx, token)
    assert state is not None
    pack = drafts.pack_of(ctx, state)
    while state.step != upto:
        step = flow.step_by_id(pack, state.step)
        match step.kind:
            case flow.StepKind.DETAILS:
                state = svc.confirm_details(
                    ctx,
                    token,
                    legal_name="Ana María Núñez",
                    date_of_birth=dt.date(1958, 3, 14),
                    mrn=None,
                    site="left_leg",
                )
            case flow.StepKind.SCREENING:
                state = svc.answer_screening(ctx, token, dict.fromkeys(step.question_ids, "no"))
            case flow.StepKind.SECTION:
                ticks = {i.id: True for sid in step.section_ids for i in pack.section(sid).items}
                state = svc.acknowledge_section(ctx, token, ticked=ticks, questions={})
            case flow.StepKind.TEACH_BACK:
                state = answer_check(ctx, token, pack, step, wrong)
            case flow.StepKind.PHOTOS:
                state = svc.answer_photos(ctx, token, True)
            case flow.StepKind.INTERPRETER:
                if interpreter:
                    state = svc.record_interpreter(
                        ctx,
                        token,
                        used=True,
                        name_or_id="INT-4471",
                        language="Español",
                        mode="phone",
                    )
                else:
                    state = svc.record_interpreter(ctx, token, used=False)
            case flow.StepKind.REVIEW:
                state = svc.certify(ctx, token, True)
            case _:
                raise AssertionError(state.step)
    return state
