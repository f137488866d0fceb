"""The re-explain flag on the staff side (teach-back, issue #15), on SQLite and PostgreSQL: a
patient who answers a check of understanding wrong twice (through the real draft flow) shows
"Re-explain: <topic>" on the queue and search; only a nurse or clinician clears it, with a
note, audited without the note's words; the clinician cannot attest until it is cleared. And
the clinician's page (AppTest) shows the question, both answers with their times, the refusal
before the password, and clears it."""

from __future__ import annotations

import datetime as dt

import pytest
from page_helpers import assert_no_exception, click, patient, signed_in, stored, texts
from staff_db_helpers import BOTH, clinic_on
from staff_helpers import PASSWORD, verified

from accounts.staff import Role
from errors import ConflictError, DomainError
from forms.records import Status
from services import drafts, staff_views, understanding
from services import staff as staff_svc
from services import teach_back as teach_back_svc
from services.re_explain_rows import ReExplainNote, re_explain_lines

QID = "tb.chest"
TOPIC = "Chest pain or trouble breathing"
NOTE = "Went over chest pain with the leaflet: call 911 at once. She says it back in her words."


@pytest.fixture(params=BOTH)
def ctx(request, clock, prepared_data_dir):  # type: ignore[no-untyped-def]
    """This module's context (the staff conftest's ``team`` and ``make_consent`` use it)."""
    with clinic_on(request.param, clock) as context:
        yield context


def _answer_wrong_twice(monkeypatch, between) -> dict[str, bool]:  # type: ignore[no-untyped-def]
    """The demo patient (services.demo) answers ``QID`` wrong twice, with two different wrong
    choices, ``between()`` them, through the real ``services.teach_back.answer``; every other check
    right. Returns the switch: ``{"wrong": False}`` makes the next patients answer it right."""
    real = teach_back_svc.answer
    switch = {"wrong": True}

    def answer(ctx, token, choice, *, advance=False):  # type: ignore[no-untyped-def]
        state = drafts.load_draft(ctx, token)
        mine = state is not None and state.step == f"teach-back-{QID}"
        if choice is None or not mine or not switch["wrong"]:
            return real(ctx, token, choice, advance=advance)
        question = drafts.pack_of(ctx, state).teach_back_question(QID)
        wrong = [c.id for c in question.choices if not question.is_right(c.id)]
        real(ctx, token, wrong[0])
        between()
        return real(ctx, token, wrong[1 % len(wrong)])

    monkeypatch.setattr(teach_back_svc, "answer", answer)
    return switch


@pytest.fixture
def wrong_twice(monkeypatch, clock):  # type: ignore[no-untyped-def]
    return _answer_wrong_twice(monkeypatch, lambda: clock.advance(minutes=1))


def _flagged(make, ctx):  # type: ignore[no-untyped-def]
    c = make()
    assert ctx.active_pack("en").teach_back, "the active pack has no checks of understanding"
    assert [r.question_id for r in c.open_re_explain()] == [QID]
    return c


def test_the_flag_shows_on_the_queue_and_search_and_waits_on_staff(
    ctx, team, make_consent, wrong_twice
):
    c = _flagged(make_consent, ctx)
    wrong_twice["wrong"] = False
    fine = make_consent(legal_name="Fiona Fineanswers")
    rows = {r.consent_id: r for r in staff_views.nurse_queue(ctx, team[Role.NURSE])}
    row = rows[c.id]
    assert row.re_explain == (ReExplainNote(QID, TOPIC, cleared=False),)
    assert row.open_re_explain == 1
    assert re_explain_lines(row.re_explain, "en") == [(True, f"Re-explain: {TOPIC}")]
    assert rows[fine.id].re_explain == () and rows[fine.id].open_re_explain == 0
    # Not verified yet, no stop flag: still on the clinician's list, as something to act on.
    assert c.status is Status.SUBMITTED
    waiting = [r.consent_id for r in staff_views.clinician_queue(ctx, team[Role.CLINICIAN])]
    assert c.id in waiting and fine.id not in waiting
    [found] = staff_views.search(ctx, team[Role.FRONT_DESK], name=c.patient.legal_name)
    assert re_explain_lines(found.re_explain, "en") == [(True, f"Re-explain: {TOPIC}")]


