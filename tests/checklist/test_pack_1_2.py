"""Content pack 1.2.0 (issue #14): the words of 1.1.0 with the course item and the key risks a
patient re-confirms at each visit, in English and Spanish; a major change, so a course signed
on 1.1.0 sees a newer line, while a minor version after it keeps the line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pack_helpers import VALUES

from checklist.loader import SHIPPED_DIR, PackLibrary, load_library
from checklist.models import Pack, SectionKind
from checklist.readability import reading_problems, score_pack
from checklist.translation import validate_translation
from forms.course import CourseTerms, ReconsentReason, standing
from forms.synthetic import synthetic_consent
from language.placeholders import fill, placeholders_in
from settings import get_settings

NEWEST, BEFORE = "1.2.0", "1.1.0"
T0 = dt.datetime(2026, 12, 2, 15, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def library() -> PackLibrary:
    return load_library(VALUES, [], strict=True)


@pytest.fixture(scope="module", params=["en", "es"])
def pack(request, library) -> Pack:
    return library.get("sclerotherapy", NEWEST, request.param)


def item_text(pack: Pack, item_id: str) -> str:
    return next(i.text for _, i in pack.items() if i.id == item_id)


def test_1_2_0_is_a_major_change_with_its_sentence_and_the_demo_approval(pack) -> None:
    assert pack.change == "major"
    assert pack.changes and "course" in pack.changes
    assert pack.effective_date == dt.date(2026, 12, 1)
    assert pack.approval_is_demo  # a clinic's medical director must still approve it


def test_both_languages_re_confirm_the_same_key_risks(library) -> None:
    en, es = (library.get("sclerotherapy", NEWEST, lang) for lang in ("en", "es"))
    ids = [i.id for _, i in en.reconfirm_items()]
    assert ids == [i.id for _, i in es.reconfirm_items()]
    assert 4 <= len(ids) <= 6
    assert {"risk.allergy", "risk.clot", "risk.vision", "risk.ulcer"} <= set(ids)
    assert all(s.kind is SectionKind.RISKS for s, _ in en.reconfirm_items())
    assert validate_translation(en, es) == []
    # the older versions mark nothing: their records and fingerprints stay as they were signed
    for version in ("1.0.0", BEFORE):
        assert library.get("sclerotherapy", version, "en").reconfirm_items() == []


def test_1_2_0_is_1_1_0_plus_the_course_item(library) -> None:
    for lang in ("en", "es"):
        new = library.get("sclerotherapy", NEWEST, lang)
        old = library.get("sclerotherapy", BEFORE, lang)
        assert set(new.item_ids()) - set(old.item_ids()) == {"right.course"}
        assert set(old.item_ids()) <= set(new.item_ids())
        for _, item in old.items():  # same words for every item 1.1.0 had
            assert item_text(new, item.id) == item.text, item.id


def test_the_course_item_names_the_clinics_course_in_plain_words(library) -> None:
    values = get_settings().placeholder_values
    en = fill(item_text(library.get("sclerotherapy", NEWEST, "en"), "right.course"), values)
    es = fill(item_text(library.get("sclerotherapy", NEWEST, "es"), "right.course"), values)
    assert "up to 6 sessions within 12 months" in " ".join(en.split())
    assert "health questions again" in en and "main risks" in en and "stop at any time" in en
    assert "hasta 6 sesiones en 12 meses" in " ".join(es.split())
    assert "preguntas de salud" in es and "riesgos principales" in es and "parar" in es
    pack = library.get("sclerotherapy", NEWEST, "en")
    assert placeholders_in(item_text(pack, "right.course")) == {"course_sessions", "course_months"}


def test_course_values_come_from_the_course_settings_only(monkeypatch) -> None:
    monkeypatch.setenv("CONSENT_COURSE_SESSIONS", "4")
    monkeypatch.setenv("CONSENT_COURSE_MONTHS", "9")
    monkeypatch.setenv("CONSENT_PLACEHOLDERS", '{"course_sessions": "99"}')
    values = get_settings().placeholder_values
    # The text promises the course the record grants (services.courses.terms_for).
    assert (values["course_sessions"], values["course_months"]) == ("4", "9")


def test_1_2_0_reads_easily_in_both_languages(pack) -> None:
    assert reading_problems(pack, score_pack(pack, VALUES)) == []


def test_the_content_line_of_1_2_0_is_its_own_and_a_1_1_0_course_needs_a_new_consent(
    library,
) -> None:
    newest = library.get("sclerotherapy", NEWEST, "en")
    assert library.content_line(newest) == NEWEST
    # 1.3.0 (issue #15) is a minor change: the newest on disk carries 1.2.0's line on.
    assert library.content_line(library.active("sclerotherapy", "en")) == NEWEST
    older = library.get("sclerotherapy", BEFORE, "en")
    assert library.content_line(older) == BEFORE
    course, _ = synthetic_consent(older, VALUES, T0, stage="filed")
    course.course = CourseTerms.starting(
        T0.date(), months=12, sessions=6, content_line=library.content_line(older)
    )
    today = T0.date() + dt.timedelta(days=20)
    now = standing(course, [course], today=today, active_line=library.content_line(newest))
    assert now.reason is ReconsentReason.NEW_MAJOR_VERSION
    same = standing(course, [course], today=today, active_line=BEFORE)
    assert same.reason is None  # with 1.1.0 still active the course goes on


def _minor_copy(directory: Path, version: str) -> None:
    target = directory / "sclerotherapy" / version
    target.mkdir(parents=True)
    for lang in ("en", "es"):
        text = (SHIPPED_DIR / "sclerotherapy" / NEWEST / f"{lang}.yaml").read_text(encoding="utf-8")
        assert text.count('version: "1.2.0"') == 1 and text.count("change: major") == 1
        text = text.replace('version: "1.2.0"', f'version: "{version}"')
        (target / f"{lang}.yaml").write_text(
            text.replace("change: major", "change: minor"), encoding="utf-8"
        )


def test_a_minor_version_keeps_the_line_and_the_course(tmp_path: Path) -> None:
    _minor_copy(tmp_path, "1.2.1")
    library = load_library(VALUES, [tmp_path], strict=True)
    minor = library.get("sclerotherapy", "1.2.1", "es")
    # 1.3.0 is newer on disk (issue #15): the clinic's settings make 1.2.1 the active one.
    assert minor.change == "minor"
    assert library.active("sclerotherapy", "es", {"es": "1.2.1"}) == minor
    assert library.content_line(minor) == NEWEST
    on_1_2, _ = synthetic_consent(
        library.get("sclerotherapy", NEWEST, "es"), VALUES, T0, stage="filed"
    )
    on_1_2.course = CourseTerms.starting(T0.date(), months=12, sessions=6, content_line=NEWEST)
    later = T0.date() + dt.timedelta(days=30)
    assert (
        standing(on_1_2, [on_1_2], today=later, active_line=library.content_line(minor)).reason
        is None
    )


def test_a_translation_must_re_confirm_and_change_as_its_source(library) -> None:
    en = library.get("sclerotherapy", NEWEST, "en")
    es = library.get("sclerotherapy", NEWEST, "es")
    risks = es.section("risks")
    items = tuple(
        i.model_copy(update={"reconfirm": False}) if i.id == "risk.clot" else i for i in risks.items
    )
    sections = tuple(
        s.model_copy(update={"items": items}) if s.id == "risks" else s for s in es.sections
    )
    drifted = es.model_copy(
        update={"sections": sections, "change": "minor", "changes": "Otra frase."}
    )
    problems = validate_translation(en, drifted)
    assert any("item risk.clot: reconfirm is False" in p for p in problems), problems
    assert any(p.startswith("pack: change is minor but the en pack has major") for p in problems)
    assert any(p.startswith("pack: changes differs from the en pack's") for p in problems)
