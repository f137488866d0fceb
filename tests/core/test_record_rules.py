"""The rule of every staff step, on the record itself: no database, no service, no page.

Consents are built with plain constructors and walked through the record's own step methods;
each refusal is checked for the message the person at the screen reads, and for leaving the
consent exactly as it was.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest

from checklist.loader import SHIPPED_DIR, parse_pack_file
from checklist.models import Answer, CheckItem, FlagLevel, Pack
from checklist.nurse_checks import checklist_gaps
from errors import DomainError, IllegalTransition
from forms.meanings import (
    ATTESTATION_STATEMENT,
    CLINICIAN_ATTESTED,
    CLINICIAN_REFUSAL,
    NURSE_VERIFIED,
    REFUSAL_STATEMENT,
    SIGNATURE_WITNESSED,
)
from forms.record_care import TreatmentPlan
from forms.record_parts import (
    DoctorQuestion,
    PackRef,
    Participant,
    Patient,
    ScreeningAnswer,
    Signature,
    SignerRole,
)
from forms.records import (
    FLAGS_REVIEWABLE,
    HOLDABLE,
    STATUS_LABELS,
    TIMEOUT_WINDOW,
    TRANSITIONS,
    Consent,
    Status,
    check_transition,
)
from forms.synthetic_sign_out import sign_out_entry

NOW = dt.datetime(2026, 11, 23, 14, 0, tzinfo=dt.UTC)
LATER = NOW + dt.timedelta(minutes=30)
NURSE = {"by_id": 7, "by_name": "Nina Nurse"}
DOCTOR = {"by_id": 8, "by_name": "Dr. Carl Clinician"}
DESK = {"by_id": 9, "by_name": "Fran Front"}


def _pack() -> Pack:
    """The shipped pack with a short checklist and time-out, so each item can be named."""
    pack, problems = parse_pack_file(SHIPPED_DIR / "sclerotherapy" / "1.0.0" / "en.yaml")
    assert pack is not None and not problems
    return pack.model_copy(
        update={
            "nurse_checklist": (
                CheckItem(id="two_ids", text="Two identifiers checked"),
                CheckItem(id="allergies", text="Allergies asked"),
                CheckItem(id="site", text="Site marked"),
            ),
            "timeout": (
                CheckItem(id="patient", text="Right patient"),
                CheckItem(id="side", text="Right side"),
            ),
        }
    )


PACK = _pack()
STOP_Q = PACK.screening.questions[0]
ALL_YES = {i.id: ("yes", "") for i in PACK.nurse_checklist}
ALL_TIMEOUT = [i.id for i in PACK.timeout]
PRESENT = [
    Participant(name="Nina Nurse", role="nurse", staff_id=7),
    Participant(name="Dr. Carl Clinician", role="clinician", staff_id=8),
]


def plan(c: Consent, **parts) -> Consent:
    """The treatment plan a clinician completes before attesting (``parts`` override it)."""
    given = {
        "clinician": (8, "Dr. Carl Clinician"),
        "sclerosant": "polidocanol 1%",
        "form": "foam",
        "appointment_on": dt.date(2026, 11, 23),
        **parts,
    }
    c.plan_treatment(TreatmentPlan.of(**given, by_id=8, by_name="Dr. Carl Clinician", now=NOW))
    return c


def draft(*, stop_flag: bool = False) -> Consent:
    screening = (
        [
            ScreeningAnswer(
                question_id=STOP_Q.id, answer=Answer.YES, flag=FlagLevel.STOP, answered_at=NOW
            )
        ]
        if stop_flag
        else []
    )
    return Consent(
        patient=Patient(legal_name="Ana Demo", date_of_birth=dt.date(1970, 5, 1)),
        pack=PackRef(pack_id=PACK.id, version=PACK.version, language="en", fingerprint="a" * 64),
        procedure="Ultrasound-guided sclerotherapy",
        site="Left leg",
        created_at=NOW,
        updated_at=NOW,
        screening=screening,
    )


def _patient_signs(c: Consent, decision: str) -> Consent:
    c.decision = decision  # type: ignore[assignment]
    c.patient_signature = Signature(
        role=SignerRole.PATIENT, printed_name="Ana Demo", meaning="Patient consent", signed_at=NOW
    )
    c.move_to(Status.SUBMITTED if decision == "consent" else Status.DECLINED, NOW)
    return c


def _clear(c: Consent) -> Consent:
    for a in c.flags():
        c.review_flag(a.question_id, "cleared", "Discussed", **DOCTOR, now=NOW)
    return c


def at(status: Status, *, stop_flag: bool = False, timeout: bool = False) -> Consent:
    """A consent brought to ``status`` by the record's own steps (flags cleared on the way)."""
    c = draft(stop_flag=stop_flag)
    if status is Status.DRAFT:
        return c
    if status is Status.DECLINED:
        return _patient_signs(c, "decline")
    _patient_signs(c, "consent")
    if status is Status.ENTERED_IN_ERROR:
        c.enter_in_error("Wrong patient", NOW)
        return c
    if status is Status.SUBMITTED:
        return c
    plan(_clear(c)).verify(PACK, ALL_YES, **NURSE, device_id="tablet-1", now=NOW)
    if timeout or status is Status.FILED:
        c.record_timeout(PACK, ALL_TIMEOUT, participants=PRESENT, side=c.site, **NURSE, now=NOW)
    if status is Status.VERIFIED:
        return c
    c.attest(**DOCTOR, device_id="desk-2", now=NOW)
    if status is Status.ATTESTED:
        return c
    sign_out(c, NOW)
    c.file("EHR-1", **DESK, now=NOW)
    return c


