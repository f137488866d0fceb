"""The procedure sign-out at the service layer (issue #14 point 4), on SQLite and PostgreSQL:
foam over 10 mL, an expired lot and missing fields each refused with words until justified;
the justified case keeps the reason and its sealed final PDF prints it; a nurse's entry is
co-signed by the clinician; a wrong password signs nothing; audit rows carry no typed text."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from pathlib import Path

import pytest
from pypdf import PdfReader
from staff_db_helpers import BOTH, clinic_on
from staff_helpers import PASSWORD, all_yes, signed_in_team, time_out, timeout_ids, with_plan

from accounts.staff import Role
from errors import DomainError
from forms.meanings import SIGN_OUT_COSIGNED, SIGN_OUT_SIGNED
from forms.records import Status
from forms.synthetic_sign_out import sign_out_entry
from services import auth, courses, demo, documents, sign_out, staff
from services.sign_out_input import SignOutForm, form_of

ROOT = Path(__file__).resolve().parents[2]
FOAM_REASON = "Two long tributaries; 12 mL agreed with the patient, leg elevated after"


@pytest.fixture(params=BOTH)
def db(request, clock, prepared_data_dir):
    """A fresh clinic on SQLite, or on PostgreSQL in a schema of its own."""
    with clinic_on(request.param, clock) as ctx:
        yield ctx


@pytest.fixture
def crew(db):
    return signed_in_team(db)


def _timed_out(ctx, crew, *, attest: bool = True, site: str = "both_legs"):
    """A consent verified, timed-out and (by default) attested: the procedure is done."""
    c = with_plan(
        ctx,
        demo.patient_completes(
            ctx, legal_name="Sara Signout", date_of_birth=dt.date(1968, 3, 9), site=site
        ),
    )
    c = staff.verify(
        ctx,
        crew[Role.NURSE],
        c.id,
        answers=all_yes(ctx),
        password=PASSWORD,
        expected_version=c.version,
    )
    c = time_out(
        ctx, crew[Role.NURSE], c.id, confirmed=timeout_ids(ctx), expected_version=c.version
    )
    if attest:
        c = staff.attest(
            ctx, crew[Role.CLINICIAN], c.id, password=PASSWORD, expected_version=c.version
        )
    return c


def _stored(ctx, consent_id):
    with ctx.database.uow() as uow:
        return uow.consents.get(consent_id)


def _events(ctx, consent_id, action):
    with ctx.database.uow() as uow:
        return [e for e in uow.audit.for_consent(consent_id) if e.action == action]


def _failures(ctx, crew) -> int:
    with ctx.database.uow() as uow:
        return uow.users.get(crew[Role.CLINICIAN].id).failed_attempts


def _pdf_text(ctx, crew, consent_id) -> str:
    doc = documents.download_pdf(ctx, crew[Role.FRONT_DESK], consent_id)
    assert doc.kind == "final"
    pages = PdfReader(io.BytesIO(doc.pdf)).pages
    return " ".join(" ".join(p.extract_text() for p in pages).split())


def _sign(ctx, crew, c, reasons=None, password=PASSWORD):
    return sign_out.sign_sign_out(
        ctx,
        crew[Role.CLINICIAN],
        c.id,
        justifications=reasons or {},
        password=password,
        expected_version=c.version,
    )


def test_foam_over_10_ml_is_refused_until_justified_and_the_pdf_prints_the_reason(db, crew):
    c = _timed_out(db, crew)
    today = courses.today(db)
    entry = sign_out_entry(c.site, today, foam_ml=12.0)  # 6 + 6 mL of foam
    c = sign_out.enter_sign_out(
        db, crew[Role.CLINICIAN], c.id, entry=entry, expected_version=c.version
    )
    assert sign_out.standing(db, c).check.problems == ["foam_over_max"]
    failures = _failures(db, crew)
    with pytest.raises(DomainError, match=r"give your reason.*foam over 10 mL in this session"):
        _sign(db, crew, c, password="not even checked")
    assert _failures(db, crew) == failures  # refused before the password was looked at
    assert not _stored(db, c.id).sign_out.signed

    c = _sign(db, crew, c, {"foam_over_max": FOAM_REASON})
    kept = _stored(db, c.id).sign_out
    assert kept.signed and kept.problems_at_signing == ["foam_over_max"]
    assert kept.justifications == {"foam_over_max": FOAM_REASON}
    assert kept.entry.total_ml == 12.0 and kept.signature.meaning == SIGN_OUT_SIGNED
    [event] = _events(db, c.id, "consent.signed_out")
    assert event.new == {
        "problems": ["foam_over_max"],
        "justified": ["foam_over_max"],
        "cosigned": False,
    }
    assert FOAM_REASON not in str(event.new)
    body = _pdf_text(db, crew, c.id)
    assert FOAM_REASON in body
    assert "Dr. Carl Clinician" in body
    # Signed: it cannot be changed, and the consent may now be filed.
    with pytest.raises(DomainError, match="already signed the sign-out"):
        sign_out.enter_sign_out(db, crew[Role.NURSE], c.id, entry=entry, expected_version=c.version)
    filed = staff.file_consent(
        db, crew[Role.FRONT_DESK], c.id, chart_reference="EHR-14", expected_version=c.version
    )
    assert filed.status is Status.FILED


def test_an_expired_lot_is_refused_with_its_own_words(db, crew):
    c = _timed_out(db, crew, site="left_leg")
    today = courses.today(db)
    entry = sign_out_entry(c.site, today).model_copy(
        update={"lot_expiry": today - dt.timedelta(days=3)}
    )
    c = sign_out.enter_sign_out(db, crew[Role.NURSE], c.id, entry=entry, expected_version=c.version)
    with pytest.raises(DomainError, match="the lot is past its expiry date"):
        _sign(db, crew, c)
    with pytest.raises(DomainError, match="the lot is past its expiry date"):
        _sign(db, crew, c, {"lot_expired": "   "})  # blank is no reason
    c = _sign(db, crew, c, {"lot_expired": "Only lot in stock; pharmacy confirmed stable"})
    assert _stored(db, c.id).sign_out.justifications == {
        "lot_expired": "Only lot in stock; pharmacy confirmed stable"
    }


def test_missing_fields_are_named_one_by_one(db, crew):
    c = _timed_out(db, crew)
    partial = sign_out.entry_of(db, SignOutForm(sclerosant="polidocanol 1%", form="liquid"))
    c = sign_out.enter_sign_out(
        db, crew[Role.NURSE], c.id, entry=partial, expected_version=c.version
    )
    problems = sign_out.standing(db, c).check.problems
    assert "missing.volume" in problems and "missing.lot_number" in problems
    assert "missing.sclerosant" not in problems and "missing.gas" not in problems  # liquid
    with pytest.raises(DomainError) as refused:
        _sign(db, crew, c)
    message = str(refused.value)
    for words in (
        "a volume for each leg treated is missing",
        "the lot number is missing",
        "the compression applied is missing",
        "what was observed (vision, chest, neurological, skin) is missing",
        "the next visit is missing",
    ):
        assert words in message
    assert not _stored(db, c.id).sign_out.signed


def test_a_nurse_enters_and_the_clinician_cosigns(db, crew):
    c = _timed_out(db, crew)
    entry = sign_out_entry(c.site, courses.today(db))
    c = sign_out.enter_sign_out(db, crew[Role.NURSE], c.id, entry=entry, expected_version=c.version)
    kept = _stored(db, c.id).sign_out
    assert (kept.entered_role, kept.entered_by_name, kept.signed) == ("nurse", "Nina Nurse", False)
    with pytest.raises(auth.NotAllowed, match="Only a clinician"):
        sign_out.sign_sign_out(
            db,
            crew[Role.NURSE],
            c.id,
            justifications={},
            password=PASSWORD,
            expected_version=c.version,
        )
    with pytest.raises(auth.WrongPassword):
        _sign(db, crew, c, password="wrong wrong wrong")
    assert not _stored(db, c.id).sign_out.signed
    c = _sign(db, crew, c)
    kept = _stored(db, c.id).sign_out
    assert kept.cosigned and kept.clinician_name == "Dr. Carl Clinician"
    assert kept.signature.meaning == SIGN_OUT_COSIGNED
    [entered] = _events(db, c.id, "consent.sign_out_entered")
    assert entered.actor_role == "nurse" and entered.new["role"] == "nurse"
    assert entered.new["total_ml"] == 4.0 and entered.new["problems"] == []
    for typed in (entry.lot_number, entry.areas, "Nina"):  # codes and numbers only
        assert typed not in str(entered.new)
    [signed] = _events(db, c.id, "consent.signed_out")
    assert signed.new["cosigned"] is True and signed.actor_role == "clinician"


def test_signing_waits_for_the_attestation_and_an_entry_waits_for_the_timeout(db, crew):
    c = _timed_out(db, crew, attest=False)
    entry = sign_out_entry(c.site, courses.today(db))
    c = sign_out.enter_sign_out(db, crew[Role.NURSE], c.id, entry=entry, expected_version=c.version)
    with pytest.raises(DomainError, match="attest it first"):
        _sign(db, crew, c)
    fresh = with_plan(
        db,
        demo.patient_completes(db, legal_name="Nora Notimeout", date_of_birth=dt.date(1980, 2, 2)),
    )
    with pytest.raises(DomainError, match="the sign-out is recorded after the nurse"):
        sign_out.enter_sign_out(
            db, crew[Role.NURSE], fresh.id, entry=entry, expected_version=fresh.version
        )


def test_enter_and_sign_refuses_whole_and_stores_nothing(db, crew):
    c = _timed_out(db, crew)
    entry = sign_out_entry(c.site, courses.today(db), foam_ml=14.0)
    with pytest.raises(DomainError, match="foam over 10 mL"):
        sign_out.enter_and_sign(
            db,
            crew[Role.CLINICIAN],
            c.id,
            entry=entry,
            justifications={},
            password=PASSWORD,
            expected_version=c.version,
        )
    assert _stored(db, c.id).sign_out is None
    assert _events(db, c.id, "consent.sign_out_entered") == []
    c = sign_out.enter_and_sign(
        db,
        crew[Role.CLINICIAN],
        c.id,
        entry=entry,
        justifications={"foam_over_max": FOAM_REASON},
        password=PASSWORD,
        expected_version=c.version,
    )
    assert _stored(db, c.id).sign_out.signed
    assert len(_events(db, c.id, "consent.sign_out_entered")) == 1
    assert len(_events(db, c.id, "consent.signed_out")) == 1


# --- bad input: words, never a traceback --------------------------------------------------------
DOB = dt.date(1975, 5, 5)
BASE = form_of(sign_out_entry("both_legs", dt.date(2026, 11, 23)))


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"volume_left_ml": "abc"}, "left leg's volume must be a number of mL"),
        ({"volume_right_ml": "nan"}, "right leg's volume must be a number of mL"),
        ({"volume_left_ml": "-2"}, "left leg's volume must be a number of mL from 0 to 100"),
        ({"volume_left_ml": "250"}, "from 0 to 100"),
        ({"ratio": "4"}, r"ratio as two numbers with a colon, e\.g\. 1:4"),
        ({"lot_expiry": dt.date(1900, 1, 1)}, "expiry date 1900-01-01 cannot be right"),
        ({"lot_expiry": "next year"}, "expiry date as YYYY-MM-DD"),
        ({"next_visit_on": dt.date(2099, 1, 1)}, "more than 2 years away"),
        ({"next_visit_on": dt.date(2026, 1, 5)}, "the next visit's date is in the past"),
        ({"areas": "x" * 10_000}, "too long: 10,000 characters"),
        ({"observations": {"vision": ("observed", "y" * 10_000)}}, "too long: 10,000"),
        ({"adverse_events": [("Vasovagal", None, "Lay flat")]}, "Adverse event 1"),
        ({"lot_number": "L" * 61}, "60 characters at most"),
        ({"compression_days": "2.5"}, "whole number of days"),
        ({"observation_minutes": "a while"}, "minutes, 0 to 240"),
        ({"sclerosant": "bleach 50%"}, "from the clinic's list"),
        ({"form": "spray"}, "Choose liquid or foam"),
    ],
)
def test_bad_input_gets_a_clear_message(ctx, team, change, words):
    from staff_helpers import verified

    c = verified(
        ctx,
        team,
        with_plan(
            ctx,
            demo.patient_completes(ctx, legal_name="Bea Both", date_of_birth=DOB, site="both_legs"),
        ),
    )
    c = time_out(
        ctx, team[Role.NURSE], c.id, confirmed=timeout_ids(ctx), expected_version=c.version
    )
    raw = dataclasses.replace(BASE, **change)
    with pytest.raises(DomainError, match=words):
        entry = sign_out.entry_of(ctx, raw)
        sign_out.enter_sign_out(
            ctx, team[Role.NURSE], c.id, entry=entry, expected_version=c.version
        )
    assert _stored(ctx, c.id).sign_out is None


def test_a_volume_for_a_leg_the_consent_does_not_name_must_be_corrected(ctx, team):
    c = with_plan(
        ctx, demo.patient_completes(ctx, legal_name="Lea Left", date_of_birth=DOB, site="left_leg")
    )
    c = staff.verify(
        ctx,
        team[Role.NURSE],
        c.id,
        answers=all_yes(ctx),
        password=PASSWORD,
        expected_version=c.version,
    )
    c = time_out(
        ctx, team[Role.NURSE], c.id, confirmed=timeout_ids(ctx), expected_version=c.version
    )
    raw = dataclasses.replace(BASE, volume_left_ml="2", volume_right_ml="2")
    with pytest.raises(DomainError, match="right leg, which this consent does not name"):
        sign_out.enter_sign_out(
            ctx,
            team[Role.NURSE],
            c.id,
            entry=sign_out.entry_of(ctx, raw),
            expected_version=c.version,
        )
