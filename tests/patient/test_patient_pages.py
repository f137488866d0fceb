"""AppTest of every patient screen, in English and in Spanish (the signature set via session_state)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from flow_helpers import PNG, scribble, walk_to
from patient_page_helpers import (
    ack_lists,
    html_words,
    no_english,
    open_at,
    shown_now,
    submit,
    texts,
    tick,
)
from streamlit.testing.v1 import AppTest

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


def open_step(app: AppTest, ctx: AppContext, lang: str, step: str) -> tuple[str, AppTest]:
    """A new patient's draft in ``lang``, walked to ``step`` by the services, open on screen."""
    token = svc.start_consent(ctx, language=lang)
    walk_to(ctx, token, step)
    return token, open_at(app, token)


def step_of(ctx: AppContext, token: str) -> str:
    state = drafts.load_draft(ctx, token)
    return state.step if state else "<closed>"


@pytest.mark.parametrize(("lang", "name"), [("en", "English"), ("es", "Español")])
def test_language_screen_starts_a_draft_with_only_a_token_in_the_url(
    app: AppTest, ctx: AppContext, lang: str, name: str
) -> None:
    app.run()
    assert [b.label for b in app.button] == ["English", "Español"]
    app.button(key=f"lang_{lang}").click().run()
    token = app.query_params["resume"]
    assert drafts.valid_token(token) and step_of(ctx, token) == "details"
    assert app.header[0].value == t(lang, "patient.details.title")
    if lang == "es":
        no_english(app)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_details_screen_checks_what_is_typed(app: AppTest, ctx: AppContext, lang: str) -> None:
    token = svc.start_consent(ctx, language=lang)
    at = open_at(app, token)
    if lang == "es":
        no_english(at)
    at.checkbox(key="details:confirm").check()
    at.radio(key="details:site").set_value("right_leg")
    submit(at)
    assert t(lang, "patient.details.name_empty") in at.error[0].value
    assert t(lang, "patient.details.dob_missing") in at.error[0].value
    at.text_input(key="details:name").input("Nguyễn Thị Hương")
    at.selectbox(key="details:month").select(2)
    at.selectbox(key="details:day").select(30)
    at.selectbox(key="details:year").select(1960)
    submit(at)
    assert at.error[0].value == t(lang, "patient.details.dob_invalid")
    at.selectbox(key="details:day").select(29)
    at.selectbox(key="details:year").select(2026)
    at.selectbox(key="details:month").select(12)
    submit(at)
    assert t(lang, "patient.details.dob_future") in at.error[0].value
    at.selectbox(key="details:year").select(1960)
    submit(at)
    assert not at.error
    state = drafts.load_draft(ctx, token)
    assert (state.step, state.legal_name, state.date_of_birth, state.site) == (
        "screening-1",
        "Nguyễn Thị Hương",
        dt.date(1960, 12, 29),
        "right_leg",
    )


def test_mrn_is_asked_only_when_the_clinic_uses_it(
    app: AppTest, ctx: AppContext, monkeypatch
) -> None:
    token = svc.start_consent(ctx, language="en")
    at = open_at(app, token)
    assert not [w for w in at.text_input if w.key == "details:mrn"]
    monkeypatch.setattr(
        resources,
        "app_context",
        lambda: ctx.__class__(
            ctx.settings.model_copy(update={"require_mrn": True}),
            ctx.library,
            ctx.database,
            ctx.sealer,
            ctx.clock,
        ),
    )
    at.run()
    at.text_input(key="details:mrn").input("no good!")
    at.text_input(key="details:name").input("Rosa Delgado")
    at.selectbox(key="details:month").select(5)
    at.selectbox(key="details:day").select(1)
    at.selectbox(key="details:year").select(1970)
    at.radio(key="details:site").set_value("both_legs")
    at.checkbox(key="details:confirm").check()
    submit(at)
    assert at.error[0].value == t("en", "patient.details.mrn_invalid")