def sign_out(c: Consent, now: dt.datetime) -> None:
    """The nurse enters a complete sign-out and the clinician co-signs it."""
    c.enter_sign_out(sign_out_entry(c.site, now.date()), **NURSE, role="nurse", now=now)
    c.sign_sign_out({}, **DOCTOR, device_id="desk-2", now=now)


def refused(c: Consent, step: Callable[[Consent], object], match: str, kind=DomainError) -> None:
    """The step raises ``kind`` with ``match`` in its message, and the consent is untouched."""
    before = c.model_dump()
    with pytest.raises(kind, match=match):
        step(c)
    assert c.model_dump() == before


def verify(answers=ALL_YES) -> Callable[[Consent], object]:
    return lambda c: c.verify(PACK, answers, **NURSE, device_id="tablet-1", now=LATER)


def timeout(confirmed=ALL_TIMEOUT, present=PRESENT, side=None) -> Callable[[Consent], object]:
    return lambda c: c.record_timeout(
        PACK, confirmed, participants=present, side=side or c.site, **NURSE, now=LATER
    )


def attest(c: Consent) -> object:
    return c.attest(**DOCTOR, device_id="desk-2", now=LATER)


def file(chart: str = "EHR-7") -> Callable[[Consent], object]:
    return lambda c: c.file(chart, **DESK, now=LATER)


def review(decision="cleared", note="Checked", question=STOP_Q.id) -> Callable[[Consent], object]:
    return lambda c: c.review_flag(question, decision, note, **DOCTOR, now=LATER)


def hold(reason: str = "Awaiting duplex") -> Callable[[Consent], object]:
    return lambda c: c.hold(reason, LATER)


OTHER_THAN = lambda *allowed: [s for s in Status if s not in allowed]  # noqa: E731


# --- the one table --------------------------------------------------------------------------
def test_the_steps_that_change_no_status_follow_the_table() -> None:
    assert {Status.SUBMITTED, Status.VERIFIED} == FLAGS_REVIEWABLE
    assert {Status.SUBMITTED, Status.VERIFIED, Status.ATTESTED} == HOLDABLE
    assert {Status.VERIFIED, Status.ATTESTED} == TIMEOUT_WINDOW
    assert set(STATUS_LABELS) == set(Status)


def test_a_refused_move_names_the_status_in_the_clinics_words() -> None:
    with pytest.raises(IllegalTransition, match="This consent is verified, to attest: "):
        check_transition(Status.VERIFIED, Status.FILED)


def test_the_walk_through_the_steps_reaches_every_status() -> None:
    for status in Status:
        assert at(status).status is status
    assert TRANSITIONS[Status.FILED] == {Status.ENTERED_IN_ERROR}  # filed is final


