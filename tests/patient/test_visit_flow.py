"""A visit's steps and the draft's moves within a course, without a database (checklist.flow,
checklist.course_flow)."""

from __future__ import annotations

import datetime as dt

from flow_helpers import complete

from checklist import course_flow, flow
from checklist.flow import DraftAnswer, DraftReconsent, DraftState, StepKind
from checklist.models import Answer, Pack, SectionKind

T0 = dt.datetime(2026, 11, 23, 14, 0, tzinfo=dt.UTC)


def _visit(state: DraftState) -> DraftState:
    s = state.model_copy(deep=True)
    s.language, s.step, s.furthest = "en", "details", "details"
    s.legal_name, s.date_of_birth, s.site = "Ana María Núñez", dt.date(1958, 3, 14), "left_leg"
    s.details_confirmed = True
    return course_flow.as_visit(s, "6f1c1c1e-0000-4000-8000-00000000000c", 2)


def _do_visit(state: DraftState, pack: Pack, upto: str = "sign") -> DraftState:
    s = state
    while s.step != upto:
        step = flow.step_by_id(pack, s.step, s.kind)
        if step.kind is StepKind.CHANGES:
            s.changed_since_last, s.changed_answered_at = False, T0
        for qid in step.question_ids:
            s.screening[qid] = DraftAnswer(answer=Answer.NO, at=T0)
        for _, item in flow.items_on(pack, step):
            s.acknowledged[item.id] = T0
        if step.kind is StepKind.INTERPRETER:
            s.interpreter_used = False
        if step.kind is StepKind.REVIEW:
            s.certified_at = T0
        s = flow.go_next(s, pack, T0)
    return s


def test_a_visit_asks_what_changed_the_questions_and_the_key_risks_without_photos(
    pack: Pack,
) -> None:
    steps = flow.steps_for(pack, "visit")
    kinds = [s.kind for s in steps]
    screening = [s for s in flow.steps_for(pack) if s.kind is StepKind.SCREENING]
    assert kinds == [
        StepKind.LANGUAGE,
        StepKind.DETAILS,
        StepKind.CHANGES,
        *[StepKind.SCREENING] * len(screening),
        StepKind.RECONFIRM,
        StepKind.INTERPRETER,
        StepKind.REVIEW,
        StepKind.SIGN,
    ]
    # The same health questions in the same groups as the full consent.
    assert [s.question_ids for s in steps if s.kind is StepKind.SCREENING] == [
        s.question_ids for s in screening
    ]
    reconfirm = next(s for s in steps if s.kind is StepKind.RECONFIRM)
    assert list(reconfirm.item_ids) == [i.id for _, i in flow.reconfirm_items(pack)]
    assert flow.progress(pack, "reconfirm", "visit")[1] == len(steps)
    assert len(steps) < len(flow.steps_for(pack))


def test_the_items_asked_again_are_the_marked_ones_or_every_risk(pack: Pack) -> None:
    marked = pack.reconfirm_items()
    if marked:
        assert flow.reconfirm_items(pack) == marked
    unmarked = pack.model_copy(
        update={
            "sections": tuple(
                s.model_copy(
                    update={
                        "items": tuple(i.model_copy(update={"reconfirm": False}) for i in s.items)
                    }
                )
                for s in pack.sections
            )
        }
    )
    risks = [i.id for s in pack.sections if s.kind is SectionKind.RISKS for i in s.items]
    assert [i.id for _, i in flow.reconfirm_items(unmarked)] == risks and risks


def test_a_visit_needs_each_key_risk_and_the_changes_answer_before_signing(
    state: DraftState, pack: Pack
) -> None:
    s = _visit(state)
    assert s.step == "details" and s.acknowledged == {}
    s = flow.go_next(s, pack, T0)
    assert s.step == "changes"
    missing = flow.missing_on(s, pack, flow.current_step(s, pack))
    assert [m.key for m in missing] == ["patient.missing.changes"]
    done = _do_visit(s, pack)
    assert flow.may_sign(done, pack)
    assert set(done.acknowledged) == {i.id for _, i in flow.reconfirm_items(pack)}
    assert done.photo_consent is None
    one = next(iter(done.acknowledged))
    gap = done.model_copy(
        update={"acknowledged": {k: v for k, v in done.acknowledged.items() if k != one}}
    )
    assert [(m.key, m.ref) for m in flow.missing_before_signing(gap, pack)] == [
        ("patient.missing.acknowledge", one)
    ]
    assert flow.reached_review(done, pack)


def test_moving_on_clears_the_notice(state: DraftState, pack: Pack) -> None:
    s = _visit(state)
    s.notice = "patient.course.visit"
    assert flow.go_next(s, pack, T0).notice is None
    s.step = "changes"
    assert flow.go_back(s, pack, T0).notice is None


def test_a_visit_turned_into_the_full_consent_keeps_the_health_answers_only(
    state: DraftState, pack: Pack
) -> None:
    s = _do_visit(flow.go_next(_visit(state), pack, T0), pack, "reconfirm")
    s.acknowledged["risk.x"] = T0
    full = course_flow.as_full_consent(
        s, DraftReconsent(consent_id=s.course_consent_id or "", reason="new_stop_answer")
    )
    assert full.kind == "consent" and full.reconsent is not None
    assert full.screening == s.screening and full.acknowledged == {}
    assert full.course_consent_id is None and full.session is None
    assert full.changed_since_last is None
    assert full.furthest == full.step == "reconfirm"
    # Its current step is not in the full flow: it resumes at the first screen still to do.
    assert flow.current_step(full, pack).kind is StepKind.SECTION
    assert not flow.may_sign(full, pack)


def test_a_draft_moved_to_a_new_version_reads_again_from_the_first_content_screen(
    state: DraftState, pack: Pack
) -> None:
    done = complete(state, pack, T0)
    assert flow.may_sign(done, pack)
    moved = course_flow.on_new_version(done, pack)
    assert moved.pack_version == pack.version and moved.content_updated
    assert moved.acknowledged == {} and moved.certified_at is None and moved.questions == {}
    first = next(s for s in flow.steps_for(pack) if s.kind is StepKind.SECTION)
    assert moved.step == moved.furthest == first.id
    assert moved.screening == done.screening
    assert moved.notice == course_flow.CONTENT_UPDATED
    assert not flow.may_sign(moved, pack)
