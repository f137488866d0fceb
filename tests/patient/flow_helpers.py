"""Walk a draft through the flow without Streamlit: what a patient who does everything would do."""

from __future__ import annotations

import datetime as dt

from checklist import flow
from checklist.flow import DraftAnswer, DraftState
from checklist.models import Answer, Pack
from services import consent as svc
from services import drafts
from services.context import AppContext


def complete(state: DraftState, pack: Pack, now: dt.datetime, *, upto: str = "sign") -> DraftState:
    """Fill every screen and go on until ``upto`` is the current step."""
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


def walk_to(ctx: AppContext, token: str, upto: str, *, interpreter: bool = False) -> DraftState:
    """Do what a patient does on each screen, through the service, until ``upto``."""
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
