"""The default pack meets the reading level, measured offline, on the text the patient sees."""

from __future__ import annotations

import socket
import statistics

import nltk
import pytest
from pack_helpers import VALUES, read_raw

from checklist.models import Pack
from checklist.readability import (
    MAX_GRADE,
    MAX_MEDIAN_GRADE,
    english_syllables,
    flesch_kincaid_grade,
    reading_problems,
    score_pack,
    section_text,
)


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to download (nltk) or open a connection fails the test."""

    def refuse(*args, **kwargs):
        raise AssertionError("readability tried to use the network")

    monkeypatch.setattr(nltk, "download", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)


def en_pack() -> Pack:
    return Pack.model_validate(read_raw())


def test_every_english_section_at_most_grade_8_and_median_at_most_6_5() -> None:
    scores = score_pack(en_pack(), VALUES)
    ids = [s.section_id for s in scores]
    assert ids[:8] == [
        "about",
        "benefits",
        "alternatives",
        "risks",
        "preparation",
        "aftercare",
        "warning_signs",
        "rights",
    ]
    assert {"screening", "photos", "signing"} <= set(ids)
    for s in scores:
        assert s.grade is not None and s.grade <= MAX_GRADE, s
        assert s.words > 0
    assert statistics.median(s.grade for s in scores) <= MAX_MEDIAN_GRADE
    assert reading_problems(en_pack(), scores) == []


def test_measured_text_is_what_the_patient_sees() -> None:
    pack = en_pack()
    about = section_text(pack.section("about"), VALUES)
    assert about.startswith("About this treatment.")
    assert "walk for 15 to 20 minutes" in about  # placeholder filled from settings
    assert "{" not in about
    risks = section_text(pack.section("risks"), VALUES)
    assert "Common: about 1 in 6 people treated with foam." in risks  # frequency word + figure


def test_syllables_come_from_the_cmu_dictionary_with_a_fallback() -> None:
    assert english_syllables("water") == 2  # W AO1 T ER0
    assert english_syllables("the cat sat") == 3
    assert english_syllables("sclerotherapy") >= 4  # not in the dictionary: pyphen


def test_hard_text_fails_the_check() -> None:
    hard = (
        "Percutaneous endovenous chemical obliteration of incompetent saphenous tributaries "
        "necessitates meticulous ultrasonographic localisation, notwithstanding considerable "
        "interindividual anatomical variability and potential thromboembolic complications."
    )
    assert flesch_kincaid_grade(hard) > 20
    raw = read_raw()
    raw["sections"][1]["items"][0]["text"] = hard
    pack = Pack.model_validate(raw)
    problems = reading_problems(pack, score_pack(pack, VALUES))
    assert any(p.startswith("section benefits is too hard to read (grade") for p in problems)


def test_grade_matches_textstat_formula_on_a_known_text() -> None:
    # 2 sentences, 8 words, 8 syllables: 0.39*4 + 11.8*1 - 15.59
    assert flesch_kincaid_grade("The cat sat down. The dog ran off.") == pytest.approx(
        0.39 * 4 + 11.8 * 1 - 15.59
    )