@pytest.mark.parametrize("lang", ["en", "es"])
def test_screening_screen_needs_every_answer_and_never_alarms(
    app: AppTest, ctx: AppContext, lang: str
) -> None:
    token, at = open_step(app, ctx, lang, "screening-1")
    assert at.info[0].value == t(lang, "patient.screening.reassure")
    if lang == "es":
        no_english(at)
    radios = [r for r in at.radio if r.key.startswith("q:")]
    assert [o for o in radios[0].options] == [
        t(lang, f"patient.answer.{a}") for a in ("yes", "no", "not_sure")
    ]
    radios[0].set_value("yes")  # an answer that raises a flag
    submit(at)
    assert at.error[0].value == t(lang, "patient.missing.screening", count=len(radios) - 1)
    for r in [r for r in at.radio if r.key.startswith("q:")][1:]:  # elements of the new run
        r.set_value("not_sure")
    submit(at)
    assert not at.error and not at.warning  # flags are recorded, not shown
    state = drafts.load_draft(ctx, token)
    assert state.step == "screening-2"
    assert state.screening[radios[0].key[2:]].answer.value == "yes"


@pytest.mark.parametrize("lang", ["en", "es"])
def test_section_screen_needs_each_i_understand(app: AppTest, ctx: AppContext, lang: str) -> None:
    token, at = open_step(app, ctx, lang, "section-risks")
    if lang == "es":
        no_english(at)
    pack = drafts.pack_of(ctx, drafts.load_draft(ctx, token))
    assert at.header[0].value == pack.section("risks").title
    # No "link to this heading" icon: an 18 px target that only jumps the page on a kiosk.
    assert all(h.proto.hide_anchor for h in at.header)
    [acks] = ack_lists(at)
    assert acks.item_ids == [i.id for i in pack.section("risks").items]
    assert acks.ticked == []
    # One "I understand" for each item, in the patient's language.
    assert html_words(acks.data["html"]).count(t(lang, "patient.section.understand")) == len(
        acks.item_ids
    )
    tick(at, acks.key, acks.item_ids[:-1])
    at.checkbox(key="ask:risks").check()
    at.text_input(key="note:risks").input("¿Duele?")
    submit(at)
    assert at.error[0].value == t(lang, "patient.missing.acknowledge", count=1)
    tick(at, acks.key, acks.item_ids)
    submit(at)
    state = drafts.load_draft(ctx, token)
    assert state.step == "section-preparation"
    assert state.questions["risks"].note == "¿Duele?"


def test_each_health_answer_is_saved_as_it_is_tapped(app: AppTest, ctx: AppContext) -> None:
    token, at = open_step(app, ctx, "en", "screening-1")
    first = next(r for r in at.radio if r.key.startswith("q:"))
    first.set_value("not_sure").run()
    state = drafts.load_draft(ctx, token)  # no Next yet
    assert state.step == "screening-1"
    assert state.screening[first.key.removeprefix("q:")].answer.value == "not_sure"
    again = open_at(AppTest.from_file(PAGE, default_timeout=60), token)  # a reload
    assert again.radio(key=first.key).value == "not_sure"


def test_each_tick_is_saved_as_it_is_tapped_with_its_own_time(
    app: AppTest, ctx: AppContext, clock: FixedClock
) -> None:
    """Every tap on the screen saves the whole screen as it is (a tick's own tap is the list's
    callback, which only a browser can fire: test_patient_flow's reload test; here the question
    box and the note, the same save)."""
    token, at = open_step(app, ctx, "en", "section-risks")
    [acks] = ack_lists(at)
    item_1, item_2 = acks.item_ids[:2]
    tick(at, acks.key, [item_1])
    at.checkbox(key="ask:risks").check().run()
    clock.advance(seconds=40)
    tick(at, acks.key, [item_1, item_2])
    at.text_input(key="note:risks").input("¿Duele?").run()
    # Nothing pressed Next, yet the draft already holds both ticks and the question.
    state = drafts.load_draft(ctx, token)
    assert state.step == "section-risks"
    assert state.acknowledged[item_2] - state.acknowledged[item_1] == dt.timedelta(seconds=40)
    assert state.questions["risks"].note == "¿Duele?"
    # A reload (a new session on the same resume link) draws them ticked.
    again = open_at(AppTest.from_file(PAGE, default_timeout=60), token)
    [acks] = ack_lists(again)
    assert acks.ticked == sorted([item_1, item_2])
    # Unticking is saved too, and the time of a tick that stays is kept through Next.
    tick(again, acks.key, [item_2])
    again.text_input(key="note:risks").input("¿Duele mucho?").run()
    assert item_1 not in drafts.load_draft(ctx, token).acknowledged
    assert drafts.load_draft(ctx, token).acknowledged[item_2] == state.acknowledged[item_2]