# --- nurse: verify ------------------------------------------------------------------------
def test_nurse_verifies_a_signed_consent_with_every_check_answered() -> None:
    c = at(Status.SUBMITTED)
    answers = {**ALL_YES, "allergies": ("na", "  asked at the pre-op visit  ")}
    done = c.verify(PACK, answers, **NURSE, device_id="tablet-1", now=LATER)
    assert c.status is Status.VERIFIED and c.updated_at == LATER
    assert done is c.nurse_verification
    assert [(a.item_id, a.answer, a.note) for a in done.answers] == [
        ("two_ids", "yes", ""),
        ("allergies", "na", "asked at the pre-op visit"),
        ("site", "yes", ""),
    ]
    assert {a.answered_by for a in done.answers} == {"Nina Nurse"}
    sig = done.signature
    assert (sig.role, sig.meaning, sig.printed_name) == (
        SignerRole.NURSE,
        NURSE_VERIFIED,
        "Nina Nurse",
    )
    assert (sig.staff_user_id, sig.device_id, sig.signed_at) == (7, "tablet-1", LATER)


def test_an_unsigned_consent_cannot_be_verified() -> None:
    refused(at(Status.DRAFT), verify(), "The patient has not signed this consent yet")


def test_a_signed_refusal_is_not_verified_but_filed() -> None:
    refused(at(Status.DECLINED), verify(), "This is a signed refusal: there is nothing to verify")


@pytest.mark.parametrize(
    ("status", "words"),
    [
        (Status.VERIFIED, "verified, to attest"),
        (Status.ATTESTED, "attested"),
        (Status.FILED, "filed"),
        (Status.ENTERED_IN_ERROR, "entered in error"),
    ],
)
def test_a_consent_past_signing_is_not_verified_again(status: Status, words: str) -> None:
    refused(at(status), verify(), re.escape(f"This consent is already {words}."), IllegalTransition)


def test_a_held_consent_is_not_verified() -> None:
    c = at(Status.SUBMITTED)
    c.hold("Awaiting duplex report", NOW)
    refused(c, verify(), r"on hold \(Awaiting duplex report\)\. A clinician must release it")


def test_an_open_stop_flag_blocks_verification_until_cleared_and_upheld_keeps_it() -> None:
    c = at(Status.SUBMITTED, stop_flag=True)
    assert [a.question_id for a in c.open_stop_flags()] == [STOP_Q.id]
    message = "A clinician must clear the stop flag first, so the checklist cannot be completed: "
    refused(c, verify(), message + STOP_Q.text)
    review("upheld", "Needs duplex first")(c)
    assert c.open_stop_flags()
    refused(c, verify(), "clinician must clear the stop flag")
    review("cleared", "Allergy was to penicillin")(c)
    assert c.open_stop_flags() == []
    verify()(c)
    assert c.status is Status.VERIFIED


def test_every_checklist_item_must_be_answered() -> None:
    unanswered = {k: v for k, v in ALL_YES.items() if k != "site"}
    refused(
        at(Status.SUBMITTED),
        verify(unanswered),
        "Answer every checklist item first. Not answered: Site marked",
    )
    shown_not_chosen = {**ALL_YES, "two_ids": ("", ""), "site": ("", "")}
    refused(
        at(Status.SUBMITTED),
        verify(shown_not_chosen),
        "Not answered: Two identifiers checked; Site marked",
    )


def test_an_answer_to_an_item_not_on_the_checklist_is_refused() -> None:
    refused(at(Status.SUBMITTED), verify({**ALL_YES, "gone": ("yes", "")}), "checklist changed")


def test_a_check_answered_no_cannot_be_signed_as_verified() -> None:
    answers = {**ALL_YES, "allergies": ("no", "not asked"), "site": ("no", "")}
    refused(
        at(Status.SUBMITTED),
        verify(answers),
        "A check answered No stops the procedure: .*Answered No:\n- Allergies asked\n- Site marked$",
    )


def test_na_needs_a_note_saying_why() -> None:
    refused(
        at(Status.SUBMITTED),
        verify({**ALL_YES, "site": ("na", "   ")}),
        "Write in the note why each N/A does not apply:\n- Site marked$",
    )


def test_checklist_gaps_is_what_the_verify_page_shows() -> None:
    answers = {"two_ids": (None, ""), "allergies": ("no", ""), "site": ("na", "")}
    gaps = checklist_gaps(PACK, answers)
    assert gaps.missing == ["Two identifiers checked"]
    assert gaps.noes == ["Allergies asked"]
    assert gaps.unexplained == ["Site marked"]
    assert checklist_gaps(PACK, {**ALL_YES, "site": ("na", "done")}) == ([], [], [])


