"""Consents: round trip, double submission, concurrent edits, queries."""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text
from store_builders import T0, make_consent
from store_helpers import count_rows

from errors import ConflictError
from forms.record_parts import NurseVerification, Signature, SignerRole
from forms.records import Status
from store.db import Database
from store.errors import BadText, DuplicateSubmission, NotFound

NY = ZoneInfo("America/New_York")


def add(db: Database, consent, token: str | None = None) -> None:  # type: ignore[no-untyped-def]
    with db.uow() as uow:
        uow.consents.add(consent, draft_token=token)
        uow.commit()


def test_get_returns_exactly_what_was_added_including_signature_png_and_strokes(
    db: Database,
) -> None:
    consent = make_consent(name="Nguyễn Thị Hương")
    add(db, consent, "tok-1")
    with db.uow() as uow:
        got = uow.consents.get(consent.id)
        by_token = uow.consents.find_by_draft_token("tok-1")
    assert got == consent
    assert got.patient_signature is not None and consent.patient_signature is not None
    assert got.patient_signature.png == consent.patient_signature.png
    assert got.patient_signature.png.startswith(b"\x89PNG")
    assert got.patient_signature.strokes == consent.patient_signature.strokes
    assert got.interpreter == consent.interpreter
    assert by_token == consent
    assert count_rows(db, "acknowledgements") == len(consent.acknowledgements) == 28
    assert count_rows(db, "screening_answers") == 2
    assert count_rows(db, "signatures") == 2  # patient and interpreter


def test_the_record_json_does_not_carry_the_signature_image(db: Database) -> None:
    consent = make_consent()
    add(db, consent)
    with db.engine.connect() as conn:
        record = conn.execute(text("SELECT record FROM consents")).scalar_one()
    record_text = record if isinstance(record, str) else str(record)
    assert "iVBOR" not in record_text  # base64 of a PNG header: images live in `signatures`


def test_unknown_or_malformed_id_is_a_clear_not_found(db: Database) -> None:
    with db.uow() as uow:
        for bad in (uuid.uuid4(), "not-a-uuid", "'; DROP TABLE consents; --"):
            with pytest.raises(NotFound, match="could not be found"):
                uow.consents.get(bad)
        assert uow.consents.find_by_draft_token("nope") is None


def test_submitting_the_same_draft_twice_yields_one_consent(db: Database) -> None:
    first = make_consent()
    add(db, first, "draft-abc")
    retry = make_consent()  # a second tab builds its own record from the same draft
    with pytest.raises(DuplicateSubmission) as info:
        add(db, retry, "draft-abc")
    assert info.value.existing_id == str(first.id)
    assert "already submitted" in str(info.value)
    assert count_rows(db, "consents") == 1
    assert count_rows(db, "acknowledgements") == len(first.acknowledgements)


def _wait_for_lock_wait(db: Database, other: threading.Thread) -> None:
    """PostgreSQL: block until some other session waits on a lock (the unique index)."""
    with db.engine.connect() as conn:
        for _ in range(2000):
            if not other.is_alive():
                return  # it failed early; the assertions will say how
            waiting = conn.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE wait_event_type = 'Lock' AND datname = current_database() "
                    "AND query LIKE 'INSERT INTO consents %'"
                )
            ).scalar_one()
            if waiting:
                return
            conn.execute(text("SELECT pg_sleep(0.005)"))
            conn.rollback()  # pg_stat_activity is a snapshot per transaction: take a new one
    raise AssertionError("the second submission never waited for the first")


def test_double_tap_race_two_transactions_at_once_still_one_consent(db: Database) -> None:
    """Both transactions pass the 'already submitted?' check before either commits."""
    results: dict[str, object] = {}
    first_added = threading.Event()
    release_first = threading.Event()

    def first() -> None:
        with db.uow() as uow:
            uow.consents.add(make_consent(), draft_token="same")
            first_added.set()
            release_first.wait(30)
            uow.commit()
        results["first"] = "ok"

    def second() -> None:
        first_added.wait(30)
        try:
            with db.uow() as uow:
                uow.consents.add(make_consent(), draft_token="same")
                uow.commit()
            results["second"] = "ok"
        except Exception as exc:  # reported by the assertions below
            results["second"] = exc

    t1, t2 = threading.Thread(target=first), threading.Thread(target=second)
    t1.start()
    t2.start()
    first_added.wait(30)
    if db.dialect == "postgresql":
        _wait_for_lock_wait(db, t2)  # the second INSERT is parked on the unique index
    release_first.set()
    t1.join(60)
    t2.join(60)
    assert results["first"] == "ok"
    assert isinstance(results["second"], DuplicateSubmission)
    assert count_rows(db, "consents") == 1


def test_second_save_of_the_same_version_is_refused_and_nothing_is_overwritten(
    db: Database,
) -> None:
    consent = make_consent()
    consent.move_to(Status.SUBMITTED, T0)
    add(db, consent)
    with db.uow() as uow:
        nurse_view = uow.consents.get(consent.id)
    with db.uow() as uow:
        clinician_view = uow.consents.get(consent.id)

    nurse_view.on_hold = None
    nurse_view.site = "Left leg, below knee"
    nurse_view.updated_at = T0 + dt.timedelta(minutes=5)
    with db.uow() as uow:
        uow.consents.update(nurse_view, expected_version=1, actor_name="Nurse Joy")
        uow.commit()
    assert nurse_view.version == 2

    clinician_view.on_hold = "check the duplex report"
    with db.uow() as uow, pytest.raises(ConflictError) as info:
        uow.consents.update(clinician_view, expected_version=1, actor_name="Dr Who", tz=NY)
    assert (
        str(info.value) == "Changed by Nurse Joy at 2026-11-23 09:05 EST. Reload to see the latest."
    )

    with db.uow() as uow:
        stored = uow.consents.get(consent.id)
    assert stored.version == 2
    assert stored.site == "Left leg, below knee"
    assert stored.on_hold is None


