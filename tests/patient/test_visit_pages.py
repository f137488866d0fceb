"""AppTest of a returning patient's screens (issue #14), in English and in Spanish: the visit's
notice, "has anything changed?", the key risks once more, the review and the sign screen; and
the full consent's sign screen with its course terms."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest
from course_helpers import NAME, course, team, walk
from patient_page_helpers import ack_lists, no_english, open_at, shown_now, submit, tick
from streamlit.testing.v1 import AppTest

from checklist import flow
from language import dates
from language.i18n import t
from services import consent as svc
from services import drafts
from services.clock import FixedClock
from services.context import AppContext
from ui import resources

PAGE = str(Path(__file__).resolve().parents[2] / "app_pages" / "patient.py")


@pytest.fixture
def app(ctx: AppContext, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppTest]:
    monkeypatch.setattr(resources, "app_context", lambda: ctx)
    yield AppTest.from_file(PAGE, default_timeout=60)


def _step(ctx: AppContext, token: str) -> str:
    state = drafts.load_draft(ctx, token)
    return state.step if state else "<closed>"


@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_returning_patient_is_welcomed_to_a_short_check_in_and_asked_what_changed(
    app: AppTest, ctx: AppContext, lang: str
) -> None:
    course(ctx, team(ctx))
    token = svc.start_consent(ctx, language=lang)
    at = open_at(app, token)
    at.text_input(key="details:name").input(NAME)
    at.selectbox(key="details:month").set_value(3)
    at.selectbox(key="details:day").set_value(14)
    at.selectbox(key="details:year").set_value(1958)
    at.radio(key="details:site").set_value("left_leg")
    at.checkbox(key="details:confirm").check()
    submit(at)
    assert _step(ctx, token) == "changes"
    assert at.info[0].value == t(lang, "patient.course.visit", session=2)
    assert at.header[0].value == t(lang, "patient.changes.title")
    assert at.radio(key="changes:choice").label == t(lang, "patient.changes.question")
    if lang == "es":
        no_english(at)
    submit(at)  # no answer yet
    assert at.error[0].value == t(lang, "patient.missing.changes")
    at.radio(key="changes:choice").set_value("yes")
    submit(at)
    assert _step(ctx, token) == "screening-1"
    assert not [i for i in at.info if i.value == t(lang, "patient.course.visit", session=2)]
    state = drafts.load_draft(ctx, token)
    assert state is not None and state.changed_since_last is True


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_key_risks_screen_asks_each_one_again_then_the_review_and_sign_say_the_session(
    app: AppTest, ctx: AppContext, lang: str
) -> None:
    course(ctx, team(ctx))
    token = svc.start_consent(ctx, language=lang)
    state = walk(ctx, token, "reconfirm")
    pack = drafts.pack_of(ctx, state)
    items = flow.reconfirm_items(pack)
    at = open_at(app, token)
    assert at.header[0].value == t(lang, "patient.reconfirm.title")
    lists = ack_lists(at)
    assert [i for a in lists for i in a.item_ids] == [i.id for _, i in items]
    if lang == "es":
        no_english(at)
    submit(at)
    assert t(lang, "patient.missing.acknowledge", count=len(items)) in at.error[0].value
    for a in lists:
        tick(at, a.key, a.item_ids)
    submit(at)
    assert _step(ctx, token) == "interpreter"
    walk(ctx, token, "review")
    at.run()
    shown = shown_now(at)
    assert t(lang, "patient.changes.title") in shown and t(lang, "patient.changes.no") in shown
    assert t(lang, "patient.reconfirm.title") in shown
    assert pack.photo_consent.title not in shown  # a visit asks no photo question
    at.checkbox(key="review:certify").check().run()
    submit(at)
    assert _step(ctx, token) == "sign"
    assert t(lang, "patient.sign.visit", session=2) in shown_now(at)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_full_consent_sign_screen_states_the_course_terms(
    app: AppTest, ctx: AppContext, clock: FixedClock, lang: str
) -> None:
    token = svc.start_consent(ctx, language=lang)
    walk(ctx, token)
    at = open_at(app, token)
    pack = ctx.active_pack(lang)
    from services.submission import course_terms

    terms = course_terms(ctx, pack)
    assert terms.sessions == ctx.settings.course_sessions
    words = t(
        lang,
        "patient.sign.course",
        sessions=terms.sessions,
        date=dates.format_date(lang, terms.valid_until),
    )
    assert words in shown_now(at)
    if lang == "es":
        no_english(at)


def test_an_expired_course_says_why_the_full_consent_is_needed(
    app: AppTest, ctx: AppContext, clock: FixedClock
) -> None:
    ctx2 = dataclasses.replace(ctx, settings=ctx.settings.model_copy(update={"course_months": 1}))
    course(ctx2, team(ctx2))
    clock.advance(days=40)
    token = svc.start_consent(ctx, language="es")
    walk(ctx, token, "screening-1")
    at = open_at(app, token)
    assert at.info[0].value == t("es", "patient.course.reconsent.expired")
    no_english(at)