@pytest.mark.parametrize("lang", ["en", "es"])
def test_photos_screen_is_a_separate_yes_no(app: AppTest, ctx: AppContext, lang: str) -> None:
    token, at = open_step(app, ctx, lang, "photos")
    if lang == "es":
        no_english(at)
    submit(at)
    assert at.error[0].value == t(lang, "patient.missing.photos")
    at.radio(key="photos:choice").set_value("no")
    submit(at)
    state = drafts.load_draft(ctx, token)
    assert state.photo_consent is False and state.step == "interpreter"


@pytest.mark.parametrize("lang", ["en", "es"])
def test_interpreter_screen_records_who_helped(app: AppTest, ctx: AppContext, lang: str) -> None:
    token, at = open_step(app, ctx, lang, "interpreter")
    if lang == "es":
        no_english(at)
    at.radio(key="interp:used").set_value("yes")
    submit(at)
    assert at.error[0].value == t(lang, "patient.missing.interpreter_details")
    at.text_input(key="interp:name").input("Lucía Ortega")
    at.radio(key="interp:mode").set_value("video")
    submit(at)
    state = drafts.load_draft(ctx, token)
    assert state.step == "review"
    assert (state.interpreter.name_or_id, state.interpreter.language, state.interpreter.mode) == (
        "Lucía Ortega",
        t(lang, f"lang.{lang}"),
        "video",
    )


@pytest.mark.parametrize("lang", ["en", "es"])
def test_review_screen_summarises_and_needs_the_certification(
    app: AppTest, ctx: AppContext, lang: str
) -> None:
    token, at = open_step(app, ctx, lang, "review")
    if lang == "es":
        no_english(at)
    shown = "\n".join(texts(at))
    assert "Ana María Núñez" in shown and t(lang, "patient.site.left_leg") in shown
    assert t(lang, "patient.photos.yes") in shown
    # "Go to sign" appears only once the certification is ticked; until then, a hint.
    assert not [b for b in at.button if b.key == "nav:next"]
    assert t(lang, "patient.review.tick_to_sign") in shown_now(at)
    assert step_of(ctx, token) == "review"
    at.button(key="change:section-risks").click().run()  # a way back to each part
    assert step_of(ctx, token) == "section-risks"
    svc.go_to(ctx, token, "review")
    at.run()
    at.checkbox(key="review:certify").check().run()
    assert at.button(key="nav:next").label == t(lang, "patient.review.to_sign")
    submit(at)
    assert step_of(ctx, token) == "sign"
    assert at.header[0].value == t(lang, "patient.sign.title")


def _draw(at: AppTest, key: str = "sig_patient", strokes=None) -> None:
    at.session_state[key] = {
        "signature": {
            "strokes": scribble(600) if strokes is None else strokes,
            "png": PNG,
            "width": 600,
            "height": 240,
        }
    }


