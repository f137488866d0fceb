"""One test per validation rule: each breaks the default pack in one way and reads the message."""

from __future__ import annotations

import pytest
from pack_helpers import VALUES, item, problems_of, read_raw, section, write_pack

from checklist.loader import PackError, load_library
from checklist.validation import REQUIRED_TAGS


def only(problems: list[str]) -> str:
    assert len(problems) == 1, problems
    return problems[0]


def test_default_pack_has_no_problems() -> None:
    assert problems_of(read_raw()) == []


@pytest.mark.parametrize(
    "kind",
    [
        "about",
        "benefits",
        "alternatives",
        "risks",
        "preparation",
        "aftercare",
        "warning_signs",
        "rights",
    ],
)
def test_missing_required_section(break_pack, kind: str) -> None:
    def drop(raw):
        raw["sections"] = [s for s in raw["sections"] if s["kind"] != kind]

    message = only(break_pack(drop))
    assert f"no section of kind {kind}" in message
    assert f"Add a section with kind: {kind}" in message


@pytest.mark.parametrize(
    ("kind", "tag"), [(k.value, t) for k, tags in REQUIRED_TAGS.items() for t in tags]
)
def test_missing_required_item_tag(break_pack, kind: str, tag: str) -> None:
    def untag(raw):
        for s in raw["sections"]:
            if s["kind"] == kind:
                for i in s["items"]:
                    i["tags"] = [t for t in i.get("tags", []) if t != tag]

    message = only(break_pack(untag))
    assert f"has no item tagged {tag}" in message
    assert f"tags: [{tag}]" in message


def test_required_tags_are_those_of_item_16() -> None:
    assert {k.value: set(v) for k, v in REQUIRED_TAGS.items()} == {
        "about": {"what", "why", "steps", "duration"},
        "alternatives": {
            "compression_stockings",
            "ablation",
            "phlebectomy",
            "laser",
            "no_treatment",
        },
        "aftercare": {"walking", "compression", "avoid", "follow_up", "more_sessions"},
        "rights": {"ask_questions", "refuse", "withdraw", "no_guarantee"},
    }


def test_risk_without_frequency(break_pack) -> None:
    message = only(break_pack(lambda raw: item(raw, "risk.clot").pop("frequency")))
    assert "section risks > item risk.clot has no frequency" in message
    assert "very_common, common, uncommon, rare or very_rare" in message


def test_frequency_outside_risks(break_pack) -> None:
    message = only(break_pack(lambda raw: item(raw, "prep.eat").update(frequency="rare")))
    assert "section preparation > item prep.eat has a frequency" in message


def test_warning_sign_without_urgency(break_pack) -> None:
    message = only(break_pack(lambda raw: item(raw, "warn.calf").pop("urgency")))
    assert "section warning_signs > item warn.calf has no urgency" in message
    assert "emergency" in message and "clinic" in message


def test_urgency_outside_warning_signs(break_pack) -> None:
    message = only(break_pack(lambda raw: item(raw, "after.walk").update(urgency="clinic")))
    assert "section aftercare > item after.walk has an urgency" in message


@pytest.mark.parametrize(
    ("urgency", "meaning"),
    [("emergency", "call emergency services now"), ("clinic", "call the clinic today")],
)
def test_warning_signs_need_both_urgencies(break_pack, urgency: str, meaning: str) -> None:
    def drop(raw):
        s = section(raw, "warning_signs")
        s["items"] = [i for i in s["items"] if i["urgency"] != urgency]

    message = only(break_pack(drop))
    assert f"no warning sign with urgency {urgency}" in message
    assert meaning in message


@pytest.mark.parametrize(
    ("change", "where"),
    [
        # an item id reused in another section
        (
            lambda raw: item(raw, "prep.eat").update(id="risk.clot"),
            "section preparation > item risk.clot",
        ),
        # two sections with one id
        (lambda raw: section(raw, "benefits").update(id="alternatives"), "section alternatives"),
        # two questions with one id
        (
            lambda raw: raw["screening"]["questions"][1].update(id="q.allergy"),
            "screening > question q.allergy",
        ),
        # a time-out item with a nurse checklist id
        (lambda raw: raw["timeout"][0].update(id="nc.identity"), "timeout > nc.identity"),
        # the photo question with an item's id
        (lambda raw: raw["photo_consent"].update(id="about.what"), "photo_consent about.what"),
    ],
)
def test_duplicate_ids(break_pack, change, where: str) -> None:
    problems = [p for p in break_pack(change) if "is used 2 times" in p]
    message = only(problems)
    assert where in message
    assert "Give each one its own id" in message


def test_rule_naming_unknown_question(break_pack) -> None:
    message = only(
        break_pack(lambda raw: raw["screening"]["rules"][3].update(question="q.pregnancy"))
    )
    assert "screening > rules[3] names question q.pregnancy" in message
    assert "not among the screening questions" in message
    assert "Fix the id or add the question" in message


