"""A returning patient on the tablet (issue #14), on a real SQLite store: within the course a
short visit, otherwise the full consent with the reason; the visit record; the draft version rule."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
import yaml
from course_helpers import DOB, NAME, attested, course, sign, signed, team, walk

from accounts.staff import Role
from checklist import flow
from checklist.loader import SHIPPED_DIR, load_library
from errors import DomainError
from forms.course import add_months
from forms.records import Status
from language.i18n import t
from services import consent as svc
from services import drafts
from services.clock import FixedClock
from services.context import AppContext


def _events(ctx: AppContext, action: str):
    with ctx.database.uow() as uow:
        return uow.audit.query(action=action)


def _stop_question(ctx: AppContext) -> str:
    pack = ctx.active_pack("en")
    return next(r.question for r in pack.screening.rules if r.flag.value == "stop")


def test_a_returning_patient_within_the_course_gets_the_short_visit(ctx: AppContext) -> None:
    first = course(ctx, team(ctx))
    assert first.course is not None and first.kind == "consent"
    token = svc.start_consent(ctx, language="en")
    state = walk(ctx, token, "changes")
    assert state.kind == "visit" and state.session == 2
    assert state.course_consent_id == str(first.id)
    assert state.notice == "patient.course.visit"
    started = _events(ctx, "visit.started")
    assert [e.new for e in started] == [{"course": str(first.id), "session": 2}]
    assert NAME not in str(started[0].new)  # ids and numbers only
    pack = drafts.pack_of(ctx, state)
    kinds = [s.kind for s in flow.steps_for(pack, "visit")]
    assert flow.StepKind.PHOTOS not in kinds and flow.StepKind.SECTION not in kinds


def test_a_visit_record_names_its_course_and_only_the_reconfirmed_items(
    ctx: AppContext, clock: FixedClock
) -> None:
    people = team(ctx)
    first = course(ctx, people)
    clock.advance(days=21)
    token = svc.start_consent(ctx, language="en")
    walk(ctx, token, changed=True)
    visit = sign(ctx, token)
    assert visit.kind == "visit" and visit.status is Status.SUBMITTED
    assert visit.course is None and visit.replaces is None and visit.photo_consent is None
    assert visit.visit_of is not None
    assert visit.visit_of.consent_id == first.id and visit.visit_of.session == 2
    assert visit.visit_of.consent_signed_at == first.patient_signature.signed_at
    assert visit.visit_of.consent_pack_version == first.pack.version
    assert visit.visit_of.changed_since_last is True
    assert visit.visit_of.changed_answered_at == clock.now()
    pack = ctx.library.get("sclerotherapy", visit.pack.version, "en")
    wanted = {i.id for _, i in flow.reconfirm_items(pack)}
    assert {a.item_id for a in visit.acknowledgements} == wanted
    assert len(wanted) < len(pack.item_ids())
    assert {a.question_id for a in visit.screening} == {q.id for q in pack.screening.questions}
    with ctx.database.uow() as uow:  # stored as such
        again = uow.consents.get(visit.id)
    assert again.visit_of == visit.visit_of and again.kind == "visit"
    # The next visit is session 3 once this one is signed.
    token = svc.start_consent(ctx, language="en")
    assert walk(ctx, token, "changes").session == 3


def test_a_double_tap_on_a_visit_makes_one_record(ctx: AppContext) -> None:
    course(ctx, team(ctx))
    token = svc.start_consent(ctx, language="en")
    walk(ctx, token)
    one, two = sign(ctx, token), sign(ctx, token)
    assert one.id == two.id
    with ctx.database.uow() as uow:
        assert len([c for c in uow.consents.for_patient(NAME, DOB) if c.is_visit]) == 1


def test_a_declined_visit_is_a_refusal_of_this_session(ctx: AppContext) -> None:
    first = course(ctx, team(ctx))
    token = svc.start_consent(ctx, language="en")
    walk(ctx, token, "review")
    refusal = sign(ctx, token, decision="decline")
    assert refusal.status is Status.DECLINED and refusal.kind == "visit"
    assert refusal.visit_of is not None and refusal.visit_of.consent_id == first.id
    # A refused session uses none: the next check-in is session 2 again.
    token = svc.start_consent(ctx, language="en")
    assert walk(ctx, token, "changes").session == 2


@pytest.mark.parametrize("why", ["expired", "sessions_used"])
def test_an_expired_or_used_up_course_needs_the_full_consent(
    ctx: AppContext, clock: FixedClock, why: str
) -> None:
    ctx = dataclasses.replace(
        ctx, settings=ctx.settings.model_copy(update={"course_sessions": 2, "course_months": 3})
    )
    people = team(ctx)
    first = course(ctx, people)
    assert first.course is not None and first.course.sessions == 2  # the clinic's settings
    signed_on = first.patient_signature.signed_at.astimezone(ctx.settings.tz).date()
    assert first.course.valid_until == add_months(signed_on, 3)
    if why == "expired":
        clock.advance(days=100)
    else:
        attested(ctx, people, signed(ctx))  # session 2, the last one
    token = svc.start_consent(ctx, language="en")
    state = walk(ctx, token, "screening-1")
    assert state.kind == "consent"
    assert state.reconsent is not None and state.reconsent.reason == why
    assert state.reconsent.consent_id == str(first.id)
    assert state.notice == f"patient.course.reconsent.{why}"
    assert t("en", state.notice) != state.notice and t("es", state.notice) != state.notice
    assert [e.new["reason"] for e in _events(ctx, "consent.reconsent_required")] == [why]
    again = sign(ctx, _finish(ctx, token))
    assert again.kind == "consent" and again.course is not None
    assert again.replaces is not None and again.replaces.consent_id == first.id
    assert again.replaces.reason.value == why


def _finish(ctx: AppContext, token: str) -> str:
    walk(ctx, token)
    return token


def test_no_course_means_the_full_consent_as_today(ctx: AppContext) -> None:
    token = svc.start_consent(ctx, language="en")
    state = walk(ctx, token, "screening-1")
    assert state.kind == "consent" and state.reconsent is None and state.notice is None
    c = sign(ctx, _finish(ctx, token))
    assert c.course is not None and c.replaces is None
    assert c.course.sessions == ctx.settings.course_sessions
    # Signed but not attested yet: no course to continue, so a full consent again.
    token = svc.start_consent(ctx, language="en")
    assert walk(ctx, token, "screening-1").kind == "consent"


def test_another_leg_or_another_birth_date_is_not_this_course(ctx: AppContext) -> None:
    course(ctx, team(ctx))
    token = svc.start_consent(ctx, language="en")
    assert walk(ctx, token, "screening-1", site="right_leg").kind == "consent"
    token = svc.start_consent(ctx, language="en")
    assert walk(ctx, token, "screening-1", dob=dt.date(1958, 3, 15)).kind == "consent"


def test_a_new_stop_answer_at_the_visit_means_the_full_consent(ctx: AppContext) -> None:
    first = course(ctx, team(ctx))
    stop = _stop_question(ctx)
    token = svc.start_consent(ctx, language="en")
    state = walk(ctx, token, "screening-1")
    assert state.kind == "visit"
    pack = drafts.pack_of(ctx, state)
    step = next(s for s in flow.steps_for(pack, "visit") if stop in s.question_ids)
    walk(ctx, token, step.id)
    state = svc.answer_screening(
        ctx, token, {q: "yes" if q == stop else "no" for q in step.question_ids}
    )
    assert state.kind == "consent"
    assert state.reconsent is not None and state.reconsent.reason == "new_stop_answer"
    assert state.screening[stop].answer.value == "yes"  # answers kept
    assert state.notice == "patient.course.reconsent.new_stop_answer"
    assert [e.new["reason"] for e in _events(ctx, "consent.reconsent_required")] == [
        "new_stop_answer"
    ]
    # Confirming the details again does not turn it back into a visit.
    svc.go_to(ctx, token, "details")
    state = walk(ctx, token, "screening-1", answers={stop: "yes"})
    assert state.kind == "consent" and state.reconsent.reason == "new_stop_answer"
    c = sign(ctx, _finish_with(ctx, token, stop))
    assert c.kind == "consent" and c.replaces.consent_id == first.id


def _finish_with(ctx: AppContext, token: str, stop: str) -> str:
    walk(ctx, token, answers={stop: "yes"})
    return token


def test_a_stop_answer_the_course_already_carried_is_not_new(ctx: AppContext) -> None:
    """A stop the clinician cleared on the course's consent keeps the visit short."""
    from services import staff

    people = team(ctx)
    stop = _stop_question(ctx)
    first = signed(ctx, answers={stop: "yes"})
    from accounts.staff import Role

    first = staff.review_flag(
        ctx,
        people[Role.CLINICIAN],
        first.id,
        question_id=stop,
        decision="cleared",
        note="Discussed; safe to go ahead.",
        expected_version=first.version,
    )
    attested(ctx, people, first)
    token = svc.start_consent(ctx, language="en")
    state = walk(ctx, token, "reconfirm", answers={stop: "yes"})
    assert state.kind == "visit"