@pytest.mark.parametrize("lang", ["en", "es"])
def test_sign_screen_refuses_wrong_names_and_empty_pads_then_thanks(
    app: AppTest, ctx: AppContext, lang: str
) -> None:
    token, at = open_step(app, ctx, lang, "sign")
    if lang == "es":
        no_english(at)
    at.text_input(key="sign:name").input("Ana María Núñez")
    submit(at)
    assert at.error[0].value == t(lang, "patient.sign.ink_empty")
    _draw(at, strokes=[[{"x": 10, "y": 100, "t": 0}, {"x": 590, "y": 101, "t": 50}]])
    submit(at)
    assert at.error[0].value == t(lang, "patient.sign.ink_line")
    _draw(at)
    at.text_input(key="sign:name").input("Ana Maria Nunez")
    submit(at)
    assert at.error[0].value == t(lang, "patient.sign.name_mismatch")
    at.text_input(key="sign:name").input("ANA MARÍA NÚÑEZ")
    submit(at)
    assert at.title[0].value == t(lang, "patient.thanks.title")
    assert "resume" not in at.query_params
    assert "Ana" not in "\n".join(texts(at))  # nothing of the patient on the thank-you screen
    assert drafts.load_draft(ctx, token) is None
    with ctx.database.uow() as uow:
        consent = uow.consents.find_by_draft_token(token)
    assert consent is not None and consent.pack.language == lang


def test_a_nurse_witnesses_at_hand_back_after_the_page_would_have_cleared(
    app: AppTest, ctx: AppContext, clock: FixedClock
) -> None:
    from services import admin

    admin.add_user(
        ctx,
        None,
        username="nina",
        display_name="Nina Nurse",
        roles=["nurse"],
        password="correct horse battery",
        via_cli=True,
    )
    token, at = open_step(app, ctx, "en", "sign")
    _draw(at)
    at.text_input(key="sign:name").input("Ana María Núñez")
    submit(at)
    at.button(key="thanks:handback").click().run()
    # Typing takes longer than the thank-you page waits: opening the form gives staff time.
    clock.advance(seconds=ctx.settings.thank_you_seconds + 30)
    at.run()
    assert at.title[0].value == t("en", "patient.thanks.title")
    at.text_input[0].input("nina")
    at.text_input[1].input("correct horse battery")
    next(b for b in at.button if b.label == t("en", "staff.handback.button")).click().run()
    assert any("Nina Nurse" in s.value for s in at.success)
    with ctx.database.uow() as uow:
        witness = uow.consents.find_by_draft_token(token).witness
    assert (witness.by_name, witness.where) == ("Nina Nurse", "handback")


def test_thank_you_returns_to_the_start(app: AppTest, ctx: AppContext, clock: FixedClock) -> None:
    _token, at = open_step(app, ctx, "en", "sign")
    _draw(at)
    at.text_input(key="sign:name").input("Ana María Núñez")
    submit(at)
    assert at.title[0].value == t("en", "patient.thanks.title")
    clock.advance(seconds=ctx.settings.thank_you_seconds + 1)
    at.run()
    assert [b.label for b in at.button] == ["English", "Español"]


@pytest.mark.parametrize("lang", ["en", "es"])
def test_decline_from_review_signs_an_informed_refusal(
    app: AppTest, ctx: AppContext, lang: str
) -> None:
    token, at = open_step(app, ctx, lang, "review")
    at.button(key="review:decline").click().run()
    pack = drafts.pack_of(ctx, drafts.load_draft(ctx, token))
    assert at.header[0].value == t(lang, "patient.decline.title")
    assert pack.refusal_statement.split()[0] in "\n".join(texts(at))
    if lang == "es":
        no_english(at)
    _draw(at, "sig_patient:decline")
    at.text_input(key="sign:name").input("ana maría núñez")
    submit(at)
    with ctx.database.uow() as uow:
        consent = uow.consents.find_by_draft_token(token)
    assert consent.status.value == "declined" and consent.certified_at is None


def test_ink_drawn_to_consent_never_signs_a_refusal(app: AppTest, ctx: AppContext) -> None:
    """Signed to consent, then 'I do not want this treatment': the refusal needs its own ink."""
    token, at = open_step(app, ctx, "en", "sign")
    _draw(at)  # on the consent pad
    at.text_input(key="sign:name").input("Ana María Núñez")
    at.button(key="sign:decline").click().run()
    assert at.header[0].value == t("en", "patient.decline.title")
    submit(at)  # nothing drawn on the refusal's pad
    with ctx.database.uow() as uow:
        assert uow.consents.find_by_draft_token(token) is None
    assert any(t("en", "patient.sign.ink_empty") in e.value for e in at.error)
    _draw(at, "sig_patient:decline")
    at.text_input(key="sign:name").input("Ana María Núñez")
    submit(at)
    with ctx.database.uow() as uow:
        assert uow.consents.find_by_draft_token(token).status.value == "declined"