# --- time-out -----------------------------------------------------------------------------
@pytest.mark.parametrize("status", sorted(TIMEOUT_WINDOW))
def test_the_timeout_is_its_own_step_after_verification(status: Status) -> None:
    c = at(status)
    done = c.record_timeout(
        PACK, ["side", "patient"], participants=PRESENT, side="Left leg", **NURSE, now=LATER
    )
    assert done.items == ["patient", "side"] and done.performed_at == LATER  # the pack's order
    assert c.status is status and c.timeout is done  # a time-out moves no status


@pytest.mark.parametrize("status", OTHER_THAN(*TIMEOUT_WINDOW))
def test_no_timeout_before_verification_or_after_filing(status: Status) -> None:
    refused(at(status), timeout(), "The time-out comes after the nurse has verified the consent.")


def test_the_timeout_is_recorded_once_needs_every_item_and_no_hold_or_stop_flag() -> None:
    c = at(Status.VERIFIED, stop_flag=True)
    refused(
        c,
        timeout(["patient"]),
        "Confirm every time-out item aloud first. Not confirmed: Right side",
    )
    review("upheld", "Changed my mind")(c)  # a verified consent's flag can still be upheld
    refused(c, timeout(), "A stop flag is open: no time-out until a clinician clears it.")
    review("cleared", "Resolved")(c)
    hold()(c)
    refused(c, timeout(), "on hold")
    c.release(LATER)
    timeout()(c)
    refused(c, timeout(), "The time-out for this consent is already recorded.")


# --- clinician: flag review ---------------------------------------------------------------
def test_a_flag_review_needs_a_decision_a_note_and_a_flag() -> None:
    c = at(Status.SUBMITTED, stop_flag=True)
    refused(c, review(decision=""), "Choose whether to clear or uphold the flag.")
    refused(c, review(note="  "), "Write a short note saying why.")
    refused(c, review(question="not-flagged"), "That answer raised no flag on this consent.")


def test_a_later_review_replaces_the_earlier_one() -> None:
    c = at(Status.SUBMITTED, stop_flag=True)
    assert review("upheld", "Wait")(c) is None
    old = review("cleared", "  Fine after all  ")(c)
    assert old is not None and old.decision == "upheld"
    [only] = c.flag_reviews
    assert (only.decision, only.note, only.by_name) == (
        "cleared",
        "Fine after all",
        "Dr. Carl Clinician",
    )


@pytest.mark.parametrize(
    ("status", "words"),
    [
        (Status.DRAFT, "in progress"),
        (Status.ATTESTED, "attested"),
        (Status.FILED, "filed"),
        (Status.DECLINED, "refused (signed)"),
        (Status.ENTERED_IN_ERROR, "entered in error"),
    ],
)
def test_flags_are_fixed_once_attested_or_not_under_review(status: Status, words: str) -> None:
    refused(
        at(status, stop_flag=True),
        review(),
        re.escape(f"This consent is {words}; its flags can no longer change."),
    )


# --- clinician: attest --------------------------------------------------------------------
def test_a_clinician_attests_a_verified_consent() -> None:
    c = at(Status.VERIFIED)
    done = attest(c)
    assert c.status is Status.ATTESTED and c.attestation is done
    assert done.statement == ATTESTATION_STATEMENT
    assert (done.signature.role, done.signature.meaning) == (
        SignerRole.CLINICIAN,
        CLINICIAN_ATTESTED,
    )
    assert (done.clinician_id, done.signature.staff_user_id, done.signature.device_id) == (
        8,
        8,
        "desk-2",
    )


def test_attestation_waits_for_the_nurse() -> None:
    refused(
        at(Status.SUBMITTED), attest, "A nurse must verify this consent before a clinician attests."
    )


@pytest.mark.parametrize("status", OTHER_THAN(Status.SUBMITTED, Status.VERIFIED))
def test_only_a_verified_consent_is_attested(status: Status) -> None:
    words = STATUS_LABELS[status].lower()
    refused(
        at(status),
        attest,
        re.escape(f"This consent is {words}; it cannot be attested."),
        IllegalTransition,
    )