def test_the_course_is_checked_again_when_the_visit_is_signed(
    ctx: AppContext, clock: FixedClock
) -> None:
    first = course(ctx, team(ctx))
    assert first.course is not None
    # A visit begun late on the course's last day, signed after midnight.
    clock.current = dt.datetime.combine(
        first.course.valid_until, dt.time(23, 45), tzinfo=ctx.settings.tz
    ).astimezone(dt.UTC)
    token = svc.start_consent(ctx, language="en")
    assert walk(ctx, token).kind == "visit"
    clock.advance(minutes=20)
    with pytest.raises(DomainError) as err:
        sign(ctx, token)
    assert str(err.value) == t("en", "patient.course.closed")
    state = drafts.load_draft(ctx, token)
    assert state is not None and state.kind == "consent"
    assert state.reconsent is not None and state.reconsent.reason == "expired"
    assert state.acknowledged == {} and state.certified_at is None
    with ctx.database.uow() as uow:
        assert [c.is_visit for c in uow.consents.for_patient(NAME, DOB)] == [False]


# --- the draft version rule ------------------------------------------------------------------


def _content_dir(ctx: AppContext, tmp_path: Path, change: str) -> Path:
    """A copy of the newest shipped pack as a newer version, its change ``change``."""
    lib = ctx.library
    newest = lib.versions("sclerotherapy", "en")[-1]
    major, minor, *_ = (int(p) for p in newest.split("."))
    version = f"{major}.{minor + 1}.0"
    out = tmp_path / "content" / "sclerotherapy" / version
    out.mkdir(parents=True)
    for lang in ("en", "es"):
        data = yaml.safe_load((SHIPPED_DIR / "sclerotherapy" / newest / f"{lang}.yaml").read_text())
        data["version"] = version
        data["change"] = change
        data["changes"] = "A test copy."
        (out / f"{lang}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True))
    return tmp_path / "content"


def _with_content(ctx: AppContext, content: Path) -> AppContext:
    settings = ctx.settings.model_copy(update={"content_dir": content})
    library = load_library(settings.placeholder_values, [content])
    assert not library.problems, library.problems
    return dataclasses.replace(ctx, settings=settings, library=library)


@pytest.mark.parametrize("change", ["major", "minor"])
def test_a_draft_resumes_on_a_new_major_version_and_finishes_on_its_own_after_a_minor(
    ctx: AppContext, tmp_path: Path, change: str
) -> None:
    token = svc.start_consent(ctx, language="en")
    before = walk(ctx, token, "review")
    old = before.pack_version
    assert before.acknowledged and before.furthest == "review"
    later = _with_content(ctx, _content_dir(ctx, tmp_path, change))
    state = drafts.load_draft(later, token)
    assert state is not None
    if change == "minor":
        assert state.pack_version == old and state.acknowledged == before.acknowledged
        c = sign(later, _finish(later, token))
        assert c.pack.version == old
        return
    new = later.active_pack("en").version
    assert state.pack_version == new and state.content_updated
    assert state.acknowledged == {} and state.certified_at is None
    pack = later.active_pack("en")
    first_section = next(s for s in flow.steps_for(pack) if s.kind is flow.StepKind.SECTION)
    assert state.step == first_section.id == state.furthest
    assert state.notice == "patient.course.content_updated"
    assert state.screening == before.screening  # the health answers stand
    with pytest.raises(DomainError):  # may not sign what was acknowledged on the old text
        sign(later, token)
    c = sign(later, _finish(later, token))
    assert c.pack.version == new
    assert c.course is not None and c.course.content_line == new


def test_a_visit_whose_pack_line_changed_becomes_the_full_consent(
    ctx: AppContext, tmp_path: Path
) -> None:
    first = course(ctx, team(ctx))
    token = svc.start_consent(ctx, language="en")
    assert walk(ctx, token, "reconfirm").kind == "visit"
    later = _with_content(ctx, _content_dir(ctx, tmp_path, "major"))
    state = walk(later, token, "review")
    assert state.kind == "consent" and state.reconsent is not None
    assert state.reconsent.reason == "new_major_version"
    assert state.reconsent.consent_id == str(first.id)


def test_a_staff_hand_over_for_a_returning_patient_ends_in_the_visit(ctx: AppContext) -> None:
    from services import handoff

    people = team(ctx)
    first = course(ctx, people)
    with ctx.database.uow() as uow:
        nurse = uow.users.get(people[Role.NURSE].id)
    token = handoff.prefill_draft(
        ctx, staff=nurse, legal_name=NAME, date_of_birth=DOB, site="left_leg", language="en"
    )
    state = drafts.load_draft(ctx, token)
    assert state is not None and state.kind == "consent" and state.step == "details"
    state = walk(ctx, token, "changes")  # the patient confirms the prefilled details
    assert state.kind == "visit" and state.course_consent_id == str(first.id)
    assert state.prefilled_by == nurse.id