def test_update_keeps_signatures_and_replaces_child_rows(db: Database) -> None:
    consent = make_consent(acks=26)
    consent.move_to(Status.SUBMITTED, T0)
    add(db, consent)
    with db.uow() as uow:
        current = uow.consents.get(consent.id)
        current.nurse_verification = NurseVerification(
            answers=[],
            nurse_id=3,
            nurse_name="Nurse Joy",
            verified_at=T0,
            signature=Signature(
                role=SignerRole.NURSE,
                printed_name="Nurse Joy",
                meaning="I witnessed the patient sign.",
                signed_at=T0,
                png=b"\x89PNG nurse",
            ),
        )
        current.move_to(Status.VERIFIED, T0)
        uow.consents.update(current, expected_version=1, actor_name="Nurse Joy")
        uow.commit()
    with db.uow() as uow:
        stored = uow.consents.get(consent.id)
    assert stored == current
    assert stored.nurse_verification is not None
    assert stored.nurse_verification.signature.png == b"\x89PNG nurse"
    assert count_rows(db, "acknowledgements") == 26  # replaced, not doubled
    assert count_rows(db, "signatures") == 3


def test_update_of_a_missing_consent_is_not_found(db: Database) -> None:
    with db.uow() as uow, pytest.raises(NotFound):
        uow.consents.update(make_consent(), expected_version=1, actor_name="x")


def test_todays_list_uses_clinic_day_boundaries_and_status_filter(db: Database) -> None:
    # 2026-11-23 in New York runs from 05:00 UTC to 05:00 UTC the next day.
    times = {
        "late yesterday": dt.datetime(2026, 11, 23, 4, 59, tzinfo=dt.UTC),
        "first today": dt.datetime(2026, 11, 23, 5, 0, tzinfo=dt.UTC),
        "last today": dt.datetime(2026, 11, 24, 4, 59, tzinfo=dt.UTC),
        "tomorrow": dt.datetime(2026, 11, 24, 5, 0, tzinfo=dt.UTC),
    }
    made = {}
    for label, at in times.items():
        made[label] = make_consent(name=label, at=at)
        made[label].move_to(Status.SUBMITTED, at)
        add(db, made[label])
    made["draft"] = make_consent(name="draft", at=times["first today"] + dt.timedelta(hours=1))
    add(db, made["draft"])
    with db.uow() as uow:
        today = uow.consents.list_for_day(dt.date(2026, 11, 23), NY)
        submitted = uow.consents.list_for_day(
            dt.date(2026, 11, 23), "America/New_York", [Status.SUBMITTED]
        )
    assert [c.patient.legal_name for c in today] == ["first today", "draft", "last today"]
    assert [c.patient.legal_name for c in submitted] == ["first today", "last today"]
    assert all(c.flags() for c in today)  # the screening flags come back with each consent


def test_search_by_name_ignores_case_and_accents_and_treats_wildcards_literally(
    db: Database,
) -> None:
    for name in ("José Núñez", "JOSEFINA Pérez", "Ana 100% Sure", "Ana_Bell"):
        add(db, make_consent(name=name))
    with db.uow() as uow:

        def names(query: str) -> set[str]:
            return {c.patient.legal_name for c in uow.consents.search(name=query)}

        assert names("jose") == {"José Núñez", "JOSEFINA Pérez"}
        assert names("NUNEZ") == {"José Núñez"}
        assert names("  núñez ") == {"José Núñez"}
        assert names("100%") == {"Ana 100% Sure"}
        assert names("a_b") == {"Ana_Bell"}
        assert names("%") == {"Ana 100% Sure"}
        assert names("nobody") == set()


def test_search_by_birth_date_and_date_range_and_all_of_one_patient(db: Database) -> None:
    dob = dt.date(1961, 2, 28)
    first = make_consent(name="Zoë Roe", dob=dob, at=dt.datetime(2026, 10, 1, 15, tzinfo=dt.UTC))
    second = make_consent(name="zoe roe", dob=dob, at=dt.datetime(2026, 11, 20, 15, tzinfo=dt.UTC))
    namesake = make_consent(name="Zoë Roe", dob=dt.date(1990, 1, 1), at=T0)
    other = make_consent(name="Ann Other", dob=dob, at=T0, demo=True)
    for c in (first, second, namesake, other):
        add(db, c)
    with db.uow() as uow:
        by_dob = uow.consents.search(date_of_birth=dob)
        november = uow.consents.search(
            date_from=dt.date(2026, 11, 1), date_to=dt.date(2026, 11, 20), tz=NY
        )
        combined = uow.consents.search(name="roe", date_of_birth=dob)
        patient = uow.consents.for_patient("ZOE ROE", dob)
        non_demo = uow.consents.count_non_demo()
    assert {c.id for c in by_dob} == {first.id, second.id, other.id}
    assert [c.id for c in november] == [second.id]
    assert [c.id for c in combined] == [second.id, first.id]  # newest first
    assert [c.id for c in patient] == [first.id, second.id]  # oldest first
    assert non_demo == 3


def test_nul_character_is_refused_with_a_clear_message_on_every_database(db: Database) -> None:
    bad = make_consent(name="Ana\x00Demo")
    with pytest.raises(BadText, match="NUL control character"):
        add(db, bad)
    assert count_rows(db, "consents") == 0
