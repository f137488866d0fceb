"""The content pack: what the patient is taken through and what the nurse checks.

Frozen pydantic models with ``extra="forbid"``: a typo in a clinic's YAML is an error, not a
silently ignored key. Cross-field rules (required sections, unique ids, rules naming known
questions, placeholders) live in ``checklist.validation`` so their messages can name the file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Id = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_.-]{0,63}$")]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class SectionKind(StrEnum):
    ABOUT = "about"
    BENEFITS = "benefits"
    ALTERNATIVES = "alternatives"
    RISKS = "risks"
    PREPARATION = "preparation"
    AFTERCARE = "aftercare"
    WARNING_SIGNS = "warning_signs"
    RIGHTS = "rights"


class Frequency(StrEnum):
    """Plain frequency words (the S2k guideline's bands)."""

    VERY_COMMON = "very_common"  # 1 in 10 or more
    COMMON = "common"  # 1 in 100 to 1 in 10
    UNCOMMON = "uncommon"  # 1 in 1,000 to 1 in 100
    RARE = "rare"  # 1 in 10,000 to 1 in 1,000
    VERY_RARE = "very_rare"  # fewer than 1 in 10,000


class Urgency(StrEnum):
    EMERGENCY = "emergency"  # call emergency services now
    CLINIC = "clinic"  # call the clinic today


class Answer(StrEnum):
    YES = "yes"
    NO = "no"
    NOT_SURE = "not_sure"


class FlagLevel(StrEnum):
    STOP = "stop"  # cannot go ahead until a clinician reviews
    REVIEW = "review"  # the nurse goes over it


class Rate(Frozen):
    """A risk's number as a picture can show it: ``affected`` people in ``of`` (issue #15: an
    icon array of ``of`` figures with ``affected`` filled). The pack's own number, the same one
    its ``figure`` words say; validation checks it against the item's frequency band."""

    affected: Annotated[int, Field(ge=1, le=1000)]
    of: Literal[10, 100, 1000]


class Item(Frozen):
    """One point the patient reads and acknowledges on its own."""

    id: Id
    text: Text
    tags: tuple[Id, ...] = ()  # what the item covers, e.g. "steps", "no_treatment", "withdraw"
    frequency: Frequency | None = None  # risks only
    figure: Text | None = None  # a plain figure, e.g. "about 4 in 10 people"
    urgency: Urgency | None = None  # warning signs only
    reconfirm: bool = False  # asked again at each later visit of a course (a key risk)
    rate: Rate | None = None  # risks with a number: drawn as an icon array (issue #15)


class Section(Frozen):
    id: Id
    kind: SectionKind
    title: Text
    intro: Text | None = None
    screen: Id | None = None  # sections sharing a screen id are shown together
    items: tuple[Item, ...]

    @property
    def screen_id(self) -> str:
        return self.screen or self.id


class Question(Frozen):
    id: Id
    text: Text
    help: Text | None = None


class Rule(Frozen):
    """Maps answers of one question to a flag the nurse or clinician must deal with."""

    question: Id
    answers: tuple[Answer, ...] = (Answer.YES, Answer.NOT_SURE)
    flag: FlagLevel
    reason: Text  # staff-facing, in the clinic's language


class Screening(Frozen):
    title: Text
    intro: Text
    questions: tuple[Question, ...]
    rules: tuple[Rule, ...]


class PhotoConsent(Frozen):
    id: Id
    title: Text
    text: Text


class Choice(Frozen):
    id: Id
    text: Text


class TeachBack(Frozen):
    """A check of understanding (teach-back, issue #15): one multiple-choice question on what
    matters most for safety, tied to the pack items it checks. A wrong answer shows ``explain``
    (the linked items in other words) and asks again; wrong twice raises a re-explain flag that
    names ``topic`` and that staff must clear before the clinician attests."""

    id: Id
    topic: Text  # a few words naming what it checks, e.g. "Chest pain or trouble breathing"
    checks: tuple[Id, ...]  # the pack item ids it checks (at least one; validation)
    question: Text
    choices: tuple[Choice, ...]  # 2 to 4 (validation), in the order shown
    answer: Id  # the one right choice's id
    explain: Text  # the linked items again, in other words, after a wrong answer

    def choice(self, choice_id: str) -> Choice:
        for c in self.choices:
            if c.id == choice_id:
                return c
        raise KeyError(choice_id)

    def is_right(self, choice_id: str) -> bool:
        return choice_id == self.answer


class CheckItem(Frozen):
    """A nurse checklist or time-out item (staff-facing)."""

    id: Id
    text: Text


# How the shipped demo packs' approval begins, per language (production refuses them).
DEMO_APPROVALS = (
    "demo default content, not yet approved",
    "contenido de demostración, aún no aprobado",
)


ChangeKind = Literal["major", "minor"]
# Fields added after packs were first signed on: left out of the fingerprint while they hold
# their default, so every record signed before them still names its pack's exact fingerprint.
_LATER_PACK_FIELDS: dict[str, object] = {"change": "major", "changes": None, "teach_back": []}
_LATER_ITEM_FIELDS: dict[str, object] = {"reconfirm": False, "rate": None}


class Pack(Frozen):
    id: Id
    procedure: Text
    title: Text
    version: Annotated[str, StringConstraints(pattern=r"^\d+\.\d+(\.\d+)?$")]
    language: Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")]
    effective_date: dt.date
    approved_by: Text
    # What this version changed from the one before: "major" (a course signed on an older
    # version needs a new consent; a draft moves on to this one) or "minor" (courses and drafts
    # carry on). A pack without the field counts as major, the safe reading.
    change: ChangeKind = "major"
    changes: Text | None = None  # the change in a sentence, for the versions page
    source_language: str | None = None  # set on a translation: the pack it must match
    sections: tuple[Section, ...]
    screening: Screening
    photo_consent: PhotoConsent
    certification: Text  # ticked at review, before Sign appears
    signature_meaning: Text = "Patient consent to treatment"
    refusal_statement: Text
    refusal_meaning: Text = "Patient informed refusal"
    nurse_checklist: tuple[CheckItem, ...]
    timeout: tuple[CheckItem, ...]
    # Checks of understanding after the sections, one a screen (issue #15); none in older packs.
    teach_back: tuple[TeachBack, ...] = ()

    # --- lookups -----------------------------------------------------------------------
    def items(self) -> list[tuple[Section, Item]]:
        return [(s, i) for s in self.sections for i in s.items]

    def item_ids(self) -> list[str]:
        return [i.id for _, i in self.items()]

    def section(self, section_id: str) -> Section:
        for s in self.sections:
            if s.id == section_id:
                return s
        raise KeyError(section_id)

    def question(self, question_id: str) -> Question:
        for q in self.screening.questions:
            if q.id == question_id:
                return q
        raise KeyError(question_id)

    def teach_back_question(self, question_id: str) -> TeachBack:
        for q in self.teach_back:
            if q.id == question_id:
                return q
        raise KeyError(question_id)

    def flag_for(self, question_id: str, answer: Answer) -> tuple[FlagLevel | None, list[str]]:
        """The most serious flag the rules give this answer, and the reasons."""
        level: FlagLevel | None = None
        reasons: list[str] = []
        for rule in self.screening.rules:
            if rule.question == question_id and answer in rule.answers:
                reasons.append(rule.reason)
                if rule.flag is FlagLevel.STOP or level is None:
                    level = rule.flag
        return level, reasons

    @property
    def approval_is_demo(self) -> bool:
        """Still the shipped packs' "not yet approved" text: no clinic has approved this content."""
        text = " ".join(self.approved_by.split()).casefold()
        return any(text.startswith(mark) for mark in DEMO_APPROVALS)

    def reconfirm_items(self) -> list[tuple[Section, Item]]:
        """The key risks a patient re-acknowledges at each later visit of a course."""
        return [(s, i) for s, i in self.items() if i.reconfirm]

    # --- identity ----------------------------------------------------------------------
    def canonical_json(self) -> str:
        data = self.model_dump(mode="json")
        for name, default in _LATER_PACK_FIELDS.items():
            if data.get(name) == default:
                del data[name]
        for section in data["sections"]:
            for item in section["items"]:
                for name, default in _LATER_ITEM_FIELDS.items():
                    if item.get(name) == default:
                        del item[name]
        return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)

    @property
    def fingerprint(self) -> str:
        """SHA-256 of the canonical form; records pin it."""
        return hashlib.sha256(self.canonical_json().encode("utf-8")).hexdigest()

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.id, self.version, self.language)


FREQUENCY_ORDER: tuple[Frequency, ...] = tuple(Frequency)
