"""The content rules of the checks of understanding (teach-back, issue #15) and of the risk
pictures' rates: what ``checklist.validation`` asks of a pack (the ties, the choices, the answer,
a rate inside its frequency band) and the stricter reading level each question is measured
against (``checklist.readability``'s offline measures). Pure; ``cli.py check-content`` reports
them with the file's name.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from checklist.frequency import BAND_WORDS, in_band
from checklist.models import Item, Pack, TeachBack
from language.placeholders import fill

if TYPE_CHECKING:  # readability loads textstat's dictionaries (~0.6 s): only when measuring
    from checklist.readability import SectionScore

# How many checks of understanding a pack with any has, and choices each (issue #15).
MIN_TEACH_BACK, MAX_TEACH_BACK = 4, 6
MIN_CHOICES, MAX_CHOICES = 2, 4


def teach_back_where(question_id: str) -> str:
    return f"teach_back > question {question_id}"


def check_rate(where: str, item: Item) -> list[str]:
    """A risk's picture (issue #15) must draw a number its frequency word allows."""
    rate = item.rate
    if rate is None:
        return []
    if item.frequency is None:
        return [
            f"{where} has a rate but no frequency. A rate goes only on a risk with a frequency: "
            "add frequency, or remove rate."
        ]
    if rate.affected > rate.of:
        return [
            f"{where}: rate says {rate.affected} in {rate.of}, more people than the picture "
            f"holds. Make affected {rate.of} or less, or use a larger of (10, 100 or 1000)."
        ]
    if not in_band(item.frequency, rate.affected / rate.of):
        return [
            f"{where}: rate {rate.affected} in {rate.of} does not fit frequency "
            f"{item.frequency.value} ({BAND_WORDS[item.frequency]}). Use the figure's own "
            "number, or fix the frequency word."
        ]
    return []


def check_teach_back(pack: Pack) -> list[str]:
    """Checks of understanding (issue #15): 4-6 of them when a pack has any, each tied to real
    items, with 2-4 choices of its own and one of them the answer."""
    questions = pack.teach_back
    if not questions:
        return []  # older packs have none
    problems: list[str] = []
    if not MIN_TEACH_BACK <= len(questions) <= MAX_TEACH_BACK:
        problems.append(
            f"teach_back has {len(questions)} question(s). Use {MIN_TEACH_BACK} to "
            f"{MAX_TEACH_BACK}, on what matters most for safety."
        )
    item_ids = set(pack.item_ids())
    seen: set[str] = set()
    for q in questions:
        where = teach_back_where(q.id)
        if q.id in seen:
            problems.append(f"{where} appears twice. Give each question its own id.")
        seen.add(q.id)
        if not q.checks:
            problems.append(
                f"{where} checks no item. List in checks the ids of the items it checks, "
                "e.g. [warn.chest]."
            )
        for item_id in q.checks:
            if item_id not in item_ids:
                problems.append(
                    f"{where} checks item {item_id}, which is not in the pack. Use the id of an "
                    "item in sections, or remove it from checks."
                )
        choice_ids = [c.id for c in q.choices]
        if not MIN_CHOICES <= len(choice_ids) <= MAX_CHOICES:
            problems.append(
                f"{where} has {len(choice_ids)} choice(s). Give it {MIN_CHOICES} to "
                f"{MAX_CHOICES} choices."
            )
        for dupe in sorted({c for c in choice_ids if choice_ids.count(c) > 1}):
            problems.append(f"{where}: choice {dupe} appears twice. Give each choice its own id.")
        if q.answer not in choice_ids:
            problems.append(
                f"{where}: the answer {q.answer} is not one of its choices "
                f"({', '.join(choice_ids) or 'none'}). Set answer to the right choice's id."
            )
    return problems


# --------------------------------------------------------------------------------------------
# Checks of understanding (issue #15): each question on its own, at the "6th grade" band
# --------------------------------------------------------------------------------------------
MAX_TEACH_BACK_GRADE = 6.0  # Flesch-Kincaid, English
MIN_TEACH_BACK_SPANISH = 80.0  # Fernández-Huerta "fácil" (the 6th-grade band), Spanish


def teach_back_text(question: TeachBack, values: Mapping[str, str]) -> str:
    """What the patient may read for one check: the question, each choice, and the
    explanation a wrong answer shows; placeholders filled, one sentence per line."""
    from checklist.readability import as_sentence

    parts = [question.question, *(c.text for c in question.choices), question.explain]
    return fill("\n".join(as_sentence(p) for p in parts), dict(values))


def score_teach_back(pack: Pack, values: Mapping[str, str]) -> list[SectionScore]:
    """One score per check of understanding, named by its id (``section_id``) and topic."""
    from checklist.readability import score_text

    lang = pack.language.split("-")[0]
    return [score_text(q.id, q.topic, teach_back_text(q, values), lang) for q in pack.teach_back]


def teach_back_too_hard(score: SectionScore) -> bool:
    if score.grade is not None:
        return score.grade > MAX_TEACH_BACK_GRADE
    if score.fernandez_huerta is not None:
        return score.fernandez_huerta < MIN_TEACH_BACK_SPANISH
    return False


def teach_back_problems(scores: list[SectionScore]) -> list[str]:
    """Checks of understanding above the 6th-grade band, as sentences with the fix."""
    problems = []
    for s in scores:
        if teach_back_too_hard(s):
            limit = (
                f"grade {MAX_TEACH_BACK_GRADE:g} or below"
                if s.grade is not None
                else f"Fernández-Huerta {MIN_TEACH_BACK_SPANISH:g} or above"
            )
            problems.append(
                f"{teach_back_where(s.section_id)} is too hard to read ({s.describe()}; "
                f"limit {limit}). Use shorter sentences and shorter words in its question, "
                "choices and explain."
            )
    return problems
