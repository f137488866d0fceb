"""The patient's use cases on a real SQLite store: drafts, steps, resume, idle close, submit."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from flow_helpers import PNG, scribble, walk_to
from pypdf import PdfReader

from accounts.staff import Role, StaffUser
from errors import DomainError
from forms.records import Status
from language.i18n import t
from services import consent as svc
from services import drafts, handoff, idle, submission
from services.clock import FixedClock
from services.context import AppContext


def test_start_makes_an_opaque_token_and_audits(ctx: AppContext) -> None:
    token = svc.start_consent(ctx, language="en")
    assert re.fullmatch(r"[A-Za-z0-9_-]{32}", token)  # 24 random bytes, nothing personal
    state = drafts.load_draft(ctx, token)
    assert state is not None and state.step == "details" and state.language == "en"
    with ctx.database.uow() as uow:
        events = uow.audit.query(action="consent.started")
    assert [(e.actor_id, e.actor_role, e.session_id) for e in events] == [
        ("patient", "patient", state.session_id)
    ]
    assert svc.start_consent(ctx, language="en") != token


def test_unknown_or_malformed_tokens_load_nothing(ctx: AppContext) -> None:
    assert drafts.load_draft(ctx, None) is None
    assert drafts.load_draft(ctx, "nope") is None
    assert drafts.load_draft(ctx, "x" * 40) is None
    assert drafts.load_draft(ctx, "'; drop table drafts; --") is None


def test_details_are_checked_with_messages_in_the_patients_language(ctx: AppContext) -> None:
    token = svc.start_consent(ctx, language="es")
    with pytest.raises(DomainError, match="no puede ser en el futuro"):
        svc.confirm_details(
            ctx,
            token,
            legal_name="Ana Núñez",
            date_of_birth=dt.date(2027, 1, 1),
            mrn=None,
            site="left_leg",
        )
    with pytest.raises(DomainError, match="escriba su nombre completo"):
        svc.confirm_details(
            ctx,
            token,
            legal_name="  ",
            date_of_birth=dt.date(1960, 1, 1),
            mrn=None,
            site="left_leg",
        )
    with pytest.raises(DomainError, match="Elija qué pierna"):  # a code, never the words
        svc.confirm_details(
            ctx,
            token,
            legal_name="Ana Núñez",
            date_of_birth=dt.date(1960, 1, 1),
            mrn=None,
            site="Pierna izquierda",
        )
    assert drafts.load_draft(ctx, token).step == "details"  # nothing moved


def test_a_section_cannot_be_left_with_an_item_unticked(ctx: AppContext) -> None:
    token = svc.start_consent(ctx, language="en")
    state = walk_to(ctx, token, "section-about")
    items = [i.id for i in drafts.pack_of(ctx, state).section("about").items]
    ticks = dict.fromkeys(items, True) | {items[-1]: False}
    with pytest.raises(DomainError, match=r"“I understand” for every point \(1 left\)"):
        svc.acknowledge_section(ctx, token, ticked=ticks, questions={"about": (True, "How long?")})
    assert drafts.load_draft(ctx, token).step == "section-about"


def test_acknowledgements_keep_the_time_they_were_first_ticked(
    ctx: AppContext, clock: FixedClock
) -> None:
    token = svc.start_consent(ctx, language="en")
    walk_to(ctx, token, "section-about")
    first = clock.now()
    state = walk_to(ctx, token, "section-options")
    svc.go_back(ctx, token)
    clock.advance(minutes=1)
    walk_to(ctx, token, "section-options")
    state = drafts.load_draft(ctx, token)
    assert {
        state.acknowledged[i.id] for i in drafts.pack_of(ctx, state).section("about").items
    } == {first}


def test_reload_resumes_at_the_same_step(ctx: AppContext) -> None:
    token = svc.start_consent(ctx, language="en")
    walk_to(ctx, token, "section-risks")
    again = drafts.load_draft(ctx, token)  # what a fresh session (reload, restart) sees
    assert again.step == "section-risks" and again.legal_name == "Ana María Núñez"


def test_language_switch_keeps_every_answer(ctx: AppContext) -> None:
    if "es" not in drafts.languages(ctx):
        pytest.skip("the Spanish pack is not on disk yet")
    token = svc.start_consent(ctx, language="en")
    before = walk_to(ctx, token, "section-risks")
    after = svc.set_language(ctx, token, "es")
    assert after.language == "es" and after.step == "section-risks"
    assert after.acknowledged == before.acknowledged and after.screening == before.screening


def test_idle_draft_is_closed(ctx: AppContext, clock: FixedClock) -> None:
    token = svc.start_consent(ctx, language="en")
    walk_to(ctx, token, "section-about")
    clock.advance(minutes=ctx.settings.patient_idle_minutes)
    assert idle.idle_status(ctx, drafts.load_draft(ctx, token)) == "ask"
    svc.still_here(ctx, token)
    assert idle.idle_status(ctx, drafts.load_draft(ctx, token)) == "active"
    clock.advance(minutes=ctx.settings.patient_idle_minutes + 1)
    assert idle.idle_status(ctx, drafts.load_draft(ctx, token)) == "expired"
    assert idle.close_idle(ctx, token) is True
    assert drafts.load_draft(ctx, token) is None
    with pytest.raises(DomainError, match="closed"):
        svc.go_back(ctx, token)


def test_prefill_by_staff_then_patient_confirms(ctx: AppContext, clock: FixedClock) -> None:
    nurse = StaffUser(
        id=7,
        username="nurse.kim",
        display_name="Kim",
        roles=frozenset({Role.NURSE}),
        password_hash="x",
        created_at=clock.now(),
    )
    token = handoff.prefill_draft(
        ctx,
        staff=nurse,
        legal_name="Ana  Núñez",
        date_of_birth=dt.date(1958, 3, 14),
        site="right_leg",
        language="en",
    )
    state = drafts.load_draft(ctx, token)
    assert (state.step, state.legal_name, state.site, state.prefilled_by) == (
        "details",
        "Ana Núñez",
        "right_leg",
        7,
    )
    assert not state.details_confirmed
    # The site is a code (the handoff screen offers the three); words would be stored as words.
    with pytest.raises(DomainError, match="which leg"):
        handoff.prefill_draft(ctx, staff=nurse, site="Left great saphenous", language="en")
    with pytest.raises(DomainError):
        handoff.prefill_draft(ctx, staff=nurse, legal_name="Ana", date_of_birth=dt.date(2030, 1, 1))


def test_decline_needs_the_information_first(ctx: AppContext) -> None:
    token = svc.start_consent(ctx, language="en")
    walk_to(ctx, token, "photos")
    with pytest.raises(DomainError, match="read the information first"):
        svc.go_to_decline(ctx, token)


def _submit(ctx: AppContext, token: str, **kw):
    args = {
        "typed_name": "ana maría  núñez",
        "strokes": scribble(600),
        "png": PNG,
        "pad_size": (600, 240),
        "decision": "consent",
    } | kw
    return submission.submit(ctx, token, **args)


def test_wrong_name_and_trivial_ink_are_refused(ctx: AppContext) -> None:
    token = svc.start_consent(ctx, language="en")
    walk_to(ctx, token, "sign")
    with pytest.raises(DomainError, match="does not match"):
        _submit(ctx, token, typed_name="Ana Nunez")
    with pytest.raises(DomainError, match="sign in the box"):
        _submit(ctx, token, strokes=[], png=None)
    with pytest.raises(DomainError, match="only a line"):
        _submit(ctx, token, strokes=[[{"x": 10, "y": 50, "t": 0}, {"x": 500, "y": 52, "t": 9}]])
    assert drafts.load_draft(ctx, token).step == "sign"


def test_submit_stores_one_consent_with_a_pdf_and_closes_the_draft(ctx: AppContext) -> None:
    token = svc.start_consent(ctx, language="en")
    walk_to(ctx, token, "sign")
    consent = _submit(ctx, token)
    assert consent.status is Status.SUBMITTED and consent.decision == "consent"
    again = _submit(ctx, token)  # a double tap
    assert again.id == consent.id
    assert drafts.load_draft(ctx, token) is None
    with ctx.database.uow() as uow:
        stored = uow.consents.get(consent.id)
        doc = uow.documents.latest(consent.id)
        actions = [e.action for e in uow.audit.for_consent(str(consent.id))]
    assert stored.patient.legal_name == "Ana María Núñez"
    assert len(stored.acknowledgements) == len(
        drafts.pack_of(
            ctx,
            svc.DraftState.model_validate(
                {
                    "session_id": "x",
                    "consent_id": str(consent.id),
                    "language": "en",
                    "created_at": stored.created_at,
                    "last_activity": stored.created_at,
                }
            ),
        ).item_ids()
    )
    assert (
        stored.patient_signature.printed_name == "Ana María Núñez"
        and stored.patient_signature.strokes
    )
    assert stored.photo_consent is True and stored.site == "left_leg"  # the code, not words
    assert doc is not None and doc.kind == "submitted" and doc.pdf.startswith(b"%PDF")
    assert actions[0] == "consent.started" and "consent.submitted" in actions


@pytest.mark.parametrize(
    ("lang", "printed"), [("en", "Left leg"), ("es", "Pierna izquierda (Left leg)")]
)
def test_the_record_stores_the_site_code_and_its_pdf_prints_the_patients_words(
    ctx: AppContext, lang: str, printed: str
) -> None:
    token = svc.start_consent(ctx, language=lang)
    walk_to(ctx, token, "sign")
    consent = _submit(ctx, token)
    with ctx.database.uow() as uow:
        stored = uow.consents.get(consent.id)
        doc = uow.documents.latest(consent.id)
    assert stored.site == "left_leg"
    assert doc is not None
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(doc.pdf)).pages)
    text = " ".join(text.split())
    # The patient's words, and beside them the clinic's (English) words when they differ.
    assert f"{t(lang, 'pdf.patient.site')} {printed}" in text
    assert "left_leg" not in text


def test_decline_stores_a_signed_informed_refusal(ctx: AppContext) -> None:
    token = svc.start_consent(ctx, language="en")
    walk_to(ctx, token, "review")
    svc.go_to_decline(ctx, token)
    consent = _submit(ctx, token, decision="decline")
    assert consent.status is Status.DECLINED and consent.declined
    with ctx.database.uow() as uow:
        doc = uow.documents.latest(consent.id)
        assert [e.action for e in uow.audit.for_consent(str(consent.id))].count(
            "consent.declined"
        ) == 1
    assert doc.kind == "refusal"


def test_interpreter_signs_too(ctx: AppContext) -> None:
    token = svc.start_consent(ctx, language="en")
    walk_to(ctx, token, "sign", interpreter=True)
    with pytest.raises(DomainError, match="interpreter's signature"):
        _submit(ctx, token)
    consent = _submit(ctx, token, interpreter_strokes=scribble(600, loops=2), interpreter_png=PNG)
    assert consent.interpreter.name_or_id == "INT-4471" and consent.interpreter.mode == "phone"
    assert consent.interpreter.signature.role.value == "interpreter"


def test_an_empty_name_and_no_signature_are_both_told_in_the_patients_language(
    ctx: AppContext,
) -> None:
    for lang in ("en", "es"):
        token = svc.start_consent(ctx, language=lang)
        walk_to(ctx, token, "sign")
        with pytest.raises(DomainError) as err:
            _submit(ctx, token, typed_name="  ", strokes=[], png=None)
        assert str(err.value).split("\n\n") == [
            t(lang, "patient.sign.name_empty"),
            t(lang, "patient.sign.ink_empty"),
        ]
        assert drafts.load_draft(ctx, token).step == "sign"


def test_the_stored_signing_time_is_the_moment_of_submitting(
    ctx: AppContext, clock: FixedClock
) -> None:
    token = svc.start_consent(ctx, language="en")
    walk_to(ctx, token, "sign")
    clock.advance(minutes=10)  # the patient lingers on the sign screen
    consent = _submit(ctx, token)
    assert consent.patient_signature.signed_at == clock.now()


def test_a_question_note_keeps_the_words_without_bidi_or_hidden_characters(
    ctx: AppContext,
) -> None:
    token = svc.start_consent(ctx, language="en")
    state = walk_to(ctx, token, "section-about")
    ticks = {i.id: True for i in drafts.pack_of(ctx, state).section("about").items}
    note = "Is the \u202edrug\u202c \u2066safe\u2069 for me?\u200b\x00\u061c"
    state = svc.acknowledge_section(ctx, token, ticked=ticks, questions={"about": (True, note)})
    assert state.questions["about"].note == "Is the drug safe for me?"
    walk_to(ctx, token, "sign")
    consent = _submit(ctx, token)
    assert consent.questions[0].note == "Is the drug safe for me?"


def test_a_question_note_over_the_limit_gets_a_length_message(ctx: AppContext) -> None:
    token = svc.start_consent(ctx, language="es")
    state = walk_to(ctx, token, "section-about")
    ticks = {i.id: True for i in drafts.pack_of(ctx, state).section("about").items}
    with pytest.raises(DomainError) as err:
        svc.acknowledge_section(ctx, token, ticked=ticks, questions={"about": (True, "a" * 2001)})
    assert str(err.value) == t("es", "patient.section.note_too_long", max=2000)


@pytest.mark.parametrize("name", ["Ana\u2066 María Núñez", "Ana María\u061c Núñez", "Ana 😀 Núñez"])
def test_names_with_bidi_controls_or_emoji_are_refused(ctx: AppContext, name: str) -> None:
    token = svc.start_consent(ctx, language="en")
    with pytest.raises(DomainError):
        svc.confirm_details(
            ctx,
            token,
            legal_name=name,
            date_of_birth=dt.date(1958, 3, 14),
            mrn=None,
            site="left_leg",
        )
    assert drafts.load_draft(ctx, token).step == "details"


def test_an_interpreter_name_with_a_bidi_control_is_refused(ctx: AppContext) -> None:
    token = svc.start_consent(ctx, language="en")
    walk_to(ctx, token, "interpreter")
    with pytest.raises(DomainError, match="character we cannot use"):
        svc.record_interpreter(
            ctx, token, used=True, name_or_id="INT\u202e-4471", language="Español", mode="phone"
        )
