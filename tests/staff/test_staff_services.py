"""The staff rules, each proven at the service layer against a real SQLite store."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader
from sqlalchemy import text
from staff_helpers import (
    PASSWORD,
    all_yes,
    first_stop_question,
    signed_out,
    time_out,
    timeout_ids,
)

from accounts.staff import Role
from errors import ConflictError, DomainError
from forms.meanings import ATTESTATION_STATEMENT, REFUSAL_STATEMENT
from forms.records import Consent, Status
from forms.sign_out import SignOutEntry
from services import (
    admin,
    audit_trail,
    auth,
    clinic_setup,
    documents,
    sign_out,
    staff,
    staff_care,
    staff_views,
)


def _get(ctx, consent_id) -> Consent:
    with ctx.database.uow() as uow:
        return uow.consents.get(consent_id)


def _audit(ctx, consent_id, action):
    with ctx.database.uow() as uow:
        return [e for e in uow.audit.for_consent(consent_id) if e.action == action]


def _pdf_text(pdf: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)


def _verify(ctx, team, c, **kw):
    kw.setdefault("answers", all_yes(ctx))
    kw.setdefault("password", PASSWORD)
    return staff.verify(ctx, team[Role.NURSE], c.id, expected_version=c.version, **kw)


def _to_attested(ctx, team, c, clock=None):
    c = _verify(ctx, team, c)
    c = time_out(
        ctx, team[Role.NURSE], c.id, confirmed=timeout_ids(ctx), expected_version=c.version
    )
    return staff.attest(
        ctx, team[Role.CLINICIAN], c.id, password=PASSWORD, expected_version=c.version
    )


# --- role checks on every service -----------------------------------------------------------
def _calls(ctx, c):
    v = c.version
    return {
        "nurse_queue": (
            lambda s: staff_views.nurse_queue(ctx, s),
            {Role.NURSE, Role.CLINICIAN, Role.ADMIN},
        ),
        "verify": (
            lambda s: staff.verify(
                ctx, s, c.id, answers=all_yes(ctx), password=PASSWORD, expected_version=v
            ),
            {Role.NURSE},
        ),
        "timeout": (
            lambda s: time_out(ctx, s, c.id, confirmed=[], expected_version=v),
            {Role.NURSE, Role.CLINICIAN},
        ),
        "review_flag": (
            lambda s: staff.review_flag(
                ctx, s, c.id, question_id="x", decision="cleared", note="n", expected_version=v
            ),
            {Role.CLINICIAN},
        ),
        "attest": (
            lambda s: staff.attest(ctx, s, c.id, password=PASSWORD, expected_version=v),
            {Role.CLINICIAN},
        ),
        "hold": (
            lambda s: staff.hold(ctx, s, c.id, reason="r", expected_version=v),
            {Role.CLINICIAN},
        ),
        "enter_in_error": (
            lambda s: staff.enter_in_error(ctx, s, c.id, reason="r", expected_version=v),
            {Role.CLINICIAN},
        ),
        "enter_sign_out": (
            lambda s: sign_out.enter_sign_out(
                ctx, s, c.id, entry=SignOutEntry(), expected_version=v
            ),
            {Role.NURSE, Role.CLINICIAN},
        ),
        "sign_sign_out": (
            lambda s: sign_out.sign_sign_out(
                ctx, s, c.id, justifications={}, password=PASSWORD, expected_version=v
            ),
            {Role.CLINICIAN},
        ),
        "file": (
            lambda s: staff.file_consent(ctx, s, c.id, chart_reference="C1", expected_version=v),
            {Role.FRONT_DESK},
        ),
        "filing_queue": (lambda s: staff_views.filing_queue(ctx, s), {Role.FRONT_DESK, Role.ADMIN}),
        "users": (lambda s: admin.list_users(ctx, s), {Role.ADMIN}),
        "audit": (lambda s: audit_trail.audit_trail(ctx, s), {Role.ADMIN}),
        "packs": (lambda s: clinic_setup.pack_list(ctx, s), {Role.ADMIN}),
        "add_user": (
            lambda s: admin.add_user(
                ctx, s, username="zed", display_name="Z", roles=["nurse"], password=PASSWORD
            ),
            {Role.ADMIN},
        ),
        "export": (
            lambda s: __import__("services.export").export.day_export(
                ctx, s, staff_views.today(ctx)
            ),
            {Role.FRONT_DESK, Role.ADMIN},
        ),
    }


def test_every_service_refuses_a_role_it_does_not_serve_and_changes_nothing(
    ctx, team, make_consent
):
    c = make_consent()
    refusals = 0
    for name, (call, allowed) in _calls(ctx, c).items():
        for role, session in team.items():
            if role in allowed:
                continue
            with pytest.raises(auth.NotAllowed, match="Only a"):
                call(session)
            refusals += 1
        with pytest.raises(auth.NotAllowed, match="sign in"):
            call(None)
        assert _get(ctx, c.id).version == c.version, name
    assert refusals >= 30
    with ctx.database.uow() as uow:
        assert uow.users.by_username("zed") is None


def test_a_role_removed_by_the_admin_stops_working_in_an_open_session(ctx, team, make_consent):
    c = make_consent()
    nurse = team[Role.NURSE]
    admin.set_roles(ctx, team[Role.ADMIN], nurse.id, ["front_desk"])
    with pytest.raises(auth.NotAllowed):
        _verify(ctx, team, c)


# --- nurse ------------------------------------------------------------------------------------
def test_verification_records_each_answer_who_when_and_the_witness_signature(
    ctx, team, make_consent, clock
):
    c = make_consent()
    clock.advance(minutes=5)
    answers = all_yes(ctx)
    first = next(iter(answers))
    answers[first] = ("na", "  not needed today ")
    c = _verify(ctx, team, c, answers=answers)
    stored = _get(ctx, c.id)
    nv = stored.nurse_verification
    assert stored.status is Status.VERIFIED
    assert nv.nurse_name == "Nina Nurse" and nv.verified_at == clock.now()
    assert {a.item_id for a in nv.answers} == set(answers)
    assert all(a.answered_by == "Nina Nurse" and a.answered_at == clock.now() for a in nv.answers)
    assert next(a for a in nv.answers if a.item_id == first).note == "not needed today"
    assert nv.signature.staff_user_id == team[Role.NURSE].id
    assert "Verified by nurse" in nv.signature.meaning
    [event] = _audit(ctx, c.id, "consent.verified")
    assert (event.actor_id, event.actor_role) == (str(team[Role.NURSE].id), "nurse")
    assert event.old == {"status": "submitted"} and event.new["status"] == "verified"


def test_verification_reseals_a_final_pdf_showing_the_nurse(ctx, team, make_consent):
    c = _verify(ctx, team, make_consent())
    doc = documents.download_pdf(ctx, team[Role.FRONT_DESK], c.id)
    assert doc.kind == "final"
    body = _pdf_text(doc.pdf)
    assert "Nina Nurse" in body
    assert "Verified by nurse" in " ".join(body.split())


def test_cannot_verify_an_unsigned_consent(ctx, team, make_consent):
    c = make_consent()
    with ctx.database.uow() as uow:
        draft = uow.consents.get(c.id).model_copy(
            update={
                "id": __import__("uuid").uuid4(),
                "status": Status.DRAFT,
                "patient_signature": None,
                "decision": None,
                "version": 1,
            }
        )
        uow.consents.add(draft)
        uow.commit()
    with pytest.raises(DomainError, match="not signed"):
        staff.verify(
            ctx,
            team[Role.NURSE],
            draft.id,
            answers=all_yes(ctx),
            password=PASSWORD,
            expected_version=1,
        )
    assert _get(ctx, draft.id).status is Status.DRAFT


def test_cannot_complete_with_an_item_unanswered(ctx, team, make_consent):
    c = make_consent()
    answers = all_yes(ctx)
    missing = next(iter(answers))
    del answers[missing]
    with pytest.raises(DomainError, match="Answer every checklist item"):
        _verify(ctx, team, c, answers=answers)
    answers[missing] = ("", "")  # shown but not chosen
    with pytest.raises(DomainError, match="Answer every checklist item"):
        _verify(ctx, team, c, answers=answers)
    assert _get(ctx, c.id).status is Status.SUBMITTED


def test_stop_flag_blocks_the_checklist_until_a_clinician_clears_it(ctx, team, make_consent):
    q = first_stop_question(ctx)
    c = make_consent(answers={q: "yes"})
    assert staff_views.nurse_queue(ctx, team[Role.NURSE])[0].stop_flags == 1
    with pytest.raises(DomainError, match="clinician must clear the stop flag"):
        _verify(ctx, team, c)
    # A nurse cannot clear it herself.
    with pytest.raises(auth.NotAllowed):
        staff.review_flag(
            ctx,
            team[Role.NURSE],
            c.id,
            question_id=q,
            decision="cleared",
            note="ok",
            expected_version=c.version,
        )
    c = staff.review_flag(
        ctx,
        team[Role.CLINICIAN],
        c.id,
        question_id=q,
        decision="upheld",
        note="Needs duplex first",
        expected_version=c.version,
    )
    with pytest.raises(DomainError, match="stop flag"):
        _verify(ctx, team, c)
    with pytest.raises(DomainError, match="note"):
        staff.review_flag(
            ctx,
            team[Role.CLINICIAN],
            c.id,
            question_id=q,
            decision="cleared",
            note="  ",
            expected_version=c.version,
        )
    c = staff.review_flag(
        ctx,
        team[Role.CLINICIAN],
        c.id,
        question_id=q,
        decision="cleared",
        note="Allergy was to penicillin, not sclerosant",
        expected_version=c.version,
    )
    c = _verify(ctx, team, c)
    assert c.status is Status.VERIFIED
    reviews = _get(ctx, c.id).flag_reviews
    assert [(r.decision, r.by_name) for r in reviews] == [("cleared", "Dr. Carl Clinician")]
    assert len(_audit(ctx, c.id, "flag.reviewed")) == 2


def test_wrong_password_at_verification_signs_nothing(ctx, team, make_consent):
    c = make_consent()
    with pytest.raises(auth.WrongPassword):
        _verify(ctx, team, c, password="not my password")
    stored = _get(ctx, c.id)
    assert stored.status is Status.SUBMITTED and stored.nurse_verification is None
    assert stored.version == c.version


def test_timeout_is_its_own_step_with_its_own_time(ctx, team, make_consent, clock):
    c = make_consent()
    with pytest.raises(DomainError, match="after the nurse has verified"):
        time_out(
            ctx, team[Role.NURSE], c.id, confirmed=timeout_ids(ctx), expected_version=c.version
        )
    c = _verify(ctx, team, c)
    with pytest.raises(DomainError, match="Confirm every time-out item"):
        time_out(
            ctx, team[Role.NURSE], c.id, confirmed=timeout_ids(ctx)[1:], expected_version=c.version
        )
    clock.advance(minutes=40)
    c = time_out(
        ctx, team[Role.NURSE], c.id, confirmed=timeout_ids(ctx), expected_version=c.version
    )
    stored = _get(ctx, c.id)
    assert stored.timeout.performed_at == clock.now()
    assert stored.timeout.performed_at - stored.nurse_verification.verified_at == dt.timedelta(
        minutes=40
    )
    assert stored.timeout.items == timeout_ids(ctx)
    assert len(_audit(ctx, c.id, "consent.timeout")) == 1
    with pytest.raises(DomainError, match="already recorded"):
        time_out(
            ctx, team[Role.NURSE], c.id, confirmed=timeout_ids(ctx), expected_version=c.version
        )


def test_concurrent_verification_by_two_nurses(ctx, team, make_consent, clock):
    c = make_consent()
    other = admin.add_user(
        ctx,
        None,
        username="olga",
        display_name="Olga Other",
        roles=["nurse"],
        password=PASSWORD,
        via_cli=True,
    )
    olga = auth.sign_in(ctx, "olga", PASSWORD)
    shown = c.version  # both nurses opened the same version
    staff.verify(ctx, olga, c.id, answers=all_yes(ctx), password=PASSWORD, expected_version=shown)
    with pytest.raises(
        ConflictError,
        match=r"Changed by Olga Other at 2026-11-23 09:00 EST\. "
        "Reload to see the latest",
    ):
        staff.verify(
            ctx,
            team[Role.NURSE],
            c.id,
            answers=all_yes(ctx),
            password=PASSWORD,
            expected_version=shown,
        )
    stored = _get(ctx, c.id)
    assert stored.nurse_verification.nurse_id == other.id
    assert len(_audit(ctx, c.id, "consent.verified")) == 1


def test_a_stale_hold_is_refused_with_the_conflict_message(ctx, team, make_consent):
    c = make_consent()
    _verify(ctx, team, c)
    with pytest.raises(ConflictError, match="Changed by Nina Nurse"):
        staff.hold(ctx, team[Role.CLINICIAN], c.id, reason="wait", expected_version=c.version)


# --- clinician -----------------------------------------------------------------------------
def test_attestation_needs_verification_and_the_password(ctx, team, make_consent):
    c = make_consent()
    with pytest.raises(DomainError, match="nurse must verify"):
        staff.attest(ctx, team[Role.CLINICIAN], c.id, password=PASSWORD, expected_version=c.version)
    c = _verify(ctx, team, c)
    with pytest.raises(auth.WrongPassword):
        staff.attest(
            ctx, team[Role.CLINICIAN], c.id, password="nope nope nope", expected_version=c.version
        )
    assert _get(ctx, c.id).status is Status.VERIFIED
    c = staff.attest(ctx, team[Role.CLINICIAN], c.id, password=PASSWORD, expected_version=c.version)
    stored = _get(ctx, c.id)
    assert stored.status is Status.ATTESTED
    assert stored.attestation.statement == ATTESTATION_STATEMENT
    assert stored.attestation.signature.meaning == "Clinician attestation"
    body = " ".join(_pdf_text(documents.download_pdf(ctx, team[Role.FRONT_DESK], c.id).pdf).split())
    assert "Dr. Carl Clinician" in body and "Clinician attestation" in body


def test_hold_blocks_work_until_released(ctx, team, make_consent):
    c = make_consent()
    with pytest.raises(DomainError, match="reason"):
        staff.hold(ctx, team[Role.CLINICIAN], c.id, reason=" ", expected_version=c.version)
    c = staff.hold(
        ctx, team[Role.CLINICIAN], c.id, reason="Awaiting duplex report", expected_version=c.version
    )
    with pytest.raises(DomainError, match="on hold"):
        _verify(ctx, team, c)
    assert staff_views.nurse_queue(ctx, team[Role.NURSE])[0].on_hold == "Awaiting duplex report"
    c = staff.release(ctx, team[Role.CLINICIAN], c.id, expected_version=c.version)
    assert _verify(ctx, team, c).status is Status.VERIFIED
    assert _audit(ctx, c.id, "consent.held") and _audit(ctx, c.id, "consent.released")


def test_entered_in_error_needs_a_reason_and_keeps_the_record(ctx, team, make_consent):
    c = make_consent()
    with pytest.raises(DomainError, match="reason"):
        staff.enter_in_error(ctx, team[Role.CLINICIAN], c.id, reason="", expected_version=c.version)
    staff.enter_in_error(
        ctx, team[Role.CLINICIAN], c.id, reason="Wrong patient chart", expected_version=c.version
    )
    stored = _get(ctx, c.id)
    assert stored.status is Status.ENTERED_IN_ERROR
    assert stored.error_reason == "Wrong patient chart"
    assert stored.patient_signature is not None
    [event] = _audit(ctx, c.id, "consent.entered_in_error")
    assert event.new["reason"] == "Wrong patient chart"


# --- front desk ---------------------------------------------------------------------------------
def test_cannot_file_an_unattested_consent(ctx, team, make_consent):
    c = make_consent()
    desk = team[Role.FRONT_DESK]
    with pytest.raises(DomainError, match="Only an attested consent"):
        staff.file_consent(ctx, desk, c.id, chart_reference="C-1", expected_version=c.version)
    c = _verify(ctx, team, c)
    with pytest.raises(DomainError, match="Only an attested consent"):
        staff.file_consent(ctx, desk, c.id, chart_reference="C-1", expected_version=c.version)
    assert staff_views.filing_queue(ctx, desk) == []
    assert _get(ctx, c.id).filing is None


def test_filing_needs_the_timeout_and_a_chart_reference(ctx, team, make_consent):
    c = _verify(ctx, team, make_consent())
    c = staff.attest(ctx, team[Role.CLINICIAN], c.id, password=PASSWORD, expected_version=c.version)
    desk = team[Role.FRONT_DESK]
    with pytest.raises(DomainError, match="time-out"):
        staff.file_consent(ctx, desk, c.id, chart_reference="C-1", expected_version=c.version)
    c = time_out(
        ctx, team[Role.NURSE], c.id, confirmed=timeout_ids(ctx), expected_version=c.version
    )
    with pytest.raises(DomainError, match="sign-out has not been signed"):
        staff.file_consent(ctx, desk, c.id, chart_reference="C-1", expected_version=c.version)
    c = signed_out(ctx, team[Role.CLINICIAN], c)
    with pytest.raises(DomainError, match="chart reference"):
        staff.file_consent(ctx, desk, c.id, chart_reference="  ", expected_version=c.version)
    assert [r.consent_id for r in staff_views.filing_queue(ctx, desk)] == [c.id]
    c = staff.file_consent(ctx, desk, c.id, chart_reference="EHR-4711", expected_version=c.version)
    stored = _get(ctx, c.id)
    assert stored.status is Status.FILED
    assert (stored.filing.chart_reference, stored.filing.by_name) == ("EHR-4711", "Fran Front")
    assert staff_views.filing_queue(ctx, desk) == []


def test_cannot_change_a_filed_consent(ctx, team, make_consent):
    c = signed_out(ctx, team[Role.CLINICIAN], _to_attested(ctx, team, make_consent()))
    c = staff.file_consent(
        ctx, team[Role.FRONT_DESK], c.id, chart_reference="EHR-1", expected_version=c.version
    )
    with pytest.raises(DomainError, match=r"already filed \(chart EHR-1\) and cannot be changed"):
        staff.file_consent(
            ctx, team[Role.FRONT_DESK], c.id, chart_reference="EHR-2", expected_version=c.version
        )
    with pytest.raises(DomainError, match="flags can no longer change"):
        staff.review_flag(
            ctx,
            team[Role.CLINICIAN],
            c.id,
            question_id="x",
            decision="cleared",
            note="n",
            expected_version=c.version,
        )
    with pytest.raises(DomainError, match="cannot be put on hold"):
        staff.hold(ctx, team[Role.CLINICIAN], c.id, reason="r", expected_version=c.version)
    with pytest.raises(DomainError):
        staff.attest(ctx, team[Role.CLINICIAN], c.id, password=PASSWORD, expected_version=c.version)
    assert _get(ctx, c.id).filing.chart_reference == "EHR-1"


def test_a_signed_refusal_is_filed_without_verification_once_countersigned(ctx, team, make_consent):
    c = make_consent(decision="decline")
    assert c.status is Status.DECLINED
    with pytest.raises(DomainError, match="refusal"):
        _verify(ctx, team, c)
    doc = documents.download_pdf(ctx, team[Role.FRONT_DESK], c.id)
    assert doc.kind == "refusal"
    with pytest.raises(DomainError, match="A clinician must countersign this refusal"):
        staff.file_consent(
            ctx, team[Role.FRONT_DESK], c.id, chart_reference="EHR-9", expected_version=c.version
        )
    with pytest.raises(auth.WrongPassword):
        staff_care.countersign_refusal(
            ctx, team[Role.CLINICIAN], c.id, password="nope nope nope", expected_version=c.version
        )
    c = staff_care.countersign_refusal(
        ctx, team[Role.CLINICIAN], c.id, password=PASSWORD, expected_version=c.version
    )
    assert c.status is Status.DECLINED and c.attestation.refusal
    doc = documents.download_pdf(ctx, team[Role.FRONT_DESK], c.id)
    assert doc.kind == "final"  # sealed as the final refusal document
    body = " ".join(_pdf_text(doc.pdf).split())
    assert "Countersigned by Dr. Carl Clinician" in body
    assert " ".join(REFUSAL_STATEMENT.split()) in body
    assert _audit(ctx, c.id, "refusal.countersigned")
    c = staff.file_consent(
        ctx, team[Role.FRONT_DESK], c.id, chart_reference="EHR-9", expected_version=c.version
    )
    assert c.status is Status.FILED


def test_download_is_audited(ctx, team, make_consent):
    c = make_consent()
    doc = documents.download_pdf(ctx, team[Role.FRONT_DESK], c.id)
    assert doc.pdf.startswith(b"%PDF")
    [event] = _audit(ctx, c.id, "document.downloaded")
    assert event.actor_id == str(team[Role.FRONT_DESK].id) and event.new["served"] is True


def test_tampered_stored_pdf_is_refused_and_audited(ctx, team, make_consent):
    c = make_consent()
    with ctx.database.engine.begin() as conn:
        blob = conn.execute(
            text("SELECT blob FROM documents WHERE consent_id = :c"), {"c": str(c.id)}
        ).scalar_one()
        middle = len(blob) // 2
        changed = blob[:middle] + bytes([blob[middle] ^ 0x01]) + blob[middle + 1 :]
        assert changed != blob
        conn.execute(
            text("UPDATE documents SET blob = :b WHERE consent_id = :c"),
            {"b": changed, "c": str(c.id)},
        )
    with pytest.raises(DomainError, match=r"altered|no longer match|does not verify"):
        documents.download_pdf(ctx, team[Role.FRONT_DESK], c.id)
    [event] = _audit(ctx, c.id, "document.downloaded")
    assert event.new["served"] is False


def test_patient_copy_is_one_page_with_the_clinic_phone(ctx, team, make_consent):
    c = make_consent()
    pdf = documents.patient_copy(ctx, team[Role.FRONT_DESK], c.id)
    reader = PdfReader(io.BytesIO(pdf))
    # Aftercare, warning signs and the phone fill the front page; a pack whose risks have numbers
    # (issue #15) adds "Your risks in numbers" as the back page, and nothing else.
    pack = ctx.library.get(c.pack.pack_id, c.pack.version, c.pack.language)
    rated = any(i.rate for _, i in pack.items())
    assert len(reader.pages) == (2 if rated else 1)
    assert ctx.settings.clinic_phone in reader.pages[0].extract_text()
    if rated:
        assert "Your risks in numbers" in reader.pages[1].extract_text()
        assert "Your risks in numbers" not in reader.pages[0].extract_text()


# --- lists ---------------------------------------------------------------------------------------
def test_queue_shows_flags_questions_minutes_and_filters_by_status(ctx, team, make_consent, clock):
    pack = ctx.active_pack("en")
    review_q = next(r.question for r in pack.screening.rules if r.flag.value == "review")
    a = make_consent(answers={first_stop_question(ctx): "yes"})
    clock.advance(minutes=10)
    b = make_consent(
        answers={review_q: "not_sure"}, questions={pack.sections[0].id: "Will it hurt?"}
    )
    clock.advance(minutes=5)
    rows = staff_views.nurse_queue(ctx, team[Role.NURSE])
    assert [r.consent_id for r in rows] == [a.id, b.id]  # stop flags first
    assert (rows[0].stop_flags, rows[0].minutes_waiting) == (1, 15)
    assert (rows[1].review_flags, rows[1].questions, rows[1].minutes_waiting) == (1, 1, 5)
    _verify(ctx, team, b)
    to_verify = staff_views.nurse_queue(ctx, team[Role.NURSE], statuses=[Status.SUBMITTED])
    assert [r.consent_id for r in to_verify] == [a.id]
    assert [r.consent_id for r in staff_views.clinician_queue(ctx, team[Role.CLINICIAN])] == [
        a.id,
        b.id,
    ]


def test_search_by_name_date_of_birth_and_date(ctx, team, make_consent):
    a = make_consent(legal_name="Zoë Sampleton", date_of_birth=dt.date(1960, 2, 3))
    make_consent(legal_name="Alex Other", date_of_birth=dt.date(1970, 5, 6))
    desk = team[Role.FRONT_DESK]
    assert [r.consent_id for r in staff_views.search(ctx, desk, name="zoe")] == [a.id]
    assert [
        r.consent_id for r in staff_views.search(ctx, desk, date_of_birth=dt.date(1960, 2, 3))
    ] == [a.id]
    day = staff_views.today(ctx)
    assert len(staff_views.search(ctx, desk, date_from=day, date_to=day)) == 2
    assert staff_views.search(ctx, desk, date_from=day + dt.timedelta(days=1)) == []
    with pytest.raises(DomainError, match="Enter a name"):
        staff_views.search(ctx, desk)