def test_a_receptionist_cannot_clear_it(ctx, team, make_consent, wrong_twice):
    c = _flagged(make_consent, ctx)
    with pytest.raises(DomainError, match="Only a clinician or nurse can do this"):
        understanding.clear_re_explain(
            ctx, team[Role.FRONT_DESK], c.id, QID, NOTE, expected_version=c.version
        )
    after = stored(ctx, c.id)
    assert after.re_explained == [] and after.version == c.version


def test_a_nurse_clears_it_with_a_note_audited_without_its_words(
    ctx, team, make_consent, wrong_twice, clock
):
    c = _flagged(make_consent, ctx)
    nurse = team[Role.NURSE]
    with pytest.raises(DomainError, match="Write a short note"):
        understanding.clear_re_explain(ctx, nurse, c.id, QID, "   ", expected_version=c.version)
    clock.advance(minutes=5)
    done = understanding.clear_re_explain(ctx, nurse, c.id, QID, NOTE, expected_version=c.version)
    [clearance] = stored(ctx, c.id).re_explained
    assert (clearance.question_id, clearance.note) == (QID, NOTE)
    assert (clearance.by_name, clearance.by_role, clearance.at) == (
        "Nina Nurse",
        "nurse",
        clock.now(),
    )
    assert done.open_re_explain() == [] and done.version == c.version + 1
    with ctx.database.uow() as uow:
        events = [e for e in uow.audit.for_consent(c.id) if e.action == understanding.CLEARED]
    [event] = events
    assert event.actor_role == "nurse" and event.actor_id == str(nurse.id)
    assert event.new == {"question_id": QID, "note_length": len(NOTE), "by": "nurse"}
    assert "leaflet" not in str(event.new) + str(event.old)
    # Once is enough; a page showing the old version is refused, not silently overwritten.
    with pytest.raises(DomainError, match="Nina Nurse already cleared this flag"):
        understanding.clear_re_explain(ctx, nurse, c.id, QID, NOTE, expected_version=done.version)
    with pytest.raises(ConflictError, match="Changed by Nina Nurse"):
        understanding.clear_re_explain(ctx, nurse, c.id, QID, NOTE, expected_version=c.version)
    [row] = [r for r in staff_views.nurse_queue(ctx, nurse) if r.consent_id == c.id]
    assert re_explain_lines(row.re_explain, "en") == [(False, f"Re-explained: {TOPIC}")]
    assert row.open_re_explain == 0


def test_attesting_waits_for_the_flag_then_goes_ahead(ctx, team, make_consent, wrong_twice):
    c = verified(ctx, team, _flagged(make_consent, ctx))
    doc = team[Role.CLINICIAN]
    with pytest.raises(DomainError, match="answered a check of understanding wrong twice"):
        staff_svc.attest(ctx, doc, c.id, password=PASSWORD, expected_version=c.version)
    assert stored(ctx, c.id).status is Status.VERIFIED
    c = understanding.clear_re_explain(ctx, doc, c.id, QID, NOTE, expected_version=c.version)
    assert c.clearance(QID).by_role == "clinician"
    c = staff_svc.attest(ctx, doc, c.id, password=PASSWORD, expected_version=c.version)
    assert c.status is Status.ATTESTED
    # Attested: the flags can no longer change.
    with ctx.database.uow() as uow:
        actions = [e.action for e in uow.audit.for_consent(c.id)]
    assert actions.index(understanding.CLEARED) < actions.index("consent.attested")


def test_the_view_words_the_flag_from_the_pinned_pack(ctx, team, make_consent, wrong_twice):
    c = _flagged(make_consent, ctx)
    view = staff_views.open_consent(ctx, team[Role.NURSE], c.id)
    [flag] = understanding.re_explain_flags(view)
    question = view.staff_pack.teach_back_question(QID)
    wrong = [ch.text for ch in question.choices if not question.is_right(ch.id)]
    assert (flag.topic, flag.question, flag.open) == (TOPIC, question.question, True)
    assert [a.choice for a in flag.attempts] == wrong[:2]
    assert [a.right for a in flag.attempts] == [False, False]
    assert flag.attempts[1].at - flag.attempts[0].at == dt.timedelta(minutes=1)
    assert flag.right_answer == question.choice(question.answer).text


