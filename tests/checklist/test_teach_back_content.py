"""The rules on checks of understanding and risk pictures (issue #15), each with the sentence
a clinic's editor reads: ties to real items, choices and answer, how many questions, a rate in
its frequency band, a translation that keeps them all, and the 6th-grade reading band."""

from __future__ import annotations

import pytest
from pack_helpers import VALUES, item, problems_of
from teach_back_helpers import question, raw_1_3

from checklist.models import Pack
from checklist.teach_back_checks import (
    MAX_TEACH_BACK_GRADE,
    MIN_TEACH_BACK_SPANISH,
    score_teach_back,
    teach_back_problems,
    teach_back_text,
)
from checklist.translation import validate_translation

WHERE = "teach_back > question"


def pack_of(raw) -> Pack:
    return Pack.model_validate(raw)


def test_the_shipped_1_3_0_passes_every_rule() -> None:
    for lang in ("en", "es"):
        assert problems_of(raw_1_3(lang)) == []
    en, es = pack_of(raw_1_3("en")), pack_of(raw_1_3("es"))
    assert validate_translation(en, es) == []
    for pack in (en, es):
        assert teach_back_problems(score_teach_back(pack, VALUES)) == []


# --- ties, choices, answer, count ------------------------------------------------------------
def test_a_question_tied_to_a_missing_item_is_named_with_the_fix() -> None:
    raw = raw_1_3()
    question(raw, "tb.chest")["checks"] = ["warn.chest", "warn.heart"]
    assert problems_of(raw) == [
        f"{WHERE} tb.chest checks item warn.heart, which is not in the pack. Use the id of an "
        "item in sections, or remove it from checks."
    ]


def test_a_question_must_check_at_least_one_item() -> None:
    raw = raw_1_3()
    question(raw, "tb.calf")["checks"] = []
    assert any(p.startswith(f"{WHERE} tb.calf checks no item.") for p in problems_of(raw))


@pytest.mark.parametrize("count", [1, 5])
def test_two_to_four_choices(count: int) -> None:
    raw = raw_1_3()
    q = question(raw, "tb.stockings")
    q["choices"] = [{"id": f"x{n}", "text": f"Choice {n}."} for n in range(count)]
    q["answer"] = "x0"
    assert problems_of(raw) == [
        f"{WHERE} tb.stockings has {count} choice(s). Give it 2 to 4 choices."
    ]


def test_choice_ids_are_unique_and_the_answer_is_one_of_them() -> None:
    raw = raw_1_3()
    q = question(raw, "tb.medicines")
    q["choices"][2]["id"] = "b"
    q["answer"] = "c"
    problems = problems_of(raw)
    assert f"{WHERE} tb.medicines: choice b appears twice. Give each choice its own id." in problems
    assert (
        f"{WHERE} tb.medicines: the answer c is not one of its choices (a, b, b). Set answer to "
        "the right choice's id."
    ) in problems


def test_question_ids_are_unique() -> None:
    raw = raw_1_3()
    question(raw, "tb.calf")["id"] = "tb.avoid"
    assert f"{WHERE} tb.avoid appears twice. Give each question its own id." in problems_of(raw)


@pytest.mark.parametrize("keep", [3, 7])
def test_four_to_six_questions_when_a_pack_has_any(keep: int) -> None:
    raw = raw_1_3()
    spare = raw["teach_back"][0]
    questions = raw["teach_back"][:keep]
    while len(questions) < keep:
        questions.append({**spare, "id": f"tb.extra{len(questions)}"})
    raw["teach_back"] = questions
    assert problems_of(raw) == [
        f"teach_back has {keep} question(s). Use 4 to 6, on what matters most for safety."
    ]


def test_a_pack_without_teach_back_is_still_valid() -> None:
    raw = raw_1_3()
    del raw["teach_back"]
    assert problems_of(raw) == []