def test_interpreter_signs_on_the_sign_screen(app: AppTest, ctx: AppContext) -> None:
    token = svc.start_consent(ctx, language="es")
    walk_to(ctx, token, "sign", interpreter=True)
    at = open_at(app, token)
    no_english(at)
    _draw(at)
    at.text_input(key="sign:name").input("Ana María Núñez")
    submit(at)
    assert t("es", "patient.interpreter.sign_problem") in at.error[0].value
    _draw(at, "sig_interpreter")
    submit(at)
    with ctx.database.uow() as uow:
        consent = uow.consents.find_by_draft_token(token)
    assert (
        consent.interpreter.signature is not None and consent.interpreter.name_or_id == "INT-4471"
    )


def test_switching_language_mid_flow_keeps_answers(app: AppTest, ctx: AppContext) -> None:
    token = svc.start_consent(ctx, language="en")
    before = walk_to(ctx, token, "section-risks")
    at = open_at(app, token)
    at.segmented_control(key="lang_switch").set_value("es").run()
    assert not at.exception
    pack_es = drafts.pack_of(ctx, drafts.load_draft(ctx, token))
    assert at.header[0].value == pack_es.section("risks").title
    no_english(at)
    after = drafts.load_draft(ctx, token)
    assert after.language == "es" and after.acknowledged == before.acknowledged
    assert after.screening == before.screening and after.legal_name == before.legal_name


def test_large_text_switch_is_saved(app: AppTest, ctx: AppContext) -> None:
    token = svc.start_consent(ctx, language="en")
    at = open_at(app, token)
    at.toggle(key="large_text").set_value(True).run()
    assert drafts.load_draft(ctx, token).large_text is True
    at.run()
    # Large text sets the page's root font (1.5x Streamlit's base size); normal text does not.
    assert any("html { font-size:" in h.proto.body for h in at.get("html"))


def test_idle_patient_is_asked_then_the_screen_is_cleared(
    app: AppTest, ctx: AppContext, clock: FixedClock
) -> None:
    token, at = open_step(app, ctx, "es", "section-about")
    clock.advance(minutes=ctx.settings.patient_idle_minutes)
    at.run()
    assert at.warning[0].value == t("es", "patient.idle.ask")
    at.button(key="still_here").click().run()
    assert not at.warning
    clock.advance(minutes=ctx.settings.patient_idle_minutes + 2)
    at.run()
    assert drafts.load_draft(ctx, token) is None  # closed: nobody can resume it
    assert "resume" not in at.query_params
    assert [b.label for b in at.button] == ["English", "Español"]


def test_a_closed_or_made_up_token_shows_the_start(app: AppTest, ctx: AppContext) -> None:
    app.query_params["resume"] = "A" * 32
    app.run()
    assert [b.label for b in app.button] == [
        "English",
        "Español",
    ] and "resume" not in app.query_params


# --- the new-user review's findings --------------------------------------------------------


def test_the_opening_screen_greets_in_every_language_before_one_is_chosen(
    app: AppTest, ctx: AppContext
) -> None:
    app.run()
    shown = "\n".join(texts(app))
    for code in drafts.languages(ctx):
        welcome = t(code, "patient.language.welcome")
        assert f"lang='{code}'" in shown and welcome in shown
    assert t("en", "patient.language.welcome") != t("es", "patient.language.welcome")


