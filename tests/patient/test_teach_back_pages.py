"""AppTest of the checks of understanding on the tablet (teach-back, issue #15): one question a
screen after the sections; right, wrong then right, wrong at every try; what is stored."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flow_helpers import PNG, scribble, walk_to, wrong_choice
from patient_page_helpers import (
    check_answer,
    check_radio,
    no_english,
    open_at,
    shown_now,
    submit,
    teach_back,
)
from streamlit.testing.v1 import AppTest

from checklist import flow
from checklist import teach_back as tb
from checklist.flow import StepKind
from checklist.models import Pack
from language.i18n import t
from language.placeholders import fill
from services import consent as svc
from services import drafts, submission
from services import teach_back as teach_back_svc
from services.clock import FixedClock
from services.context import AppContext
from ui import resources
from ui.patient.questions import item_text

PAGE = str(Path(__file__).resolve().parents[2] / "app_pages" / "patient.py")
NAME = "Ana María Núñez"


@pytest.fixture
def app(ctx: AppContext, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppTest]:
    monkeypatch.setattr(resources, "app_context", lambda: ctx)
    yield AppTest.from_file(PAGE, default_timeout=60)


def _open(app: AppTest, ctx: AppContext, lang: str, n: int = 0) -> tuple[str, Pack, AppTest]:
    """A new draft in ``lang`` walked by the services to the ``n``-th check, open on screen."""
    token = svc.start_consent(ctx, language=lang)
    state = drafts.load_draft(ctx, token)
    assert state is not None
    pack = drafts.pack_of(ctx, state)
    assert len(pack.teach_back) >= 4, f"pack {pack.version} has no checks of understanding"
    walk_to(ctx, token, f"teach-back-{pack.teach_back[n].id}")
    return token, pack, open_at(app, token)


def _tries(ctx: AppContext, token: str, qid: str) -> list[flow.DraftAttempt]:
    state = drafts.load_draft(ctx, token)
    assert state is not None
    return state.teach_back.get(qid, [])


def _step(ctx: AppContext, token: str) -> str:
    state = drafts.load_draft(ctx, token)
    return state.step if state else "<closed>"


def _filled(ctx: AppContext, text: str) -> str:
    return fill(text, ctx.settings.placeholder_values)


def _buttons(at: AppTest) -> list[str]:
    return [b.label for b in at.button]


@pytest.mark.parametrize("lang", ["en", "es"])
def test_right_at_the_first_try_says_so_briefly_then_next(
    app: AppTest, ctx: AppContext, lang: str
) -> None:
    token, pack, at = _open(app, ctx, lang)
    question = pack.teach_back[0]
    assert at.header[0].value == t(lang, "patient.teach_back.title")
    assert t(lang, "patient.teach_back.number", n=1, total=len(pack.teach_back)) in shown_now(at)
    assert at.subheader[0].value == _filled(ctx, question.question)
    radio = check_radio(at)
    assert radio is not None and radio.value is None  # nothing chosen for the patient
    assert radio.options == [_filled(ctx, c.text) for c in question.choices]
    assert t(lang, "patient.next") not in _buttons(at)  # no way on without an answer
    if lang == "es":
        no_english(at)

    check_answer(at, question.answer)
    assert at.success[0].value.startswith(f"**{t(lang, 'patient.teach_back.right')}**")
    assert check_radio(at) is None and t(lang, "patient.teach_back.check") not in _buttons(at)
    assert not at.warning and not at.info  # briefly: no explanation after a right answer
    if lang == "es":
        no_english(at)
    assert [a.choice for a in _tries(ctx, token, question.id)] == [question.answer]
    submit(at)  # Next
    assert _step(ctx, token) == f"teach-back-{pack.teach_back[1].id}"
    assert t(lang, "patient.teach_back.number", n=2, total=len(pack.teach_back)) in shown_now(at)
    assert t(lang, "patient.teach_back.intro") not in shown_now(at)  # said once, on the first


@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_wrong_answer_shows_the_points_again_in_other_words_and_asks_again(
    app: AppTest, ctx: AppContext, lang: str
) -> None:
    token, pack, at = _open(app, ctx, lang)
    question = pack.teach_back[0]
    wrong = wrong_choice(pack, question.id)
    check_answer(at, wrong)
    assert at.warning[0].value == t(lang, "patient.teach_back.wrong")
    shown = shown_now(at)
    items = {i.id: i for _, i in pack.items()}
    for item_id in question.checks:  # each linked item, as the section screen showed it
        assert item_text(ctx, lang, items[item_id]) in shown
    assert _filled(ctx, question.explain) in shown
    assert t(lang, "patient.teach_back.other_words") in shown
    radio = check_radio(at)
    assert radio is not None and radio.value is None  # asked again, nothing chosen
    assert not at.success and t(lang, "patient.next") not in _buttons(at)
    if lang == "es":
        no_english(at)

    check_answer(at, question.answer)
    assert at.success and not at.warning
    assert [a.choice for a in _tries(ctx, token, question.id)] == [wrong, question.answer]
    assert tb.outcome(question, _tries(ctx, token, question.id)) is tb.Outcome.RIGHT
    submit(at)
    assert _step(ctx, token) == f"teach-back-{pack.teach_back[1].id}"


@pytest.mark.parametrize("lang", ["en", "es"])
def test_wrong_twice_says_a_nurse_will_go_over_it_shows_the_answer_and_is_stored(
    app: AppTest, ctx: AppContext, clock: FixedClock, lang: str
) -> None:
    token, pack, at = _open(app, ctx, lang)
    question = pack.teach_back[0]
    wrong = wrong_choice(pack, question.id)
    check_answer(at, wrong)
    first = clock.now()
    clock.advance(seconds=40)  # the patient reads the explanation
    other = next(c.id for c in question.choices if c.id not in (wrong, question.answer))
    check_answer(at, other)
    second = clock.now()
    assert at.warning == [] or at.warning[0].value != t(lang, "patient.teach_back.wrong")
    said = at.info[0].value
    assert t(lang, "patient.teach_back.re_explain") in said
    chose = _filled(ctx, question.choice(other).text)
    assert t(lang, "patient.teach_back.you_chose", answer=chose) in said
    assert t(lang, "patient.teach_back.right_answer") in said
    assert f"**{_filled(ctx, question.choice(question.answer).text)}**" in said
    assert _filled(ctx, question.explain) in said
    assert check_radio(at) is None  # the tries are used: no third answer
    assert t(lang, "patient.next") in _buttons(at)
    if lang == "es":
        no_english(at)
    submit(at)  # the patient goes on
    assert _step(ctx, token) == f"teach-back-{pack.teach_back[1].id}"

    teach_back(at, pack)  # the other checks right
    assert _step(ctx, token) == "photos"
    walk_to(ctx, token, "sign")
    consent = submission.submit(
        ctx,
        token,
        typed_name=NAME,
        strokes=scribble(),
        png=PNG,
        pad_size=(600, 240),
        decision="consent",
    )
    with ctx.database.uow() as uow:
        stored = uow.consents.get(consent.id)
    results = {r.question_id: r for r in stored.teach_back}
    assert list(results) == [q.id for q in pack.teach_back]
    flagged = results[question.id]
    assert [(a.choice, a.right, a.at) for a in flagged.attempts] == [
        (wrong, False, first),
        (other, False, second),
    ]
    assert flagged.re_explain and not flagged.first_time_right
    assert [r.question_id for r in stored.teach_back if r.re_explain] == [question.id]
    assert all(r.first_time_right for r in stored.teach_back if r.question_id != question.id)


def test_a_finished_question_shows_what_happened_and_takes_no_new_answer(
    app: AppTest, ctx: AppContext
) -> None:
    token, pack, at = _open(app, ctx, "en")
    first, second = pack.teach_back[0], pack.teach_back[1]
    check_answer(at, first.answer)
    submit(at)
    assert _step(ctx, token) == f"teach-back-{second.id}"
    at.button(key="FormSubmitter:teach_back-" + t("en", "patient.back")).click().run()
    assert _step(ctx, token) == f"teach-back-{first.id}"  # Back works as on every screen
    assert at.success and check_radio(at) is None
    assert t("en", "patient.teach_back.check") not in _buttons(at)
    # Even a forged answer for the finished question is not taken.
    teach_back_svc.answer(ctx, token, wrong_choice(pack, first.id))
    assert [a.choice for a in _tries(ctx, token, first.id)] == [first.answer]
    at.run()
    assert at.success and not at.warning
    submit(at)  # Next again, to the question after
    assert _step(ctx, token) == f"teach-back-{second.id}"


def test_check_without_a_choice_asks_for_one_and_back_leaves_for_the_last_section(
    app: AppTest, ctx: AppContext
) -> None:
    token, pack, at = _open(app, ctx, "es")
    submit(at)  # "Check my answer" with nothing chosen
    assert at.error[0].value == t("es", "patient.missing.teach_back")
    assert _tries(ctx, token, pack.teach_back[0].id) == []
    at.button(key="FormSubmitter:teach_back-" + t("es", "patient.back")).click().run()
    sections = [s for s in flow.steps_for(pack) if s.kind is StepKind.SECTION]
    assert _step(ctx, token) == sections[-1].id


def test_large_text_mode_keeps_the_question_and_its_choices(app: AppTest, ctx: AppContext) -> None:
    token, pack, at = _open(app, ctx, "en")
    at.toggle(key="large_text").set_value(True).run()
    assert not at.exception
    state = drafts.load_draft(ctx, token)
    assert state is not None and state.large_text
    assert at.subheader[0].value == _filled(ctx, pack.teach_back[0].question)
    check_answer(at, wrong_choice(pack, pack.teach_back[0].id))
    assert at.warning and check_radio(at) is not None


def test_review_counts_the_new_steps_and_its_change_links_still_work(
    app: AppTest, ctx: AppContext
) -> None:
    token = svc.start_consent(ctx, language="en")
    walk_to(ctx, token, "review")
    at = open_at(app, token)
    state = drafts.load_draft(ctx, token)
    assert state is not None
    pack = drafts.pack_of(ctx, state)
    n, total = flow.progress(pack, "review")
    assert total == len(flow.steps_for(pack)) and n == total - 1
    assert t("en", "patient.progress", n=n, total=total) in shown_now(at)
    # The checks are no part of the form to change: no Change button leads to one.
    assert not [b for b in at.button if str(b.key).startswith("change:teach-back")]
    at.button(key="change:photos").click().run()
    assert _step(ctx, token) == "photos"
    at.button(key="FormSubmitter:photos-" + t("en", "patient.back")).click().run()
    last = pack.teach_back[-1]
    assert _step(ctx, token) == f"teach-back-{last.id}"  # Back from photos: the last check
    assert at.success  # answered right on the way: shown, not asked again
    at.button(key="nav:back").click().run()
    assert _step(ctx, token) == f"teach-back-{pack.teach_back[-2].id}"
