"""A translation must match its source pack exactly apart from the words (issue 7)."""

from __future__ import annotations

import copy

import pytest
from pack_helpers import ES_FILE, VALUES, item, read_raw, section, write_pack

from checklist.loader import load_library
from checklist.models import Pack
from checklist.translation import validate_translation
from checklist.validation import validate_pack

EN = Pack.model_validate(read_raw())


@pytest.fixture
def es_raw() -> dict:
    return copy.deepcopy(read_raw(ES_FILE))


def drift(es_raw: dict) -> list[str]:
    return validate_translation(EN, Pack.model_validate(es_raw))


def test_shipped_spanish_pack_matches_english(es_raw) -> None:
    es = Pack.model_validate(es_raw)
    assert es.language == "es" and es.source_language == "en" and es.version == EN.version
    assert validate_pack(es, VALUES) == []
    assert validate_translation(EN, es) == []
    assert es.item_ids() == EN.item_ids()
    assert es.screening.rules == EN.screening.rules  # staff-facing reasons stay identical
    assert es.fingerprint != EN.fingerprint


def test_shipped_spanish_pack_loads() -> None:
    library = load_library(VALUES, strict=True)
    assert library.languages("sclerotherapy") == ["en", "es"]
    es = library.active("sclerotherapy", "es")
    assert es.section("about").title == "Sobre este tratamiento"


def test_missing_item(es_raw) -> None:
    s = section(es_raw, "risks")
    s["items"] = [i for i in s["items"] if i["id"] != "risk.clot"]
    assert drift(es_raw) == [
        "section risks: item risk.clot is missing. Translate it from the en pack."
    ]


def test_extra_item(es_raw) -> None:
    section(es_raw, "benefits")["items"].append({"id": "benefit.extra", "text": "Algo más."})
    assert drift(es_raw) == [
        "section benefits: item benefit.extra is not in the en pack. Remove it (add it to the "
        "source first)."
    ]


def test_items_in_another_order(es_raw) -> None:
    items = section(es_raw, "benefits")["items"]
    items[0], items[1] = items[1], items[0]
    (message,) = drift(es_raw)
    assert message.startswith("section benefits: the items are in a different order")


def test_changed_rule(es_raw) -> None:
    es_raw["screening"]["rules"][2]["flag"] = "review"
    (message,) = drift(es_raw)
    assert message.startswith("screening > rules[2] (question q.pregnant) differs from the en pack")
    assert "copied unchanged" in message


def test_translated_rule_reason_is_drift(es_raw) -> None:
    es_raw["screening"]["rules"][0]["reason"] = "Alergia al esclerosante."
    assert any("rules[0] (question q.allergy) differs" in p for p in drift(es_raw))


def test_changed_placeholder(es_raw) -> None:
    item(es_raw, "after.compression")["text"] = "Use las medias {avoid_days} días."
    (message,) = drift(es_raw)
    assert message == (
        "section aftercare > item after.compression: uses placeholders {avoid_days} but the en "
        "pack uses {compression_days}, {compression_strength}. Use exactly the same placeholders."
    )


def test_missing_question(es_raw) -> None:
    es_raw["screening"]["questions"] = [
        q for q in es_raw["screening"]["questions"] if q["id"] != "q.travel"
    ]
    problems = drift(es_raw)
    assert "screening: question q.travel is missing. Translate it from the en pack." in problems


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda r: item(r, "risk.clot").update(frequency="rare"),
            "item risk.clot: frequency is rare but the en pack has uncommon",
        ),
        (
            lambda r: item(r, "warn.calf").update(urgency="emergency"),
            "item warn.calf: urgency is emergency but the en pack has clinic",
        ),
        (
            lambda r: item(r, "alt.none").update(tags=["none"]),
            "item alt.none: tags is [none] but the en pack has [no_treatment]",
        ),
        (
            lambda r: section(r, "risks").update(screen="risks2"),
            "section risks: screen is risks2 but the en pack has None",
        ),
        (
            lambda r: r["photo_consent"].update(id="photo.other"),
            "photo_consent: id is photo.other but the en pack has photo.optin",
        ),
        (lambda r: r["timeout"].pop(), "timeout: check item to.agreement is missing"),
        (
            lambda r: r["nurse_checklist"].pop(0),
            "nurse_checklist: check item nc.identity is missing",
        ),
        (lambda r: r.update(version="1.0.1"), "pack: version is 1.0.1 but the en pack has 1.0.0"),
        (
            lambda r: section(r, "benefits").update(kind="risks"),
            "section benefits: kind is risks but the en pack has benefits",
        ),
    ],
)
def test_other_drift_is_named(es_raw, change, expected: str) -> None:
    change(es_raw)
    problems = drift(es_raw)
    assert any(expected in p for p in problems), problems


def test_loader_drops_a_drifting_translation(tmp_path) -> None:
    en_raw, es_raw = read_raw(), read_raw(ES_FILE)
    en_raw["version"] = es_raw["version"] = "2.0.0"
    s = section(es_raw, "risks")
    s["items"] = [i for i in s["items"] if i["id"] != "risk.allergy"]
    write_pack(tmp_path, en_raw)
    es_path = write_pack(tmp_path, es_raw)
    library = load_library(VALUES, [tmp_path])
    assert library.problems == [
        f"{es_path}: section risks: item risk.allergy is missing. Translate it from the en pack."
    ]
    assert ("sclerotherapy", "2.0.0", "es") not in library.packs
    assert ("sclerotherapy", "2.0.0", "en") in library.packs
    # the old Spanish version is still there for records that pinned it
    assert library.get("sclerotherapy", "1.0.0", "es").version == "1.0.0"


def test_default_placeholder_values_read_the_same_in_every_language() -> None:
    # The values fill Spanish text too: "camina 15 to 20 minutos" would put English on screen.
    import re

    from settings import DEFAULT_PLACEHOLDERS

    for name, value in DEFAULT_PLACEHOLDERS.items():
        assert re.fullmatch(r"[\d.,\-–]+( mmHg)?", value), (name, value)
