"""What a patient types (names, notes) and how dates and times read in their language."""

from __future__ import annotations

import datetime as dt
import unicodedata
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from checklist import identity
from checklist.text import MAX_NAME, clean_note, name_problem
from language.dates import format_date, format_date_with_iso, format_datetime, format_time
from language.i18n import catalog

BIDI = [
    "\u202a",
    "\u202b",
    "\u202c",
    "\u202d",
    "\u202e",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
    "\u061c",
    "\u200e",
    "\u200f",
]
HIDDEN = [
    *BIDI,
    "\u200b",
    "\u2060",
    "\ufeff",
    "\u00ad",
    "\x00",
    "\x1b",
    "\n",
    "\u2028",
    "\U000e0041",
]


@pytest.mark.parametrize("ch", HIDDEN, ids=[f"U+{ord(c):04X}" for c in HIDDEN])
def test_a_name_with_a_hidden_or_bidi_character_is_refused(ch: str) -> None:
    assert name_problem(f"Ana{ch} Núñez") == "patient.details.name_invalid"
    assert identity.name_problem(f"Ana Núñez{ch}") == "patient.details.name_invalid"
    # an interpreter's name or ID goes through the same rule
    assert name_problem(f"ID {ch}4521", legal=False) == "patient.details.name_invalid"


@pytest.mark.parametrize(
    "name",
    [
        "Ana María Núñez",
        "Seán O'Brien",
        "Mary-Jane D\u2019Souza",
        "J. R. Smith",
        "Nguyễn Thị Hương",
        "Zoë Brontë-Ødegård",
        "Дмитрий Иванов",
        "محمد عبد الله",
        "דוד כהן",
        "مهرداد می\u200cخواه",  # Persian: ZWNJ between letters is how the word is spelt
        "Gal·la Puig",
    ],
)
def test_names_from_any_script_are_accepted(name: str) -> None:
    assert name_problem(name) is None


@pytest.mark.parametrize(
    "name", ["Ana 😀 Núñez", "Ana ❤️", "Ana ©", "Ana ^ Núñez", "Ana #2", "Ana@x"]
)
def test_a_legal_name_with_emoji_symbols_or_digits_gets_its_own_message(name: str) -> None:
    assert name_problem(name) == "patient.details.name_symbols"


@pytest.mark.parametrize("name", ["王伟", "नमस्ते देवी", "李小龍"])
def test_a_name_in_a_script_the_pdf_cannot_print_is_refused_with_its_own_message(
    name: str,
) -> None:
    # Chinese and Devanagari names are real names, but the shipped fonts have no such letters:
    # the tablet refuses them at entry rather than print boxes (tests/forms/test_pdf_scripts.py).
    assert name_problem(name) == "patient.details.name_script"
    assert name_problem(name, legal=False) == "patient.details.name_script"


def test_an_interpreter_id_may_hold_digits_and_signs() -> None:
    assert name_problem("Interpreter #40213", legal=False) is None


def test_zalgo_marks_and_a_stray_joiner_are_refused() -> None:
    assert name_problem("Ana" + "\u0301" * 8) == "patient.details.name_invalid"
    assert name_problem("Ana\u200d Núñez") == "patient.details.name_invalid"


def test_huge_input_gets_the_length_message() -> None:
    assert name_problem("A" * (MAX_NAME + 1)) == "patient.details.name_too_long"
    assert name_problem("Ana\u202e" * 100_000) == "patient.details.name_too_long"


def test_every_new_message_exists_in_both_languages() -> None:
    for key in (
        "patient.details.name_symbols",
        "patient.details.name_script",
        "patient.sign.pad_invalid",
        "patient.sign.name_empty",
        "patient.sign.name_invalid",
        "patient.section.note_too_long",
        "patient.interpreter.name_invalid",
        "patient.language.welcome",
    ):
        assert (
            catalog("en")[key] and catalog("es")[key] and catalog("en")[key] != catalog("es")[key]
        )


