"""Content pack 1.1.0 (issue #12 point 12): what the content review asked for is there, in
English and Spanish, easy to read; 1.0.0 stays on disk unchanged; new consents get the newest
version (1.3.0 since issue #15, tests/checklist/test_pack_1_3.py), 1.1.0 when pinned."""

from __future__ import annotations

import statistics

import pytest
from pack_helpers import VALUES

import cli
from checklist.loader import SHIPPED_DIR, load_library
from checklist.models import FlagLevel, Frequency, Pack
from checklist.readability import (
    MAX_GRADE,
    MAX_MEDIAN_GRADE,
    MIN_SPANISH_SCORE,
    MIN_SZIGRISZT,
    reading_problems,
    score_pack,
)
from checklist.validation import FREQUENCY_BANDS, figure_ratio, pack_texts

NEW, OLD = "1.1.0", "1.0.0"
COURSE = "1.2.0"  # issue #14: the course wording and the re-confirmed risks
NEWEST = "1.3.0"  # issue #15: the checks of understanding and the risk pictures


@pytest.fixture(scope="module")
def library():
    return load_library(VALUES, [], strict=True)


@pytest.fixture(scope="module")
def en(library) -> Pack:
    return library.get("sclerotherapy", NEW, "en")


@pytest.fixture(scope="module")
def es(library) -> Pack:
    return library.get("sclerotherapy", NEW, "es")


def text(pack: Pack, item_id: str) -> str:
    return next(i for _, i in pack.items() if i.id == item_id).text


def test_every_version_loads_and_the_newest_is_the_default(library) -> None:
    for lang in ("en", "es"):
        assert library.versions("sclerotherapy", lang) == [OLD, NEW, COURSE, NEWEST]
        assert library.active("sclerotherapy", lang).version == NEWEST
        assert library.active("sclerotherapy", lang, {lang: NEW}).version == NEW
        assert library.active("sclerotherapy", lang, {lang: OLD}).version == OLD
    # 1.0.0 keeps its own words: the consents signed on it re-render from what was read.
    assert "vein surgeon" in text(library.get("sclerotherapy", OLD, "en"), "risk.artery")
    assert (SHIPPED_DIR / "sclerotherapy" / OLD / "en.yaml").is_file()


def test_check_content_passes_for_both_versions(capsys) -> None:
    code = cli.main(["check-content"])
    out = capsys.readouterr().out
    assert code == 0, out
    for version in (OLD, NEW):
        for lang in ("en", "es"):
            assert f"sclerotherapy {version} ({lang})" in out
    assert "TOO HARD" not in out


def test_english_1_1_reads_at_grade_8_or_below_median_6_5(en) -> None:
    scores = score_pack(en, VALUES)
    assert {s.section_id for s in scores} >= {"alternatives", "risks", "screening"}
    for s in scores:
        assert s.grade is not None and s.grade <= MAX_GRADE, s
    assert statistics.median(s.grade for s in scores if s.grade is not None) <= MAX_MEDIAN_GRADE
    assert reading_problems(en, scores) == []


def test_spanish_1_1_is_easy_to_read(es) -> None:
    scores = score_pack(es, VALUES)
    for s in scores:
        assert s.fernandez_huerta is not None and s.fernandez_huerta >= MIN_SPANISH_SCORE, s
        assert s.szigriszt_pazos is not None and s.szigriszt_pazos >= MIN_SZIGRISZT, s
    assert reading_problems(es, scores) == []