def test_schema_errors_name_the_question_and_the_fix() -> None:
    raw = raw_1_3()
    del question(raw, "tb.chest")["answer"]
    item(raw, "risk.clot")["rate"] = {"affected": 1, "of": 50}
    problems = problems_of(raw)
    assert "teach_back[0] (id tb.chest): answer is missing. Add answer: with a value." in problems
    assert any(
        p.startswith(
            "sections[3] (id risks) > items[6] (id risk.clot) > rate: of 50 is not allowed"
        )
        and "Use 10, 100 or 1000" in p
        for p in problems
    ), problems


# --- rates -----------------------------------------------------------------------------------
def risk_where(item_id: str) -> str:
    return f"section risks > item {item_id}"


def test_a_rate_outside_its_frequency_band_is_named() -> None:
    raw = raw_1_3()
    item(raw, "risk.clot")["rate"] = {"affected": 5, "of": 100}  # uncommon: at most 1 in 100
    assert problems_of(raw) == [
        f"{risk_where('risk.clot')}: rate 5 in 100 does not fit frequency uncommon (between "
        "1 in 1,000 and 1 in 100 people). Use the figure's own number, or fix the frequency word."
    ]


@pytest.mark.parametrize(
    ("item_id", "rate"),
    [
        ("risk.clot", {"affected": 1, "of": 100}),  # uncommon's top edge
        ("risk.clot", {"affected": 1, "of": 1000}),  # uncommon's bottom edge
        ("risk.matting", {"affected": 10, "of": 100}),  # common's top edge
        ("risk.matting", {"affected": 1, "of": 100}),  # common's bottom edge
        ("risk.bruising", {"affected": 1, "of": 10}),  # very common's bottom edge
        ("risk.bruising", {"affected": 10, "of": 10}),  # everyone
    ],
)
def test_the_band_edges_are_allowed(item_id: str, rate: dict[str, int]) -> None:
    raw = raw_1_3()
    item(raw, item_id)["rate"] = rate
    assert problems_of(raw) == []


def test_a_rate_needs_a_frequency_and_no_more_people_than_the_picture() -> None:
    raw = raw_1_3()
    item(raw, "after.walk")["rate"] = {"affected": 1, "of": 10}
    item(raw, "risk.bruising")["rate"] = {"affected": 40, "of": 10}
    problems = problems_of(raw)
    assert (
        "section aftercare > item after.walk has a rate but no frequency. A rate goes only on a "
        "risk with a frequency: add frequency, or remove rate."
    ) in problems
    assert (
        f"{risk_where('risk.bruising')}: rate says 40 in 10, more people than the picture holds. "
        "Make affected 10 or less, or use a larger of (10, 100 or 1000)."
    ) in problems


# --- translation -----------------------------------------------------------------------------
def drift(change) -> list[str]:
    es = raw_1_3("es")
    change(es)
    return validate_translation(pack_of(raw_1_3("en")), pack_of(es))


def test_a_translation_keeps_the_answer() -> None:
    assert drift(lambda es: question(es, "tb.chest").update(answer="a")) == [
        f"{WHERE} tb.chest: answer is a but the en pack has b. Use b: only the words may differ."
    ]


def test_a_translation_keeps_the_choices_in_order() -> None:
    def swap(es) -> None:
        choices = question(es, "tb.avoid")["choices"]
        choices[0], choices[1] = choices[1], choices[0]

    assert drift(swap) == [
        f"{WHERE} tb.avoid: the choices are in a different order (b, a, c); the en pack has "
        "a, b, c. Put them in the same order."
    ]
    assert drift(lambda es: question(es, "tb.avoid")["choices"].pop()) == [
        f"{WHERE} tb.avoid: choice c is missing. Translate it from the en pack."
    ]


def test_a_translation_keeps_the_checks() -> None:
    assert drift(lambda es: question(es, "tb.calf").update(checks=["warn.calf"])) == [
        f"{WHERE} tb.calf: checks is [warn.calf] but the en pack has [warn.calf, risk.clot, "
        "after.walk]. Use [warn.calf, risk.clot, after.walk]: only the words may differ."
    ]