def test_rule_with_unknown_flag(break_pack) -> None:
    message = only(break_pack(lambda raw: raw["screening"]["rules"][0].update(flag="block")))
    assert message.startswith(
        "screening > rules[0] (question q.allergy): flag 'block' is not a known flag"
    )
    assert "stop" in message and "review" in message


def test_rule_with_no_answers(break_pack) -> None:
    message = only(break_pack(lambda raw: raw["screening"]["rules"][0].update(answers=[])))
    assert "rules[0] (question q.allergy) has an empty answers list" in message


def test_placeholder_without_value(break_pack) -> None:
    def add(raw):
        item(raw, "prep.eat")["text"] = "Do not eat for {fasting_hours} hours."

    message = only(break_pack(add))
    assert "section preparation > item prep.eat uses {fasting_hours}, which has no value" in message
    assert "CONSENT_PLACEHOLDERS" in message


def test_placeholder_values_come_from_settings() -> None:
    values = {k: v for k, v in VALUES.items() if k != "walk_minutes"}
    problems = problems_of(read_raw(), values)
    assert any("item after.walk uses {walk_minutes}" in p for p in problems)
    assert any("item about.steps uses {walk_minutes}" in p for p in problems)


def test_stray_brace(break_pack) -> None:
    message = only(
        break_pack(lambda raw: item(raw, "prep.eat").update(text="Eat {Lunch} as normal."))
    )
    assert "item prep.eat has a brace that is not a placeholder" in message


def test_empty_section(break_pack) -> None:
    message = only(break_pack(lambda raw: section(raw, "benefits").update(items=[])))
    assert message == "section benefits has no items. Add at least one item, or remove the section."


def test_screening_needs_a_stop_rule(break_pack) -> None:
    def soften(raw):
        for rule in raw["screening"]["rules"]:
            rule["flag"] = "review"

    message = only(break_pack(soften))
    assert "screening has no stop rule" in message
    assert "flag: stop" in message


def test_empty_nurse_checklist(break_pack) -> None:
    message = only(break_pack(lambda raw: raw.update(nurse_checklist=[])))
    assert message == "nurse_checklist is empty. Add its items (id and text)."


def test_bad_frequency_word_names_the_path(break_pack) -> None:
    message = only(break_pack(lambda raw: item(raw, "risk.clot").update(frequency="often")))
    assert message.startswith("sections[3] (id risks) > items[6] (id risk.clot): frequency 'often'")
    assert "'very_common', 'common', 'uncommon', 'rare' or 'very_rare'" in message


def test_misspelt_key_names_the_allowed_keys(break_pack) -> None:
    def typo(raw):
        item(raw, "about.what")["txt"] = item(raw, "about.what").pop("text")

    problems = break_pack(typo)
    assert (
        "sections[0] (id about) > items[0] (id about.what): text is missing. Add text: with a value."
        in problems
    )
    assert any(
        "'txt' is not a known key here" in p and "allowed keys: id, text, tags" in p
        for p in problems
    )


def test_bad_id_says_what_an_id_looks_like(break_pack) -> None:
    message = only(break_pack(lambda raw: item(raw, "prep.eat").update(id="Eat Normally")))
    assert "items[5] (id Eat Normally): id 'Eat Normally' is not in the right form" in message
    assert "lower-case letters" in message


def test_loader_names_the_file(tmp_path, good_raw) -> None:
    good_raw["version"] = "9.0.0"
    section(good_raw, "benefits")["items"] = []
    path = write_pack(tmp_path, good_raw)
    library = load_library(VALUES, [tmp_path])
    assert library.problems == [
        f"{path}: section benefits has no items. Add at least one item, or remove the section."
    ]
    assert ("sclerotherapy", "9.0.0", "en") not in library.packs  # a broken pack is left out
    with pytest.raises(PackError) as caught:
        load_library(VALUES, [tmp_path], strict=True)
    assert caught.value.problems == library.problems


def test_loader_reports_unreadable_yaml(tmp_path) -> None:
    path = tmp_path / "sclerotherapy" / "9.0.0" / "en.yaml"
    path.parent.mkdir(parents=True)
    path.write_text("id: [unclosed\n", encoding="utf-8")
    (problem,) = load_library(VALUES, [tmp_path]).problems
    assert problem.startswith(f"{path}: cannot be read as YAML")


def test_figure_must_fit_its_frequency_word(break_pack) -> None:
    message = only(break_pack(lambda raw: item(raw, "risk.staining").update(frequency="common")))
    assert message == (
        "section risks > item risk.staining: the figure 'about 1 in 6 people treated with foam' "
        "does not fit frequency common (between 1 in 100 and 1 in 10 people). Fix the frequency "
        "word or the figure."
    )


def test_figure_ratio_reads_english_and_spanish() -> None:
    from checklist.validation import figure_ratio

    assert figure_ratio("about 4 in 10 people") == 0.4
    assert figure_ratio("fewer than 1 in 10,000 people") == 1 / 10000
    assert figure_ratio("menos de 1 de cada 10 000 personas") == 1 / 10000
    assert figure_ratio("only single cases reported") is None
