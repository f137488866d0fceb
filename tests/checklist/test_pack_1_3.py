"""Content pack 1.3.0 (issue #15): the words of 1.2.0 with five checks of understanding
(teach-back) and a picture's number (rate) on every risk whose figure is one number, in English
and Spanish; a minor change, so 1.2.0's line and its courses carry on."""

from __future__ import annotations

import pytest
from pack_helpers import VALUES

from checklist.loader import PackLibrary, load_library
from checklist.models import Pack, Rate
from checklist.readability import reading_problems, score_pack
from checklist.translation import validate_translation
from checklist.validation import figure_ratio
from language.placeholders import fill

NEWEST, BEFORE = "1.3.0", "1.2.0"

# What records signed on the older versions pin: the new fields must leave them unchanged.
FINGERPRINTS = {
    ("1.0.0", "en"): "73fea7758c743e304868e694dc5864aa6ba116a05a180506419a66484be4bcbe",
    ("1.0.0", "es"): "9a04bc87f990e6064c65addfbcdc7f819d8cb9122f4a84896dc4870fd6f8543a",
    ("1.1.0", "en"): "8e0742e1cba6d3626f7c20db1cc0a75744b7ec260cf527e56ce1c39e7f31b538",
    ("1.1.0", "es"): "901750a1b3be4ea1b033bd50bdb6181d0ae0e7eaa50773150534b77c9fb05b64",
    ("1.2.0", "en"): "b9326f2a3c00b3cc424c60a31e8e2ee3a56420d4096ddfe7bc1e3ffc6e19604b",
    ("1.2.0", "es"): "f74a281de05df9a70035ea2b9bbe6fdae7fa729f0c6282682042beb889ae8ef0",
}


@pytest.fixture(scope="module")
def library() -> PackLibrary:
    return load_library(VALUES, [], strict=True)


@pytest.fixture(scope="module", params=["en", "es"])
def pack(request, library) -> Pack:
    return library.get("sclerotherapy", NEWEST, request.param)


def item_of(pack: Pack, item_id: str):
    return next(i for _, i in pack.items() if i.id == item_id)


def test_1_3_0_is_the_newest_a_minor_change_with_its_sentence(library, pack) -> None:
    assert library.active("sclerotherapy", pack.language) == pack
    assert pack.change == "minor" and pack.changes and "teach_back" in pack.changes
    assert library.content_line(pack) == BEFORE  # courses signed on 1.2.0 carry on
    assert pack.approval_is_demo


def test_the_older_versions_keep_their_fingerprints(library) -> None:
    for (version, lang), fingerprint in FINGERPRINTS.items():
        old = library.get("sclerotherapy", version, lang)
        assert old.fingerprint == fingerprint, (version, lang)
        assert old.teach_back == () and not any(i.rate for _, i in old.items())


def test_1_3_0_has_the_same_items_and_words_as_1_2_0(library, pack) -> None:
    old = library.get("sclerotherapy", BEFORE, pack.language)
    assert pack.item_ids() == old.item_ids()
    for _, item in old.items():
        new = item_of(pack, item.id)
        assert new.model_copy(update={"rate": None}) == item, item.id
    assert pack.screening == old.screening and pack.nurse_checklist == old.nurse_checklist


def test_five_checks_of_understanding_on_what_matters_most_for_safety(pack) -> None:
    ids = [q.id for q in pack.teach_back]
    assert ids == ["tb.chest", "tb.stockings", "tb.medicines", "tb.avoid", "tb.calf"]
    known = set(pack.item_ids())
    for q in pack.teach_back:
        assert q.checks and set(q.checks) <= known, q.id
        assert len(q.choices) == 3 and [c.id for c in q.choices] == ["a", "b", "c"]
        assert q.is_right(q.answer) and q.choice(q.answer)
    # the right answer is not always in the same place
    assert len({q.answer for q in pack.teach_back}) == 3
    assert "warn.chest" in pack.teach_back_question("tb.chest").checks
    assert "after.compression" in pack.teach_back_question("tb.stockings").checks


def test_the_right_answers_say_what_the_items_say(library) -> None:
    en = library.get("sclerotherapy", NEWEST, "en")

    def right(qid: str) -> str:
        q = en.teach_back_question(qid)
        return fill(q.choice(q.answer).text, VALUES)

    assert "911" in right("tb.chest") and "911" in item_of(en, "warn.chest").text
    days = VALUES["compression_days"]
    assert f"{days} days" in right("tb.stockings")
    assert "{compression_days} days" in item_of(en, "after.compression").text
    assert "blood thinners" in right("tb.medicines") and "hormones" in right("tb.medicines")
    assert "saunas" in right("tb.avoid") and "saunas" in item_of(en, "after.avoid").text
    assert "clinic today" in right("tb.calf").casefold()
    assert "clinic today" in item_of(en, "warn.calf").text.casefold()


def test_explain_says_the_items_again_in_other_words(pack) -> None:
    for q in pack.teach_back:
        for item_id in q.checks:
            assert item_of(pack, item_id).text not in q.explain, (q.id, item_id)
        assert q.explain not in {c.text for c in q.choices}


def test_every_risk_with_one_number_has_its_picture(pack) -> None:
    rated = {i.id: i.rate for _, i in pack.items() if i.rate is not None}
    assert rated == {
        "risk.bruising": Rate(affected=40, of=100),
        "risk.pain": Rate(affected=25, of=100),
        "risk.staining": Rate(affected=40, of=100),  # the first of two numbers (liquid)
        "risk.matting": Rate(affected=8, of=100),
        "risk.trapped_blood": Rate(affected=5, of=100),
        "risk.phlebitis": Rate(affected=5, of=100),
        "risk.clot": Rate(affected=1, of=100),
        "risk.clot_scan": Rate(affected=5, of=100),
        "risk.vision": Rate(affected=14, of=1000),  # the first of two numbers (vision)
        "risk.recurrence": Rate(affected=8, of=100),
        "risk.no_result": Rate(affected=10, of=100),
    }
    for _, item in pack.items():
        if item.rate is None:
            continue
        ratio = figure_ratio(item.figure or "")
        assert ratio is not None, item.id
        # the picture shows the figure's own number, to the nearest filled icon
        assert abs(item.rate.affected / item.rate.of - ratio) <= 0.5 / item.rate.of, item.id


def test_the_translation_matches_and_reads_easily(library, pack) -> None:
    en = library.get("sclerotherapy", NEWEST, "en")
    es = library.get("sclerotherapy", NEWEST, "es")
    assert validate_translation(en, es) == []
    assert reading_problems(pack, score_pack(pack, VALUES)) == []
