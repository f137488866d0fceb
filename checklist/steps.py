"""The patient's screens in order, for a full consent and for a course's later visit, and
the items each screen asks "I understand" for. Pure (no Streamlit, no SQL); ``checklist.flow``
(which re-exports these names) walks a draft through them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from checklist.models import Item, Pack, Section, SectionKind

Kind = Literal["consent", "visit"]


class StepKind(StrEnum):
    LANGUAGE = "language"
    DETAILS = "details"
    SCREENING = "screening"
    SECTION = "section"
    CHANGES = "changes"  # a visit: "has anything changed since your last visit?"
    RECONFIRM = "reconfirm"  # a visit: the key risks acknowledged again, on one screen
    TEACH_BACK = "teach_back"  # a check of understanding, one question a screen (issue #15)
    PHOTOS = "photos"
    INTERPRETER = "interpreter"
    REVIEW = "review"
    SIGN = "sign"


@dataclass(frozen=True)
class Step:
    id: str
    kind: StepKind
    section_ids: tuple[str, ...] = ()  # SECTION / RECONFIRM: the sections shown together
    question_ids: tuple[str, ...] = ()  # SCREENING: this screen's questions; TEACH_BACK: its one
    item_ids: tuple[str, ...] = ()  # RECONFIRM: the items asked again (all of a SECTION's)


SCREENING_GROUP = 4  # questions per screen: short enough to read without scrolling


def reconfirm_items(pack: Pack) -> list[tuple[Section, Item]]:
    """What a visit asks the patient to acknowledge again: the items the pack marks
    (``Item.reconfirm``), or every item of its risks sections when it marks none."""
    marked = pack.reconfirm_items()
    return marked or [(s, i) for s, i in pack.items() if s.kind is SectionKind.RISKS]


def steps_for(pack: Pack, kind: Kind = "consent") -> list[Step]:
    """The patient's screens in order: one per section screen id, screening in short groups,
    then one per check of understanding (the pack's ``teach_back``). A visit asks what changed,
    the screening again and the key risks on one screen; no photos."""
    steps = [Step("language", StepKind.LANGUAGE), Step("details", StepKind.DETAILS)]
    if kind == "visit":
        steps.append(Step("changes", StepKind.CHANGES))
    qids = [q.id for q in pack.screening.questions]
    for n, start in enumerate(range(0, len(qids), SCREENING_GROUP), start=1):
        steps.append(
            Step(
                f"screening-{n}",
                StepKind.SCREENING,
                question_ids=tuple(qids[start : start + SCREENING_GROUP]),
            )
        )
    if kind == "visit":
        items = reconfirm_items(pack)
        sections = tuple(dict.fromkeys(s.id for s, _ in items))
        ids = tuple(i.id for _, i in items)
        steps.append(Step("reconfirm", StepKind.RECONFIRM, section_ids=sections, item_ids=ids))
    else:
        screens: dict[str, list[str]] = {}
        for section in pack.sections:  # sections sharing a screen id are shown together
            screens.setdefault(section.screen_id, []).append(section.id)
        for screen_id, section_ids in screens.items():
            steps.append(
                Step(f"section-{screen_id}", StepKind.SECTION, section_ids=tuple(section_ids))
            )
        for question in pack.teach_back:  # after every section, before the review
            steps.append(
                Step(f"teach-back-{question.id}", StepKind.TEACH_BACK, question_ids=(question.id,))
            )
        steps.append(Step("photos", StepKind.PHOTOS))
    steps += [
        Step("interpreter", StepKind.INTERPRETER),
        Step("review", StepKind.REVIEW),
        Step("sign", StepKind.SIGN),
    ]
    return steps


def items_on(pack: Pack, step: Step) -> list[tuple[Section, Item]]:
    """The items a screen asks "I understand" for, with their section, in order."""
    if step.kind is StepKind.RECONFIRM:
        wanted = set(step.item_ids)
        return [(s, i) for s, i in pack.items() if i.id in wanted]
    if step.kind is StepKind.SECTION:
        return [(pack.section(sid), i) for sid in step.section_ids for i in pack.section(sid).items]
    return []


def step_by_id(pack: Pack, step_id: str, kind: Kind = "consent") -> Step:
    for step in steps_for(pack, kind):
        if step.id == step_id:
            return step
    raise KeyError(step_id)


def step_index(pack: Pack, step_id: str, kind: Kind = "consent") -> int:
    """Position of a step; an unknown id (a pack changed under a draft) counts as the start."""
    for n, step in enumerate(steps_for(pack, kind)):
        if step.id == step_id:
            return n
    return 0


def progress(pack: Pack, step_id: str, kind: Kind = "consent") -> tuple[int, int]:
    """'Step X of Y' (1-based)."""
    return step_index(pack, step_id, kind) + 1, len(steps_for(pack, kind))
