"""Name matching, patient details and the ink threshold: what the patient is told, and when."""

from __future__ import annotations

import datetime as dt

import pytest
from flow_helpers import scribble
from hypothesis import given
from hypothesis import strategies as st

from checklist import identity

TODAY = dt.date(2026, 11, 23)


@pytest.mark.parametrize(
    ("typed", "legal"),
    [
        ("ana maría núñez", "Ana María Núñez"),
        ("  Ana   María  Núñez ", "Ana María Núñez"),
        ("ANA MARÍA NÚÑEZ", "Ana María Núñez"),
        ("Nguye\u0302\u0303n Thị Hương", "Nguyễn Thị Hương"),  # decomposed vs composed accents
        ("STRASSE", "Straße"),
    ],
)
def test_names_match_ignoring_case_spaces_and_unicode_form(typed: str, legal: str) -> None:
    assert identity.name_matches(typed, legal)


@pytest.mark.parametrize(
    ("typed", "legal"),
    [
        ("Ana Maria Nunez", "Ana María Núñez"),
        ("Ana", "Ana María Núñez"),
        ("", "Ana"),
        ("   ", "   "),
    ],
)
def test_names_that_differ_do_not_match(typed: str, legal: str) -> None:
    assert not identity.name_matches(typed, legal)


@given(st.text(min_size=1, max_size=60).filter(lambda s: s.strip()))
def test_any_name_matches_itself_retyped_in_capitals_with_spaces(name: str) -> None:
    assert identity.name_matches("  " + name.upper().replace(" ", "  ") + " ", name) == (
        identity.normalise_name(name.upper()) == identity.normalise_name(name)
    )


def problems(name="Ana Núñez", dob=dt.date(1958, 3, 14), mrn=None, require_mrn=False):
    return identity.patient_detail_problems(
        name, dob, mrn, TODAY, require_mrn=require_mrn, mrn_pattern=r"[A-Z0-9-]{4,20}"
    )


def test_good_details_have_no_problems() -> None:
    assert problems() == []
    assert problems(name="Nguyễn Thị Hương") == []
    assert problems(mrn="AB-1234", require_mrn=True) == []
    assert problems(dob=TODAY) == []


@pytest.mark.parametrize(
    ("kwargs", "key"),
    [
        ({"name": ""}, "patient.details.name_empty"),
        ({"name": "   "}, "patient.details.name_empty"),
        ({"name": "A"}, "patient.details.name_too_short"),
        ({"name": "12 34"}, "patient.details.name_symbols"),  # digits are not a name
        ({"name": "Ana 2"}, "patient.details.name_symbols"),
        ({"name": "Ana\x00Núñez"}, "patient.details.name_invalid"),
        ({"name": "Ana\u202eNúñez"}, "patient.details.name_invalid"),
        ({"name": "A" * 201}, "patient.details.name_too_long"),
        ({"dob": None}, "patient.details.dob_missing"),
        ({"dob": TODAY + dt.timedelta(days=1)}, "patient.details.dob_future"),
        ({"dob": dt.date(1906, 11, 22)}, "patient.details.dob_too_old"),
        ({"require_mrn": True}, "patient.details.mrn_missing"),
        ({"mrn": "bad mrn!"}, "patient.details.mrn_invalid"),
    ],
)
def test_bad_details_get_a_clear_message(kwargs: dict, key: str) -> None:
    assert problems(**kwargs) == [key]


def test_every_detail_message_exists_in_both_languages() -> None:
    from language.i18n import catalog

    keys = [k for k in catalog("en") if k.startswith("patient.details.")]
    for lang in ("en", "es"):
        assert all(k in catalog(lang) for k in keys)


def test_a_real_signature_has_enough_ink() -> None:
    assert identity.ink_problem(scribble(600), 600) is None


@pytest.mark.parametrize(
    ("strokes", "key"),
    [
        (None, "patient.sign.ink_empty"),
        ([], "patient.sign.ink_empty"),
        ([[{"x": 10, "y": 10, "t": 0}]], "patient.sign.ink_empty"),
        (
            [
                [
                    {"x": 100, "y": 100, "t": 0},
                    {"x": 103, "y": 102, "t": 5},
                    {"x": 101, "y": 104, "t": 9},
                ]
            ],
            "patient.sign.ink_dot",
        ),
        ([[{"x": 20, "y": 100, "t": 0}, {"x": 580, "y": 104, "t": 200}]], "patient.sign.ink_line"),
        (
            [[{"x": 20 + i * 5, "y": 100 + i * 3, "t": i} for i in range(100)]],
            "patient.sign.ink_line",
        ),
        (
            [
                [
                    {"x": 100, "y": 100, "t": 0},
                    {"x": 130, "y": 125, "t": 5},
                    {"x": 150, "y": 100, "t": 9},
                ]
            ],
            "patient.sign.ink_too_little",
        ),
    ],
)
def test_trivial_signatures_are_refused(strokes, key: str) -> None:
    assert identity.ink_problem(strokes, 600) == key


def test_ink_is_measured_in_pad_widths() -> None:
    assert (
        identity.ink_in_widths([[{"x": 0, "y": 0, "t": 0}, {"x": 300, "y": 400, "t": 1}]], 500)
        == 1.0
    )