def test_a_hold_or_an_open_stop_flag_blocks_attestation() -> None:
    c = at(Status.VERIFIED, stop_flag=True)
    review("upheld", "Needs duplex")(c)
    refused(c, attest, "Clear or resolve every stop flag before attesting.")
    review("cleared", "Duplex fine")(c)
    hold()(c)
    refused(c, attest, "on hold")


# --- holds ----------------------------------------------------------------------------------
@pytest.mark.parametrize("status", sorted(HOLDABLE))
def test_a_signed_consent_not_yet_filed_can_be_held_and_released(status: Status) -> None:
    c = at(status)
    refused(c, hold("  "), "Give a reason for the hold.")
    assert hold("  Awaiting duplex  ")(c) == "Awaiting duplex"
    assert c.on_hold == "Awaiting duplex" and c.status is status
    refused(c, hold(), "This consent is already on hold.")
    assert c.release(LATER) == "Awaiting duplex"
    assert c.on_hold is None
    refused(c, lambda c: c.release(LATER), "This consent is not on hold.")


@pytest.mark.parametrize("status", OTHER_THAN(*HOLDABLE))
def test_a_draft_a_refusal_a_filed_or_withdrawn_consent_cannot_be_held(status: Status) -> None:
    words = STATUS_LABELS[status].lower()
    refused(at(status), hold(), re.escape(f"This consent is {words}; it cannot be put on hold."))


def test_a_held_consent_cannot_be_filed() -> None:
    c = at(Status.ATTESTED, timeout=True)
    hold()(c)
    refused(c, file(), "on hold")


# --- entered in error ---------------------------------------------------------------------
@pytest.mark.parametrize("status", OTHER_THAN(Status.ENTERED_IN_ERROR))
def test_any_consent_can_be_withdrawn_with_a_reason_and_stays_on_record(status: Status) -> None:
    c = at(status)
    refused(
        c, lambda c: c.enter_in_error(" ", LATER), "Give a reason for marking it entered in error."
    )
    assert c.enter_in_error("  Wrong patient chart ", LATER) == "Wrong patient chart"
    assert (c.status, c.error_reason) == (Status.ENTERED_IN_ERROR, "Wrong patient chart")
    assert c.patient is not None and c.created_at == NOW


def test_a_withdrawn_consent_is_not_withdrawn_twice() -> None:
    refused(
        at(Status.ENTERED_IN_ERROR),
        lambda c: c.enter_in_error("Again", LATER),
        "This consent is entered in error: this consent is already marked entered in error.",
        IllegalTransition,
    )


# --- front desk: filing -------------------------------------------------------------------
def test_an_attested_consent_is_filed_after_its_timeout() -> None:
    c = at(Status.ATTESTED)
    refused(c, file(), "The time-out has not been recorded yet. File after the procedure.")
    timeout()(c)
    refused(c, file(), "The procedure's sign-out has not been signed yet. File after the sign-out.")
    sign_out(c, LATER)
    done = file("  EHR-4711 ")(c)
    assert c.status is Status.FILED and c.filing is done
    assert (done.chart_reference, done.by_name, done.filed_at) == ("EHR-4711", "Fran Front", LATER)


def test_a_signed_refusal_is_filed_without_a_timeout_once_a_clinician_countersigns() -> None:
    c = at(Status.DECLINED)
    refused(c, file(), "A clinician must countersign this refusal before it is filed.")
    c.countersign_refusal(**DOCTOR, device_id="desk-2", now=LATER)
    file()(c)
    assert c.status is Status.FILED and c.timeout is None


@pytest.mark.parametrize(
    "status", [Status.DRAFT, Status.SUBMITTED, Status.VERIFIED, Status.ENTERED_IN_ERROR]
)
def test_only_an_attested_consent_or_a_signed_refusal_is_filed(status: Status) -> None:
    words = STATUS_LABELS[status].lower()
    refused(
        at(status),
        file(),
        re.escape(
            f"Only an attested consent or a signed refusal can be filed. This one is {words}."
        ),
        IllegalTransition,
    )


def test_filing_needs_a_chart_reference_of_at_most_80_characters() -> None:
    c = at(Status.ATTESTED, timeout=True)
    sign_out(c, NOW)
    refused(c, file("   "), "Enter the chart reference the PDF was filed under.")
    refused(c, file("X" * 81), r"The chart reference is too long \(80 characters at most\).")
    file("X" * 80)(c)
    assert c.status is Status.FILED


