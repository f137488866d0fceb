"""Property: any Unicode name and text survives save and load, and the name is searchable."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from store_builders import make_consent

from forms.record_parts import DoctorQuestion
from store.db import Database
from store.errors import BadText
from store.text import name_key

# Any character except NUL (refused at the store boundary, tested below) and lone surrogates
# (not encodable as UTF-8 at all).
chars = st.characters(exclude_categories=("Cs",), exclude_characters="\x00")


def text_of(max_size: int, min_size: int = 0) -> st.SearchStrategy[str]:
    return st.text(chars, min_size=min_size, max_size=max_size)


names = text_of(200, 1).map(str.strip).filter(bool)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    legal_name=names,
    preferred=st.none() | names,
    site=text_of(120, 1).map(str.strip).filter(bool),
    note=text_of(2000).map(str.strip),
    placeholder=text_of(300),
    printed_name=names,
)
def test_unicode_round_trip(
    db: Database,
    legal_name: str,
    preferred: str | None,
    site: str,
    note: str,
    placeholder: str,
    printed_name: str,
) -> None:
    consent = make_consent(name=legal_name, site=site, acks=3)
    consent.patient.preferred_name = preferred
    consent.pack.placeholder_values[placeholder] = placeholder
    consent.questions.append(
        DoctorQuestion(section_id="risks", asked_at=consent.created_at, note=note)
    )
    assert consent.patient_signature is not None
    consent.patient_signature.printed_name = printed_name
    with db.uow() as uow:
        uow.consents.add(consent)
        uow.audit.append(
            at=consent.created_at,
            actor_id="patient",
            actor_role="patient",
            action="consent.submitted",
            consent_id=consent.id,
            new={"name": legal_name, "note": note},
        )
        uow.commit()
    with db.uow() as uow:
        assert uow.consents.get(consent.id) == consent
        found = uow.consents.search(name=legal_name, limit=10_000)
        assert consent.id in {c.id for c in found}
        [event] = uow.audit.for_consent(consent.id)
        assert event.new == {"name": legal_name, "note": note}
        assert uow.audit.check_chain().ok


@given(st.text(chars, max_size=50))
def test_name_key_is_idempotent(value: str) -> None:
    assert name_key(name_key(value)) == name_key(value)


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyzáéíóúñüç ", max_size=40))
def test_name_key_ignores_case_accents_and_spacing(value: str) -> None:
    plain = value.translate(str.maketrans("áéíóúñüç", "aeiounuc"))
    assert name_key(value.upper()) == name_key(value) == " ".join(plain.split())


def test_text_with_nul_is_refused_everywhere_with_the_same_message(db: Database) -> None:
    consent = make_consent(site="Left\x00leg")
    with db.uow() as uow, pytest.raises(BadText, match="NUL"):
        uow.consents.add(consent)
    with db.uow() as uow, pytest.raises(BadText, match="NUL"):
        uow.audit.append(
            at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
            actor_id="a\x00",
            actor_role="nurse",
            action="x",
        )
    with db.uow() as uow:  # inside JSON values NUL is escaped, so it is stored faithfully
        event = uow.audit.append(
            at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
            actor_id="a",
            actor_role="nurse",
            action="x",
            new={"v": "a\x00b"},
        )
        uow.commit()
    with db.uow() as uow:
        assert uow.audit.query()[0].new == {"v": "a\x00b"} == event.new
        assert uow.audit.check_chain().ok