def test_risk_figures_and_bands(en, es) -> None:
    items = {i.id: i for _, i in en.items()}
    assert items["risk.staining"].figure is not None
    assert "4 in 10" in items["risk.staining"].figure and "liquid" in items["risk.staining"].figure
    assert "1 in 6" in items["risk.staining"].figure and "foam" in items["risk.staining"].figure
    assert "1 in 100" in (items["risk.clot"].figure or "")
    scan = items["risk.clot_scan"]
    assert "1 in 20" in (scan.figure or "") and "large vein" in (scan.figure or "")
    assert "no signs" in scan.text
    vision = items["risk.vision"]
    assert vision.frequency is Frequency.COMMON
    assert "1 in 70" in (vision.figure or "") and "1 in 25" in (vision.figure or "")
    # Recurrence has its own figure; "more than one session" is its own item, with none.
    assert "1 in 12" in (items["risk.recurrence"].figure or "")
    assert "come back" in items["risk.recurrence"].text
    assert items["risk.more_sessions"].figure is None
    assert "more than one session" in items["risk.more_sessions"].text
    # Chest tightness is its own very rare item; the serious foam events name heart and fits.
    assert items["risk.chest"].frequency is Frequency.VERY_RARE
    assert "Chest tightness" in items["risk.chest"].text
    assert "Chest" not in items["risk.stroke"].text
    for words in ("stroke", "heart attack", "seizure"):
        assert words in items["risk.stroke"].text
    assert "vascular surgeon" in items["risk.artery"].text
    # Every figure sits inside its band, in both languages.
    for pack in (en, es):
        for _, item in pack.items():
            ratio = figure_ratio(item.figure) if item.figure else None
            if ratio is not None and item.frequency is not None:
                low, high = FREQUENCY_BANDS[item.frequency]
                assert low <= ratio <= high, (pack.language, item.id)


def test_steps_time_trips_alternatives_and_no_treatment(en) -> None:
    assert "Doppler ultrasound scan checks how blood flows" in text(en, "about.steps")
    duration = text(en, "about.duration")
    assert "{session_minutes}" not in duration and "less than an hour" in duration
    assert "{walk_minutes}" in duration  # the walk is part of the visit, not of the treatment
    assert "4 weeks" in text(en, "after.travel") and "4 hours" in text(en, "after.travel")
    assert "flight" not in text(en, "after.avoid")
    alternatives = en.section("alternatives")
    assert {"surgery", "no_treatment", "untreated"} <= {
        t for i in alternatives.items for t in i.tags
    }
    assert "tie off" in text(en, "alt.surgery")
    untreated = text(en, "alt.untreated")
    for words in ("Varicose veins", "skin", "ulcer", "bleed", "phlebitis", "most often harmless"):
        assert words in untreated


def test_new_screening_questions_and_their_flags(en, es) -> None:
    for pack in (en, es):
        flags = {r.question: r.flag for r in pack.screening.rules}
        assert flags["q.allergy"] is FlagLevel.STOP
        assert flags["q.allergy_severe"] is FlagLevel.STOP
        assert flags["q.vein_now"] is FlagLevel.REVIEW
        assert flags["q.baby"] is FlagLevel.REVIEW
    assert (
        en.question("q.vein_now").text == "Do you have a vein that is red, hard and sore right now?"
    )
    assert "baby in the last 3 months" in en.question("q.baby").text
    assert " or " not in en.question("q.allergy").text  # one question at a time


def test_spanish_fixes(es) -> None:
    every = " ".join(words for _, words in pack_texts(es))
    assert "remedio" not in every and "medicina" not in every
    assert "medicamento" in text(es, "about.what")
    assert text(es, "prep.keep_taking").startswith("No deje de tomar un anticoagulante")
    assert "recetó" in text(es, "prep.keep_taking")
    assert "se aclaran" in text(es, "benefit.look") and "borr" not in text(es, "benefit.look")
    for item_id in ("about.why", "benefit.symptoms"):
        assert "cansadas" in text(es, item_id) and "inquietas" in text(es, item_id)
    assert "la zona roja crece" in text(es, "warn.infection")
    assert "protector solar" in text(es, "after.sun")
    assert "uso no aprobado (fuera de indicación)" in text(es, "right.off_label")
    assert "cirujano vascular" in text(es, "risk.artery")
    figures = [i.figure for _, i in es.items() if i.figure and " de cada " in i.figure]
    assert all(f.split()[0] in {"unas", "cerca", "hasta", "menos"} for f in figures), figures