# --- the clinician's page (the app's own context, SQLite) --------------------------------
@pytest.fixture
def app_wrong_twice(app_ctx, monkeypatch):  # type: ignore[no-untyped-def]
    """``wrong_twice`` for the app's own context, whose clock is the system's."""
    return _answer_wrong_twice(monkeypatch, lambda: None)


def test_the_clinician_page_shows_the_flag_refuses_attesting_then_clears_it(
    app_ctx, app_wrong_twice
):
    c = patient(app_ctx)
    at = signed_in(app_ctx, Role.CLINICIAN, roles=[Role.CLINICIAN, Role.NURSE])
    nurse = at.session_state["staff_session"]
    answers = {i.id: ("yes", "") for i in app_ctx.active_pack("en").nurse_checklist}
    c = staff_svc.verify(
        app_ctx, nurse, c.id, answers=answers, password=PASSWORD, expected_version=c.version
    )
    at.switch_page("app_pages/staff_queue.py").run()
    assert_no_exception(at)
    assert f"Re-explain: {TOPIC}" in texts(at)
    at.switch_page("app_pages/staff_clinician.py").run()
    assert_no_exception(at)
    page = texts(at)
    question = app_ctx.active_pack("en").teach_back_question(QID)
    wrong = [ch.text for ch in question.choices if not question.is_right(ch.id)]
    assert "Check of understanding" in page
    assert f"Re-explain: {TOPIC}. The patient answered this check wrong twice." in page
    assert question.question in page
    assert f"Try 1 at {c.created_at:%Y}" in page and f': "{wrong[0]}" (wrong)' in page
    assert f': "{wrong[1]}" (wrong)' in page
    # Before the password: why attesting waits (the record's words); pressing it says so too.
    assert "Go over it again with them and clear each re-explain flag" in page
    next(w for w in at.text_input if w.label == "Your password").input(PASSWORD)
    click(at, "Attest and sign")
    assert_no_exception(at)
    assert any("answered a check of understanding wrong twice" in e.value for e in at.error)
    assert stored(app_ctx, c.id).status is Status.VERIFIED
    # Clearing it, with a note.
    box = next(w for w in at.text_area if w.label.startswith("Note (required): what you went"))
    box.input(NOTE)
    click(at, "Mark as re-explained")
    assert_no_exception(at)
    page = texts(at)
    assert f"Re-explain flag cleared: {TOPIC}." in page
    assert f"Re-explained: {TOPIC}. Cleared by Dr. Carl Clinician (clinician) at" in page
    assert NOTE in page
    assert "Mark as re-explained" not in [b.label for b in at.button]
    assert "Go over it again with them" not in page
    assert stored(app_ctx, c.id).clearance(QID).note == NOTE
    at.switch_page("app_pages/staff_queue.py").run()
    assert f"Re-explained: {TOPIC}" in texts(at) and f"Re-explain: {TOPIC}" not in texts(at)
    at.switch_page("app_pages/staff_clinician.py").run()
    next(w for w in at.text_input if w.label == "Your password").input(PASSWORD)
    click(at, "Attest and sign")
    assert_no_exception(at)
    assert stored(app_ctx, c.id).status is Status.ATTESTED


def test_the_nurse_clears_it_on_the_verify_page(app_ctx, app_wrong_twice):
    c = patient(app_ctx)
    at = signed_in(app_ctx, Role.NURSE)
    at.switch_page("app_pages/staff_verify.py").run()
    assert_no_exception(at)
    assert f"Re-explain: {TOPIC}. The patient answered this check wrong twice." in texts(at)
    click(at, "Mark as re-explained")  # no note: refused in words, nothing stored
    assert_no_exception(at)
    assert any("Write a short note" in e.value for e in at.error)
    assert stored(app_ctx, c.id).re_explained == []
    box = next(w for w in at.text_area if w.label.startswith("Note (required): what you went"))
    box.input(NOTE)
    click(at, "Mark as re-explained")
    assert_no_exception(at)
    assert f"Re-explained: {TOPIC}. Cleared by Nina Nurse (nurse) at" in texts(at)
    assert stored(app_ctx, c.id).clearance(QID).by_role == "nurse"
    assert "Pre-procedure checklist" in texts(at)  # verification goes on as before
