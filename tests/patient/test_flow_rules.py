"""The order of the patient's screens and what each needs before the patient may go on."""

from __future__ import annotations

import datetime as dt

import pytest
from flow_helpers import complete

from checklist import flow
from checklist.flow import DraftAnswer, DraftState, FlowError, StepKind
from checklist.models import Answer, Pack

NOW = dt.datetime(2026, 11, 23, 14, 0, tzinfo=dt.UTC)


def test_steps_follow_the_pack_order(pack: Pack) -> None:
    steps = flow.steps_for(pack)
    kinds = [s.kind for s in steps]
    assert kinds[:2] == [StepKind.LANGUAGE, StepKind.DETAILS]
    assert kinds[-4:] == [StepKind.PHOTOS, StepKind.INTERPRETER, StepKind.REVIEW, StepKind.SIGN]
    sections = [s for s in steps if s.kind is StepKind.SECTION]
    # One screen per screen id, in the pack's order; benefits and alternatives share one.
    assert [sid for s in sections for sid in s.section_ids] == [s.id for s in pack.sections]
    assert ("benefits", "alternatives") in [s.section_ids for s in sections]
    assert ("aftercare", "warning_signs") in [s.section_ids for s in sections]
    questions = [q for s in steps if s.kind is StepKind.SCREENING for q in s.question_ids]
    assert questions == [q.id for q in pack.screening.questions]
    # The checks of understanding (issue #15): one a screen, after the last section, before photos.
    checks = [n for n, s in enumerate(steps) if s.kind is StepKind.TEACH_BACK]
    assert [steps[n].question_ids for n in checks] == [(q.id,) for q in pack.teach_back]
    if checks:
        assert steps[checks[0] - 1] == sections[-1] and steps[checks[-1] + 1].id == "photos"
        assert checks == list(range(checks[0], checks[-1] + 1))
    assert all(
        1 <= len(s.question_ids) <= flow.SCREENING_GROUP
        for s in steps
        if s.kind is StepKind.SCREENING
    )
    assert len({s.id for s in steps}) == len(steps)


def test_progress_counts_from_one(pack: Pack) -> None:
    total = len(flow.steps_for(pack))
    assert flow.progress(pack, "language") == (1, total)
    assert flow.progress(pack, "sign") == (total, total)


def test_cannot_advance_without_every_acknowledgement(pack: Pack, state: DraftState) -> None:
    s = complete(state, pack, NOW, upto="section-about")
    items = pack.section("about").items
    for item in items[:-1]:
        s.acknowledged[item.id] = NOW
    with pytest.raises(FlowError) as exc:
        flow.go_next(s, pack, NOW)
    assert exc.value.key == "patient.missing.acknowledge"
    assert [m.ref for m in exc.value.missing] == [items[-1].id]
    s.acknowledged[items[-1].id] = NOW
    assert flow.go_next(s, pack, NOW).step != "section-about"


def test_cannot_advance_with_a_screening_question_unanswered(pack: Pack, state: DraftState) -> None:
    s = complete(state, pack, NOW, upto="screening-1")
    step = flow.step_by_id(pack, "screening-1")
    for qid in step.question_ids[1:]:
        s.screening[qid] = DraftAnswer(answer=Answer.NOT_SURE, at=NOW)
    with pytest.raises(FlowError) as exc:
        flow.go_next(s, pack, NOW)
    assert exc.value.missing[0].ref == step.question_ids[0]


def test_details_need_confirmation_and_a_site(pack: Pack, state: DraftState) -> None:
    s = complete(state, pack, NOW, upto="details")
    assert {m.key for m in flow.missing_on(s, pack, flow.step_by_id(pack, "details"))} == {
        "patient.missing.details",
        "patient.missing.site",
    }


def test_photos_and_interpreter_must_be_answered(pack: Pack, state: DraftState) -> None:
    s = complete(state, pack, NOW, upto="photos")
    with pytest.raises(FlowError, match=r"patient\.missing.photos"):
        flow.go_next(s, pack, NOW)
    s = complete(state, pack, NOW, upto="interpreter")
    s.interpreter_used = True  # yes, but nothing about who
    with pytest.raises(FlowError, match=r"patient\.missing.interpreter_details"):
        flow.go_next(s, pack, NOW)


def test_cannot_sign_before_certifying(pack: Pack, state: DraftState) -> None:
    s = complete(state, pack, NOW, upto="review")
    assert not flow.may_sign(s, pack)
    assert [m.key for m in flow.missing_before_signing(s, pack)] == ["patient.missing.certify"]
    with pytest.raises(FlowError, match=r"patient\.missing.certify"):
        flow.go_next(s, pack, NOW)
    s.certified_at = NOW
    assert flow.may_sign(s, pack)
    assert flow.go_next(s, pack, NOW).step == "sign"


def test_may_sign_needs_everything(pack: Pack, state: DraftState) -> None:
    s = complete(state, pack, NOW)
    assert flow.may_sign(s, pack)
    s.acknowledged.pop(pack.section("risks").items[0].id)
    assert not flow.may_sign(s, pack)
    s = complete(state, pack, NOW)
    s.photo_consent = None
    assert not flow.may_sign(s, pack)


def test_back_is_allowed_skipping_ahead_is_not(pack: Pack, state: DraftState) -> None:
    s = complete(state, pack, NOW, upto="section-risks")
    back = flow.go_back(s, pack, NOW)
    assert flow.step_index(pack, back.step) == flow.step_index(pack, "section-risks") - 1
    assert back.furthest == "section-risks"
    assert flow.go_to(back, pack, "section-risks", NOW).step == "section-risks"
    assert flow.go_to(back, pack, "details", NOW).step == "details"
    with pytest.raises(FlowError, match="no_skipping"):
        flow.go_to(back, pack, "review", NOW)
    with pytest.raises(FlowError):
        flow.go_to(back, pack, "no-such-step", NOW)
    assert (
        flow.go_back(
            flow.go_back(complete(state, pack, NOW, upto="details"), pack, NOW), pack, NOW
        ).step
        == "language"
    )


def test_the_sign_screen_is_not_reachable_by_jumping(pack: Pack, state: DraftState) -> None:
    s = complete(state, pack, NOW)
    s.certified_at = None  # changed their mind at review after reaching sign once
    with pytest.raises(FlowError):
        flow.go_to(s, pack, "sign", NOW)


def test_draft_round_trips_through_json(pack: Pack, state: DraftState) -> None:
    import json

    s = complete(state, pack, NOW)
    again = DraftState.from_dict(json.loads(json.dumps(s.to_dict())))
    assert again == s


def test_idle_asks_then_expires(state: DraftState) -> None:
    assert (
        flow.idle_status(state, state.last_activity + dt.timedelta(minutes=4, seconds=59), 5)
        == "active"
    )
    assert flow.idle_status(state, state.last_activity + dt.timedelta(minutes=5), 5) == "ask"
    assert flow.idle_status(state, state.last_activity + dt.timedelta(minutes=6), 5) == "expired"