def test_the_year_list_runs_from_this_year_to_the_oldest_acceptable_one(
    app: AppTest, ctx: AppContext, clock: FixedClock
) -> None:
    token = svc.start_consent(ctx, language="en")
    at = open_at(app, token)
    years = at.selectbox(key="details:year").options
    today = clock.now().astimezone(ctx.settings.tz).date()
    assert years[0] == str(today.year) and years[-1] == str(today.year - 120)
    assert [int(y) for y in years] == list(range(today.year, today.year - 121, -1))
    clock.advance(days=400)  # a year on, the list moves with the injected clock
    at = open_at(app, svc.start_consent(ctx, language="en"))
    assert at.selectbox(key="details:year").options[0] == str(today.year + 1)
    assert at.selectbox(key="details:year").options[-1] == str(today.year - 119)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_interpreter_question_is_yes_then_no_and_asks_details_only_after_yes(
    app: AppTest, ctx: AppContext, lang: str
) -> None:
    token, at = open_step(app, ctx, lang, "interpreter")
    assert at.radio(key="interp:used").options == [
        t(lang, "patient.interpreter.yes"),
        t(lang, "patient.interpreter.no"),
    ]
    language_label = t(lang, "patient.interpreter.language")
    assert language_label not in texts(at)  # nothing to fill before anyone said Yes
    at.radio(key="interp:used").set_value("no").run()
    assert language_label not in texts(at)
    at.radio(key="interp:used").set_value("yes").run()
    assert language_label in texts(at)
    at.radio(key="interp:used").set_value("no").run()
    submit(at)
    state = drafts.load_draft(ctx, token)
    assert state.step == "review" and state.interpreter_used is False and state.interpreter is None
    assert language_label not in texts(at)


@pytest.mark.parametrize(
    ("lang", "born"), [("en", "Born March 14, 1958"), ("es", "14 de marzo de 1958")]
)
def test_review_shows_each_part_once_with_its_answers_and_the_date_in_words(
    app: AppTest, ctx: AppContext, lang: str, born: str
) -> None:
    token = svc.start_consent(ctx, language=lang)
    state = walk_to(ctx, token, "review")
    pack = drafts.pack_of(ctx, state)
    at = open_at(app, token)
    shown = [str(m.value) for m in at.markdown]
    title = f"**{pack.screening.title}**"
    assert shown.count(title) == 1
    answers = "\n".join(shown)
    for q in pack.screening.questions:  # every answer listed under the one heading
        assert f"- {q.text} — **{t(lang, 'patient.answer.no')}**" in answers
    assert born in answers and "1958-03-14" not in answers
    assert len([b for b in at.button if b.key == "change:screening-1"]) == 1
    assert not [b for b in at.button if b.key == "change:screening-2"]
    at.button(key="change:screening-1").click().run()
    assert step_of(ctx, token) == "screening-1"


@pytest.mark.parametrize(
    ("lang", "date", "time"),
    [("en", "November 23, 2026", "9:00\u00a0AM"), ("es", "23 de noviembre de 2026", "9:00")],
)
def test_sign_screen_time_is_in_the_patients_words_and_current(
    app: AppTest, ctx: AppContext, clock: FixedClock, lang: str, date: str, time: str
) -> None:
    assert str(ctx.settings.tz) == "America/New_York"  # the fixture clock is 14:00 UTC
    _token, at = open_step(app, ctx, lang, "sign")
    shown = "\n".join(texts(at))
    assert f"{date}, {time}" in shown and "2026-11-23" not in shown
    clock.advance(minutes=4)  # the patient lingers; a tap (or the clock's own rerun) updates it
    at.run()
    assert f"{date}, 9:04" in "\n".join(texts(at))


@pytest.mark.parametrize("lang", ["en", "es"])
def test_sign_with_no_name_and_no_signature_names_both_problems(
    app: AppTest, ctx: AppContext, lang: str
) -> None:
    token, at = open_step(app, ctx, lang, "sign")
    submit(at)
    message = at.error[0].value
    assert t(lang, "patient.sign.name_empty") in message
    assert t(lang, "patient.sign.ink_empty") in message
    assert t(lang, "patient.sign.name_mismatch") not in message
    assert step_of(ctx, token) == "sign"
