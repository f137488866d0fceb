"""The consent record's status machine and identity."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from pydantic import ValidationError

from errors import IllegalTransition
from forms.record_parts import PackRef, Patient
from forms.records import TRANSITIONS, Consent, Status, check_transition

NOW = dt.datetime(2026, 11, 23, 14, 0, tzinfo=dt.UTC)


def make_consent() -> Consent:
    return Consent(
        patient=Patient(legal_name="Ana Demo", date_of_birth=dt.date(1970, 5, 1)),
        pack=PackRef(pack_id="sclerotherapy", version="1.0.0", language="en", fingerprint="a" * 64),
        procedure="Ultrasound-guided sclerotherapy",
        site="Left leg",
        created_at=NOW,
        updated_at=NOW,
    )


def test_happy_path_moves_in_order() -> None:
    c = make_consent()
    for status in (Status.SUBMITTED, Status.VERIFIED, Status.ATTESTED, Status.FILED):
        c.move_to(status, NOW)
    assert c.status is Status.FILED


@pytest.mark.parametrize(("current", "new"), list(itertools.product(Status, Status)))
def test_every_move_outside_the_table_is_refused(current: Status, new: Status) -> None:
    if new in TRANSITIONS[current]:
        check_transition(current, new)
        return
    with pytest.raises(IllegalTransition) as info:
        check_transition(current, new)
    assert "This consent is" in str(info.value)  # a sentence, not an enum dump


def test_nurse_cannot_verify_an_unsigned_consent_and_filed_cannot_change() -> None:
    c = make_consent()
    with pytest.raises(IllegalTransition, match="only verify a consent the patient has signed"):
        c.move_to(Status.VERIFIED, NOW)
    for status in (Status.SUBMITTED, Status.VERIFIED, Status.ATTESTED, Status.FILED):
        c.move_to(status, NOW)
    for status in (Status.SUBMITTED, Status.VERIFIED, Status.ATTESTED, Status.DECLINED):
        with pytest.raises(IllegalTransition):
            c.move_to(status, NOW)
    c.move_to(Status.ENTERED_IN_ERROR, NOW)  # the only way out of filed


def test_times_must_carry_a_zone() -> None:
    with pytest.raises(ValidationError, match="time zone"):
        Consent(**{**make_consent().model_dump(), "created_at": dt.datetime(2026, 1, 1)})


def test_canonical_hash_is_stable_and_sensitive() -> None:
    c = make_consent()
    again = Consent.model_validate_json(c.model_dump_json())
    assert again.sha256() == c.sha256()
    again.site = "Right leg"
    assert again.sha256() != c.sha256()
