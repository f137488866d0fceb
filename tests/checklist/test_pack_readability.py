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
    assert f"walk for {VALUES['walk_minutes']} minutes" in about  # filled from settings
    assert "{" not in about
    risks = section_text(pack.section("risks"), VALUES)
    assert "Very common: 1 or more in 10 people.\nabout 1 in 6 people treated with foam." in risks


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


def test_spanish_pack_is_in_the_easy_bands() -> None:
    from pack_helpers import ES_FILE

    from checklist.readability import (
        MIN_SPANISH_SCORE,
        MIN_SZIGRISZT,
        fernandez_huerta_band,
        szigriszt_pazos_band,
    )

    pack = Pack.model_validate(read_raw(ES_FILE))
    scores = score_pack(pack, VALUES)
    assert len(scores) == 11
    easy = {"bastante fácil", "fácil", "muy fácil"}
    for s in scores:
        assert s.grade is None
        assert s.fernandez_huerta is not None and s.fernandez_huerta >= MIN_SPANISH_SCORE, s
        assert s.szigriszt_pazos is not None and s.szigriszt_pazos >= MIN_SZIGRISZT, s
        assert fernandez_huerta_band(s.fernandez_huerta) in easy
        assert szigriszt_pazos_band(s.szigriszt_pazos) in easy
    assert reading_problems(pack, scores) == []
    about = section_text(pack.section("risks"), VALUES, "es")
    assert "Muy frecuente: 1 o más de cada 10 personas.\n1 de cada 6 personas con espuma." in about


def test_hard_spanish_text_fails() -> None:
    from pack_helpers import ES_FILE

    raw = read_raw(ES_FILE)
    raw["sections"][1]["items"][0]["text"] = (
        "La obliteración endovenosa química de las tributarias safenas incompetentes requiere "
        "una localización ultrasonográfica meticulosa, considerando la considerable variabilidad "
        "anatómica interindividual y las potenciales complicaciones tromboembólicas asociadas."
    )
    pack = Pack.model_validate(raw)
    problems = reading_problems(pack, score_pack(pack, VALUES))
    assert any(
        p.startswith("section benefits is too hard to read (Fernández-Huerta") for p in problems
    )


def test_spanish_bands() -> None:
    from checklist.readability import fernandez_huerta_band, szigriszt_pazos_band

    assert fernandez_huerta_band(72) == "bastante fácil"
    assert fernandez_huerta_band(65) == "normal"
    assert szigriszt_pazos_band(70) == "bastante fácil"
    assert szigriszt_pazos_band(40) == "bastante difícil"
