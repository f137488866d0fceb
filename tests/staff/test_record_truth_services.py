"""Issue 12 at the service layer, against a real store: the treatment plan set at hand-over
travels into the record, a witness says so at hand-back (username and password on the tablet)
or at verification, the clinician answers each question and completes the plan before
attesting, the time-out stores who was there and the side. Each checked in the stored record,
the audit and the sealed PDF's text."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader
from staff_helpers import PASSWORD, all_yes, time_out, timeout_ids, verified

from accounts.staff import Role
from errors import DomainError
from services import auth, documents, handoff, staff, staff_care


def _get(ctx, consent_id):
    with ctx.database.uow() as uow:
        return uow.consents.get(consent_id)


def _text(ctx, team, consent_id) -> str:
    pdf = documents.download_pdf(ctx, team[Role.FRONT_DESK], consent_id).pdf
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())


def _actions(ctx, consent_id) -> list[str]:
    with ctx.database.uow() as uow:
        return [e.action for e in uow.audit.for_consent(consent_id)]


def test_the_plan_set_at_hand_over_reaches_the_record_and_page_one(ctx, team, make_consent):
    nurse, doc = team[Role.NURSE], team[Role.CLINICIAN]
    users = {s.id: s for s in team.values()}
    assert staff_care.clinicians(ctx)[0].id == doc.id
    token = handoff.prefill_draft(
        ctx,
        staff=_user(ctx, nurse.id),
        legal_name="Ana Handover",
        date_of_birth=dt.date(1970, 2, 3),
        site="right_leg",
        language="en",
        appointment_at=dt.datetime(2026, 11, 24, 10, 30, tzinfo=ctx.settings.tz),
        clinician_id=doc.id,
        sclerosant="sodium_tetradecyl_sulfate 1%",
        form="liquid",
    )
    from services import demo

    c = demo.patient_completes(
        ctx,
        legal_name="Ana Handover",
        date_of_birth=dt.date(1970, 2, 3),
        site="right_leg",
        token=token,
    )
    plan = _get(ctx, c.id).treatment
    assert (plan.clinician_id, plan.agent, plan.strength, plan.form) == (
        doc.id,
        "sodium_tetradecyl_sulfate",
        "1%",
        "liquid",
    )
    assert plan.appointment_on == dt.date(2026, 11, 24) and plan.set_by_id == nurse.id
    text = _text(ctx, team, c.id)
    assert f"Treating clinician {users[doc.id].display_name}" in text
    assert "Planned medicine (sclerosant) sodium tetradecyl sulfate 1%" in text
    assert "Liquid or foam Liquid" in text and "Appointment date November 24, 2026" in text
    assert "Limb / site Right leg" in text
    with pytest.raises(DomainError, match="from the clinic's list"):
        handoff.prefill_draft(ctx, staff=_user(ctx, nurse.id), sclerosant="bleach 50%")


def _user(ctx, user_id):
    with ctx.database.uow() as uow:
        return uow.users.get(user_id)


def test_attestation_waits_for_the_plan_and_the_answers_then_prints_them(ctx, team, make_consent):
    pack = ctx.active_pack("en")
    section = pack.sections[0].id
    c = make_consent(plan=False, questions={section: "Will it hurt?"})
    doc = team[Role.CLINICIAN]
    c = verified(ctx, team, c)
    with pytest.raises(DomainError, match=r"Record the treatment plan before attesting\. Missing"):
        staff.attest(ctx, doc, c.id, password=PASSWORD, expected_version=c.version)
    with pytest.raises(DomainError, match="Choose a sclerosant from the clinic's list"):
        staff_care.set_treatment(
            ctx, doc, c.id, clinician_id=doc.id, sclerosant="water 1%", form="foam",
            appointment_on=None, expected_version=c.version,
        )  # fmt: skip
    with pytest.raises(auth.NotAllowed):
        staff_care.set_treatment(
            ctx, team[Role.NURSE], c.id, clinician_id=doc.id, sclerosant=None, form=None,
            appointment_on=None, expected_version=c.version,
        )  # fmt: skip
    c = staff_care.set_treatment(
        ctx, doc, c.id, clinician_id=doc.id, sclerosant="polidocanol 3%", form="foam",
        appointment_on=dt.date(2026, 11, 23), expected_version=c.version,
    )  # fmt: skip
    with pytest.raises(DomainError, match=r"before attesting \(1 still open\)"):
        staff.attest(ctx, doc, c.id, password=PASSWORD, expected_version=c.version)
    c = staff_care.answer_question(
        ctx, doc, c.id, section_id=section, text="A small sting.", expected_version=c.version
    )
    c = staff.attest(ctx, doc, c.id, password=PASSWORD, expected_version=c.version)
    stored = _get(ctx, c.id)
    assert stored.questions[0].answer.text == "A small sting."
    assert stored.treatment.sclerosant("en") == "polidocanol 3%"
    text = _text(ctx, team, c.id)
    assert "Answered by Dr. Carl Clinician" in text and "A small sting." in text
    assert "Planned medicine (sclerosant) polidocanol 3%" in text
    assert {"consent.plan_set", "question.answered", "consent.attested"} <= set(_actions(ctx, c.id))


def test_a_witness_at_hand_back_signs_with_username_and_password(ctx, team, make_consent):
    c = make_consent()
    with pytest.raises(auth.SignInFailed):
        handoff.witness_at_handback(ctx, c.id, username="nina", password="wrong wrong wrong")
    assert _get(ctx, c.id).witness is None
    c = handoff.witness_at_handback(ctx, str(c.id), username="nina", password=PASSWORD)
    w = _get(ctx, c.id).witness
    assert (w.by_name, w.where) == ("Nina Nurse", "handback")
    with pytest.raises(DomainError, match="already recorded being present"):
        handoff.witness_at_handback(ctx, c.id, username="carl", password=PASSWORD)
    # The signed document is sealed again with the witness on it; it is still "submitted".
    doc = documents.download_pdf(ctx, team[Role.FRONT_DESK], c.id)
    assert doc.kind == "submitted"
    assert "was present when the patient signed, and said so at hand-back on the tablet" in (
        _text(ctx, team, c.id)
    )
    assert "consent.witnessed" in _actions(ctx, c.id)
    # A witness already recorded: the nurse cannot tick it again at verification.
    with pytest.raises(DomainError, match="already recorded being present"):
        staff.verify(
            ctx, team[Role.NURSE], c.id, answers=all_yes(ctx), password=PASSWORD,
            expected_version=c.version, witnessed=True,
        )  # fmt: skip


def test_verification_says_witnessed_only_when_ticked(ctx, team, make_consent):
    seen, unseen = make_consent(), make_consent()
    nurse = team[Role.NURSE]
    seen = staff.verify(
        ctx, nurse, seen.id, answers=all_yes(ctx), password=PASSWORD,
        expected_version=seen.version, witnessed=True,
    )  # fmt: skip
    unseen = staff.verify(
        ctx, nurse, unseen.id, answers=all_yes(ctx), password=PASSWORD,
        expected_version=unseen.version,
    )  # fmt: skip
    assert _get(ctx, seen.id).witness.where == "verification"
    assert _get(ctx, unseen.id).witness is None
    assert "said so at verification" in _text(ctx, team, seen.id)
    text = _text(ctx, team, unseen.id)
    assert "Not witnessed: no staff member recorded being present when the patient signed." in text
    assert "Meaning Verified by nurse " in text


def test_the_timeout_stores_who_was_present_and_the_side(ctx, team, make_consent):
    c = make_consent()
    nurse, doc = team[Role.NURSE], team[Role.CLINICIAN]
    c = staff.verify(
        ctx, nurse, c.id, answers=all_yes(ctx), password=PASSWORD, expected_version=c.version
    )
    common = {"confirmed": timeout_ids(ctx), "expected_version": c.version}
    with pytest.raises(DomainError, match="at least a nurse and a clinician"):
        staff_care.record_timeout(
            ctx, nurse, c.id, participant_ids=[nurse.id], side=c.site, **common
        )
    with pytest.raises(DomainError, match="The side confirmed"):
        other = "right_leg" if c.site != "right_leg" else "left_leg"
        staff_care.record_timeout(
            ctx, nurse, c.id, participant_ids=[nurse.id, doc.id], side=other, **common
        )
    c = staff_care.record_timeout(
        ctx, nurse, c.id, participant_ids=[nurse.id, doc.id], side=c.site,
        others=["Sam Student"], **common,
    )  # fmt: skip
    to = _get(ctx, c.id).timeout
    assert [(p.name, p.role) for p in to.participants] == [
        ("Nina Nurse", "nurse"),
        ("Dr. Carl Clinician", "clinician"),
        ("Sam Student", "other"),
    ]
    assert to.side == c.site
    text = _text(ctx, team, c.id)
    assert "Present: Nina Nurse (nurse, ID" in text and "Sam Student (other)" in text
    assert "Side confirmed aloud:" in text


def test_time_out_helper_still_records_the_whole_team(ctx, team, make_consent):
    c = make_consent()
    c = staff.verify(
        ctx, team[Role.NURSE], c.id, answers=all_yes(ctx), password=PASSWORD,
        expected_version=c.version,
    )  # fmt: skip
    c = time_out(
        ctx, team[Role.NURSE], c.id, confirmed=timeout_ids(ctx), expected_version=c.version
    )
    assert {p.role for p in _get(ctx, c.id).timeout.participants} == {"nurse", "clinician"}