def test_filed_is_final() -> None:
    c = at(Status.FILED, stop_flag=True)
    refused(c, file("EHR-2"), r"already filed \(chart EHR-1\) and cannot be changed")
    refused(c, verify(), "This consent is already filed.")
    refused(c, timeout(), "The time-out comes after the nurse has verified")
    refused(c, review(), "This consent is filed; its flags can no longer change.")
    refused(c, attest, "This consent is filed; it cannot be attested.")
    refused(c, hold(), "This consent is filed; it cannot be put on hold.")
    c.enter_in_error("Filed in the wrong chart", LATER)  # the only way out of filed
    assert c.status is Status.ENTERED_IN_ERROR


# --- staff signatures ---------------------------------------------------------------------
def test_a_staff_signature_means_what_its_role_signs() -> None:
    nurse = Signature.by_staff(SignerRole.NURSE, "Nina Nurse", 7, "tablet-1", NOW)
    doctor = Signature.by_staff(SignerRole.CLINICIAN, "Dr. Carl", 8, None, NOW)
    assert (nurse.meaning, doctor.meaning) == (NURSE_VERIFIED, CLINICIAN_ATTESTED)
    with pytest.raises(KeyError):
        Signature.by_staff(SignerRole.PATIENT, "Ana Demo", 1, None, NOW)


# --- text too long for the record: a clear refusal, never a validation traceback ------------
TOO_LONG = "x" * 2001


def test_too_long_reasons_notes_and_checklist_notes_are_refused_in_words() -> None:
    words = "That text is too long: 2,001 characters, at most 2,000."
    refused(at(Status.SUBMITTED), hold(TOO_LONG), words)
    refused(at(Status.SUBMITTED, stop_flag=True), review("cleared", TOO_LONG), words)
    refused(at(Status.SUBMITTED), verify({**ALL_YES, "site": ("na", TOO_LONG)}), words)
    c = at(Status.SUBMITTED)
    refused(c, lambda c: c.enter_in_error(TOO_LONG, LATER), words)


# --- issue 12: the plan, questions, witness, countersigned refusal, time-out participants ---
def _no_plan_verified() -> Consent:
    c = at(Status.VERIFIED)
    c.treatment = None
    return c


def test_attestation_is_refused_until_the_plan_is_complete() -> None:
    c = _no_plan_verified()
    refused(
        c,
        attest,
        "Record the treatment plan before attesting. Missing: the treating clinician; the "
        "sclerosant and its strength; liquid or foam; the appointment date.",
    )
    plan(c, form=None, sclerosant=None)  # staff knew only the clinician and the day
    refused(c, attest, "Missing: the sclerosant and its strength; liquid or foam.")
    plan(c)
    attest(c)
    assert c.status is Status.ATTESTED
    assert (c.treatment.agent, c.treatment.strength, c.treatment.form) == (
        "polidocanol",
        "1%",
        "foam",
    )
    assert c.treatment.sclerosant("en") == "polidocanol 1%"
    refused(
        c, lambda c: plan(c), "This consent is attested; its treatment plan can no longer change."
    )


def test_a_sclerosant_not_written_as_agent_and_strength_is_refused_in_words() -> None:
    with pytest.raises(DomainError, match="is not a sclerosant this clinic lists"):
        TreatmentPlan.of(
            clinician=None,
            sclerosant="polidocanol",
            form=None,
            appointment_on=None,
            by_id=8,
            by_name="Dr",
            now=NOW,
        )


def test_an_open_question_blocks_attestation_until_answered_and_the_answer_is_kept() -> None:
    c = at(Status.VERIFIED)
    c.questions = [DoctorQuestion(section_id="about", asked_at=NOW, note="Will it hurt?")]
    refused(c, attest, re.escape("before attesting (1 still open)"))
    refused(
        c,
        lambda c: c.answer_question("aftercare", "Yes", **DOCTOR, now=LATER),
        "The patient asked no question there.",
    )
    refused(
        c,
        lambda c: c.answer_question("about", "   ", **DOCTOR, now=LATER),
        "Write the answer you gave the patient, or a note.",
    )
    c.answer_question("about", "A sting, like a blood test.", **DOCTOR, now=LATER)
    [q] = c.questions
    assert q.item_id is None and q.answer is not None
    assert (q.answer.text, q.answer.by_name, q.answer.at) == (
        "A sting, like a blood test.",
        "Dr. Carl Clinician",
        LATER,
    )
    attest(c)
    refused(
        c,
        lambda c: c.answer_question("about", "Later", **DOCTOR, now=LATER),
        "its questions can no longer be answered here",
    )