def test_a_translation_keeps_the_questions_in_order() -> None:
    def reorder(es) -> None:
        es["teach_back"] = [*es["teach_back"][1:], es["teach_back"][0]]

    problems = drift(reorder)
    assert problems == [
        "teach_back: the questions are in a different order (tb.stockings, tb.medicines, "
        "tb.avoid, tb.calf, tb.chest); the en pack has tb.chest, tb.stockings, tb.medicines, "
        "tb.avoid, tb.calf. Put them in the same order."
    ]
    assert drift(lambda es: es["teach_back"].pop(1)) == [
        "teach_back: question tb.stockings is missing. Translate it from the en pack."
    ]


def test_a_translation_keeps_the_rates() -> None:
    def other(es) -> None:
        item(es, "risk.vision")["rate"] = {"affected": 40, "of": 1000}
        del item(es, "risk.pain")["rate"]

    assert drift(other) == [
        f"{risk_where('risk.pain')}: rate is none but the en pack has 25 in 100. Use 25 in 100: "
        "only the words may differ.",
        f"{risk_where('risk.vision')}: rate is 40 in 1000 but the en pack has 14 in 1000. Use 14 "
        "in 1000: only the words may differ.",
    ]


def test_a_translation_keeps_the_placeholders_of_a_question() -> None:
    def drop(es) -> None:
        question(es, "tb.stockings")["explain"] = "Use las medias 7 días."

    assert drift(drop) == [
        f"{WHERE} tb.stockings > explain: uses placeholders none but the en pack uses "
        "{compression_days}. Use exactly the same placeholders."
    ]


# --- reading level ---------------------------------------------------------------------------
# The measure is of the whole screen (question, choices and explanation), so a hard question
# and a hard explanation together push it over.
HARD_EN = (
    "Subsequent to sclerotherapeutic intervention, which symptomatology necessitates "
    "immediate communication with emergency medical services?",
    "Thoracic discomfort or respiratory insufficiency potentially indicates pulmonary "
    "embolisation or anaphylactic hypersensitivity necessitating emergency intervention.",
)
HARD_ES = (
    "Posteriormente a la intervención escleroterapéutica, ¿qué sintomatología hace "
    "imprescindible la comunicación inmediata con los servicios sanitarios de emergencias?",
    "La sintomatología torácica o la insuficiencia respiratoria potencialmente evidencia "
    "embolización pulmonar o hipersensibilidad anafiláctica, que requiere intervención urgente.",
)


def test_the_measure_reads_question_choices_and_explain_with_values_filled() -> None:
    q = pack_of(raw_1_3()).teach_back_question("tb.stockings")
    text = teach_back_text(q, VALUES)
    assert text.splitlines()[0] == q.question
    assert f"For {VALUES['compression_days']} days" in text and "{" not in text
    assert "The stockings press on your legs." in text


@pytest.mark.parametrize(("lang", "hard"), [("en", HARD_EN), ("es", HARD_ES)])
def test_a_question_above_the_6th_grade_band_is_too_hard(lang: str, hard: tuple[str, str]) -> None:
    raw = raw_1_3(lang)
    question(raw, "tb.chest").update(question=hard[0], explain=hard[1])
    scores = score_teach_back(pack_of(raw), VALUES)
    (problem,) = teach_back_problems(scores)
    chest = next(s for s in scores if s.section_id == "tb.chest")
    if lang == "en":
        assert chest.grade is not None and chest.grade > MAX_TEACH_BACK_GRADE
        assert "limit grade 6 or below" in problem
    else:
        assert chest.fernandez_huerta is not None
        assert chest.fernandez_huerta < MIN_TEACH_BACK_SPANISH
        assert "limit Fernández-Huerta 80 or above" in problem
    assert problem.startswith(f"{WHERE} tb.chest is too hard to read (")
    assert problem.endswith(
        "Use shorter sentences and shorter words in its question, choices and explain."
    )
