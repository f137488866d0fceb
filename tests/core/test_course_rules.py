"""The course and the sign-out, as the record's rules (forms/course.py, forms/sign_out.py,
forms/record_course.py), without a database: where a course stands, when a full consent is
needed, and what blocks the clinician from signing the sign-out."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from checklist.loader import SHIPPED_DIR, PackLibrary, load_library
from checklist.models import Answer, FlagLevel
from errors import DomainError
from forms.course import (
    CourseTerms,
    ReconsentReason,
    Replacement,
    VisitOf,
    add_months,
    current_course,
    new_stop_answers,
    standing,
)
from forms.meanings import SIGN_OUT_COSIGNED, SIGN_OUT_SIGNED, VISIT_STATEMENT
from forms.record_course import problem_words
from forms.record_parts import ScreeningAnswer
from forms.records import Consent, Status
from forms.sign_out import SignOutEntry
from forms.synthetic import SAMPLE_CLINICIAN, SAMPLE_NURSE, synthetic_consent
from forms.synthetic_sign_out import sign_out_entry
from settings import Settings

T0 = dt.datetime(2026, 11, 23, 14, 0, tzinfo=dt.UTC)
VALUES = Settings().placeholder_values
NURSE = {"by_id": SAMPLE_NURSE[1], "by_name": SAMPLE_NURSE[0]}
DOCTOR = {"by_id": SAMPLE_CLINICIAN[1], "by_name": SAMPLE_CLINICIAN[0]}
TODAY = T0.date()


@pytest.fixture(scope="module")
def library() -> PackLibrary:
    return load_library(VALUES, strict=True)


@pytest.fixture(scope="module")
def pack(library):
    return library.get("sclerotherapy", "1.1.0", "en")


def course_consent(pack, *, sessions: int = 6, months: int = 12, line: str = "1.1.0") -> Consent:
    consent, _ = synthetic_consent(pack, VALUES, T0, stage="filed")
    consent.course = CourseTerms.starting(
        TODAY, months=months, sessions=sessions, content_line=line
    )
    return consent


def visit(course: Consent, session: int, status: Status = Status.SUBMITTED) -> Consent:
    v = course.model_copy(deep=True)
    v.id = uuid.uuid4()
    v.kind = "visit"
    v.course = None
    v.visit_of = VisitOf(
        consent_id=course.id,
        consent_signed_at=course.patient_signature.signed_at,
        consent_pack_version=course.pack.version,
        session=session,
    )
    v.status = status
    return v


def test_months_are_added_to_the_last_day_of_a_shorter_month() -> None:
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2027, 12, 1), 12) == dt.date(2028, 12, 1)
    assert add_months(dt.date(2027, 11, 30), 3) == dt.date(2028, 2, 29)


def test_a_course_counts_its_consent_and_each_signed_visit(pack) -> None:
    course = course_consent(pack)
    visits = [
        visit(course, 2, Status.FILED),
        visit(course, 3, Status.ENTERED_IN_ERROR),  # uses no session
        visit(course, 3, Status.SUBMITTED),
    ]
    s = standing(course, visits, today=TODAY, active_line="1.1.0")
    assert (s.sessions, s.used, s.remaining, s.next_session) == (6, 3, 3, 4)
    assert s.open and s.reason is None
    assert s.valid_until == add_months(TODAY, 12)
    assert [v.session for v in s.visits] == [2, 3, 3]


@pytest.mark.parametrize(
    ("today", "sessions", "active", "reason"),
    [
        (add_months(TODAY, 12) + dt.timedelta(days=1), 6, "1.1.0", ReconsentReason.EXPIRED),
        (add_months(TODAY, 12), 6, "1.1.0", None),  # the last valid day
        (TODAY, 2, "1.1.0", ReconsentReason.SESSIONS_USED),
        (TODAY, 6, "1.2.0", ReconsentReason.NEW_MAJOR_VERSION),
        (TODAY, 6, None, None),
    ],
    ids=["expired", "last-day", "sessions-used", "major", "no-active-pack"],
)
def test_when_the_next_session_needs_a_full_consent(pack, today, sessions, active, reason) -> None:
    course = course_consent(pack, sessions=sessions)
    s = standing(course, [visit(course, 2)], today=today, active_line=active)
    assert s.reason is reason and s.open is (reason is None)


def test_the_current_course_is_the_newest_usable_one_not_replaced(pack) -> None:
    old = course_consent(pack)
    new = course_consent(pack)
    new.id = uuid.uuid4()
    new.replaces = Replacement(consent_id=old.id, reason=ReconsentReason.EXPIRED)
    declined, _ = synthetic_consent(pack, VALUES, T0, stage="declined")
    records = [old, new, declined, visit(new, 2)]
    found = current_course(records, new.site, today=TODAY, active_line="1.1.0")
    assert found is not None and found.consent_id == new.id and found.used == 2
    assert current_course([old], "right_leg", today=TODAY, active_line=None) is None
    new.status = Status.ENTERED_IN_ERROR  # a re-consent withdrawn replaces nothing
    found = current_course([old, new], old.site, today=TODAY, active_line=None)
    assert found is not None and found.consent_id == old.id
    unattested = course_consent(pack)
    unattested.status = Status.VERIFIED
    assert current_course([unattested], old.site, today=TODAY, active_line=None) is None


def test_a_both_legs_course_covers_a_session_on_either_leg(pack) -> None:
    course = course_consent(pack)
    course.site = "both_legs"
    assert current_course([course], "left_leg", today=TODAY, active_line=None) is not None
    course.site = "left_leg"
    assert current_course([course], "both_legs", today=TODAY, active_line=None) is None


def test_only_a_stop_answer_the_consent_did_not_carry_is_new(pack) -> None:
    course = course_consent(pack)
    q1, q2 = (q.id for q in pack.screening.questions[:2])
    course.screening = [
        ScreeningAnswer(question_id=q1, answer=Answer.YES, flag=FlagLevel.STOP, answered_at=T0)
    ]
    assert new_stop_answers(course, [q1, q2]) == [q2]


def test_the_content_line_is_the_newest_major_version_up_to_a_pack(tmp_path, library) -> None:
    assert library.content_line(library.get("sclerotherapy", "1.1.0", "en")) == "1.1.0"
    assert library.content_line(library.get("sclerotherapy", "1.0.0", "es")) == "1.0.0"
    text = (SHIPPED_DIR / "sclerotherapy" / "1.1.0" / "en.yaml").read_text(encoding="utf-8")
    minor = tmp_path / "sclerotherapy" / "1.1.9"
    minor.mkdir(parents=True)
    (minor / "en.yaml").write_text(
        text.replace('version: "1.1.0"', 'version: "1.1.9"', 1) + "\nchange: minor\n",
        encoding="utf-8",
    )
    with_minor = load_library(VALUES, [tmp_path], strict=True)
    pack = with_minor.get("sclerotherapy", "1.1.9", "en")
    assert pack.change == "minor" and with_minor.content_line(pack) == "1.1.0"


# --- the sign-out ----------------------------------------------------------------------------
def attested(pack) -> Consent:
    consent, _ = synthetic_consent(pack, VALUES, T0, stage="attested")
    return consent


def test_a_complete_sign_out_entered_by_a_nurse_is_cosigned_by_the_clinician(pack) -> None:
    c = attested(pack)
    c.enter_sign_out(sign_out_entry(c.site, TODAY), **NURSE, role="nurse", now=T0)
    done = c.sign_sign_out({}, **DOCTOR, device_id="desk", now=T0)
    assert done.cosigned and done.signature.meaning == SIGN_OUT_COSIGNED
    assert done.problems_at_signing == [] and c.filing_gap() is None
    again = attested(pack)
    again.enter_sign_out(sign_out_entry(c.site, TODAY), **DOCTOR, role="clinician", now=T0)
    assert again.sign_sign_out({}, **DOCTOR, device_id="d", now=T0).signature.meaning == (
        SIGN_OUT_SIGNED
    )
    with pytest.raises(DomainError, match="already signed the sign-out"):
        again.enter_sign_out(sign_out_entry(c.site, TODAY), **NURSE, role="nurse", now=T0)


def test_foam_over_ten_ml_an_expired_lot_and_a_gap_block_signing_until_justified(pack) -> None:
    c = attested(pack)
    entry = sign_out_entry(c.site, TODAY, foam_ml=12).model_copy(
        update={"lot_expiry": TODAY - dt.timedelta(days=1), "lot_number": None}
    )
    c.enter_sign_out(entry, **NURSE, role="nurse", now=T0)
    with pytest.raises(DomainError) as refused:
        c.sign_sign_out({"foam_over_max": "  "}, **DOCTOR, device_id="d", now=T0)
    for code in ("foam_over_max", "lot_expired", "missing.lot_number"):
        assert problem_words(code) in str(refused.value)
    assert not c.sign_out.signed
    reasons = {
        "foam_over_max": "Large incompetent tributaries; patient observed 30 minutes.",
        "lot_expired": "Replacement lot unavailable; pharmacist confirmed stability.",
        "missing.lot_number": "Label torn; lot recorded by pharmacy.",
    }
    done = c.sign_sign_out(reasons, **DOCTOR, device_id="d", now=T0)
    assert done.problems_at_signing == ["foam_over_max", "lot_expired", "missing.lot_number"]
    assert done.justifications == reasons and done.entry.total_ml == 12


def test_what_no_reason_can_justify_is_refused_when_entered(pack) -> None:
    c = attested(pack)  # the sample's site is a left-leg site in words
    c.site = "left_leg"
    wrong_leg = sign_out_entry("left_leg", TODAY).model_copy(update={"volume_right_ml": 2.0})
    with pytest.raises(DomainError, match="right leg, which this consent does not name"):
        c.enter_sign_out(wrong_leg, **NURSE, role="nurse", now=T0)
    past = sign_out_entry("left_leg", TODAY).model_copy(
        update={"next_visit_on": TODAY - dt.timedelta(days=3)}
    )
    with pytest.raises(DomainError, match="next visit's date is in the past"):
        c.enter_sign_out(past, **NURSE, role="nurse", now=T0)
    assert c.sign_out is None


def test_an_empty_entry_names_every_missing_field(pack) -> None:
    codes = SignOutEntry().problems(site="both_legs", today=TODAY)
    assert "missing.volume" in codes and "missing.gas" not in codes  # gas only for foam
    assert len(codes) == 12  # all but gas, ratio and days of a compression not chosen
    foam = SignOutEntry(form="foam").problems(site="both_legs", today=TODAY)
    assert {"missing.gas", "missing.ratio"} <= set(foam)


def test_the_sign_out_waits_for_the_time_out_and_the_attestation(pack) -> None:
    verified, _ = synthetic_consent(pack, VALUES, T0, stage="verified")
    with pytest.raises(DomainError, match="Record the time-out first"):
        verified.enter_sign_out(sign_out_entry("left_leg", TODAY), **NURSE, role="nurse", now=T0)
    timed, _ = synthetic_consent(pack, VALUES, T0, stage="timeout")
    timed.enter_sign_out(sign_out_entry(timed.site, TODAY), **NURSE, role="nurse", now=T0)
    with pytest.raises(DomainError, match="attest it first"):
        timed.sign_sign_out({}, **DOCTOR, device_id="d", now=T0)
    declined, _ = synthetic_consent(pack, VALUES, T0, stage="declined")
    with pytest.raises(DomainError, match="refusal has no procedure"):
        declined.enter_sign_out(sign_out_entry("left_leg", TODAY), **NURSE, role="nurse", now=T0)


def test_a_visit_is_attested_with_the_visit_statement_and_needs_no_plan(pack) -> None:
    c, _ = synthetic_consent(pack, VALUES, T0, stage="timeout")
    c.kind = "visit"
    c.treatment = None
    c.questions = []
    c.attest(**DOCTOR, device_id="d", now=T0)
    assert c.attestation.statement == VISIT_STATEMENT