def test_a_note_loses_every_bidi_and_hidden_character_but_keeps_the_words() -> None:
    raw = "Is it \u202esafe\u202c with \u2066my\u2069 pills?\u200b\x00 \u061cYes\ufeff"
    assert clean_note(raw) == "Is it safe with my pills? Yes"
    assert clean_note("two\r\nlines\u2028here") == "two\nlines\nhere"
    assert clean_note("می\u200cخواهم") == "می\u200cخواهم"


@given(st.text(max_size=200))
def test_no_bidi_or_control_character_survives_in_a_note(text: str) -> None:
    out = clean_note(text)
    assert not any(c in out for c in BIDI)
    assert all(c == "\n" or unicodedata.category(c) not in ("Cc", "Cs", "Co", "Cn") for c in out)


# --- year of birth ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "today", [dt.date(2026, 11, 23), dt.date(2028, 2, 29), dt.date(2027, 1, 1)]
)
def test_the_year_list_runs_from_this_year_to_the_oldest_acceptable_year(today: dt.date) -> None:
    years = identity.birth_years(today)
    oldest = identity.oldest_birth_date(today)
    assert years[0] == today.year and years == sorted(years, reverse=True)
    assert years[-1] == oldest.year == today.year - identity.MAX_AGE_YEARS
    # every offered year holds a date the rule accepts, and the year before it holds none
    ok = dict(name="Ana Núñez", mrn=None, today=today, require_mrn=False, mrn_pattern=".*")
    assert identity.patient_detail_problems(date_of_birth=dt.date(years[-1], 12, 31), **ok) == []
    assert identity.patient_detail_problems(date_of_birth=oldest, **ok) == []
    before = oldest - dt.timedelta(days=1)
    assert identity.patient_detail_problems(date_of_birth=before, **ok) == [
        "patient.details.dob_too_old"
    ]


# --- the sign screen's checks -------------------------------------------------------------


def _squiggle() -> list[list[dict[str, float]]]:
    import math

    return [[{"x": 40 + 4.4 * i, "y": 100 + 40 * math.sin(i / 20), "t": i * 8} for i in range(120)]]


def test_an_empty_name_and_no_signature_are_both_reported() -> None:
    assert identity.sign_problems("", "Ana Núñez", [], 600) == [
        "patient.sign.name_empty",
        "patient.sign.ink_empty",
    ]
    assert identity.sign_problems("Bob", "Ana Núñez", None, 600) == [
        "patient.sign.name_mismatch",
        "patient.sign.ink_empty",
    ]
    assert identity.sign_problems("Ana\u2066 Núñez", "Ana Núñez", [], 600)[0] == (
        "patient.sign.name_invalid"
    )
    assert identity.sign_problems("", "Ana Núñez", _squiggle(), 600) == ["patient.sign.name_empty"]
    assert identity.sign_problems(" ana  núñez ", "Ana Núñez", _squiggle(), 600) == []


# --- dates and times ----------------------------------------------------------------------


def _plain(text: str) -> str:
    return text.replace("\u00a0", " ")


def test_dates_and_times_read_the_way_each_language_writes_them() -> None:
    assert format_date("en", dt.date(1948, 3, 14)) == "March 14, 1948"
    assert format_date("es", dt.date(1948, 3, 14)) == "14 de marzo de 1948"
    assert _plain(format_time("en", dt.time(16, 42))) == "4:42 PM"
    assert format_time("es", dt.time(16, 42)) == "16:42"
    assert format_date_with_iso("es", dt.date(1948, 3, 14)) == "14 de marzo de 1948 (1948-03-14)"


def test_a_moment_is_shown_in_the_clinic_zone_with_its_abbreviation() -> None:
    moment = dt.datetime(2026, 11, 23, 21, 42, tzinfo=dt.UTC)
    zone = ZoneInfo("America/New_York")
    assert _plain(format_datetime("en", moment, zone)) == "November 23, 2026, 4:42 PM EST"
    assert format_datetime("es", moment, zone) == "23 de noviembre de 2026, 16:42 EST"


def test_an_unknown_language_still_gets_a_readable_date() -> None:
    assert format_date("zz", dt.date(2000, 1, 2)) == "January 2, 2000"