def test_a_witness_says_so_once_at_hand_back_or_at_verification() -> None:
    c = at(Status.SUBMITTED)
    done = c.record_witness(**NURSE, where="handback", device_id="tablet-1", now=LATER)
    assert (done.where, done.at, done.signature.meaning) == ("handback", LATER, SIGNATURE_WITNESSED)
    assert done.signature.role is SignerRole.WITNESS
    refused(
        c,
        lambda c: c.record_witness(**DOCTOR, where="handback", device_id=None, now=LATER),
        "Nina Nurse already recorded being present when the patient signed.",
    )
    refused(c, verify_witnessed(), "already recorded being present")

    d = at(Status.SUBMITTED)
    verify_witnessed()(d)
    assert d.witness is not None and d.witness.where == "verification"
    assert d.nurse_verification.signature.meaning == NURSE_VERIFIED == "Verified by nurse"
    refused(
        at(Status.VERIFIED),
        lambda c: c.record_witness(**NURSE, where="handback", device_id=None, now=LATER),
        "say so at verification",
    )
    refused(
        at(Status.DRAFT),
        lambda c: c.record_witness(**NURSE, where="handback", device_id=None, now=LATER),
        "The patient has not signed yet",
    )
    e = at(Status.SUBMITTED)
    verify()(e)
    assert e.witness is None  # not ticked: not witnessed


def verify_witnessed() -> Callable[[Consent], object]:
    return lambda c: c.verify(PACK, ALL_YES, **NURSE, device_id="t", now=LATER, witnessed=True)


def test_a_refusal_is_countersigned_once_with_its_own_statement_and_questions_answered() -> None:
    c = at(Status.DECLINED)
    c.questions = [DoctorQuestion(section_id="about", asked_at=NOW)]
    countersign = lambda c: c.countersign_refusal(**DOCTOR, device_id="d", now=LATER)  # noqa: E731
    refused(c, countersign, re.escape("before countersigning (1 still open)"))
    c.answer_question("about", "Explained what may happen without treatment.", **DOCTOR, now=LATER)
    done = countersign(c)
    assert c.status is Status.DECLINED and done.refusal
    assert done.statement == REFUSAL_STATEMENT and done.signature.meaning == CLINICIAN_REFUSAL
    assert "risks of refusing" in done.statement
    refused(c, countersign, "Dr. Carl Clinician has already countersigned this refusal.")
    refused(at(Status.VERIFIED), countersign, "Only a signed refusal is countersigned")


def test_the_timeout_names_a_nurse_and_a_clinician_and_the_consents_side() -> None:
    c = at(Status.VERIFIED)
    refused(c, timeout(present=PRESENT[:1]), "at least a nurse and a clinician")
    refused(
        c,
        timeout(side="right_leg"),
        re.escape("The side confirmed (Right leg) is not the consent's (Left leg)"),
    )
    done = timeout()(c)
    assert [(p.name, p.role) for p in done.participants] == [
        ("Nina Nurse", "nurse"),
        ("Dr. Carl Clinician", "clinician"),
    ]
    assert done.side == "Left leg"


def test_the_attestation_statement_covers_what_the_clinician_discussed() -> None:
    for part in (
        "benefits",
        "risks",
        "alternatives, including no treatment",
        "questions",
        "screening",
        "capacity",
    ):
        assert part in ATTESTATION_STATEMENT


def test_a_record_from_before_these_fields_still_loads() -> None:
    c = at(Status.FILED)
    old = c.model_dump(mode="json")
    for key in ("treatment", "witness", "interpreter_answer"):
        old.pop(key)
    old["timeout"].pop("participants")
    old["timeout"].pop("side")
    old["attestation"].pop("refusal")
    loaded = Consent.model_validate(old)
    assert loaded.treatment is None and loaded.witness is None and loaded.timeout.side is None
    assert loaded.timeout.participants == [] and loaded.attestation.refusal is False
