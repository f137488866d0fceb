"""Cross-field checks on content packs (schema errors: checklist.pack_errors; translations:
checklist.translation).

Every problem is one sentence that says where it is (the path through the YAML, with ids) and
what to do about it. The loader puts the file path in front. The rules come from
requirements-map item 16 (what an informed-consent form must cover) and issue 7 (a translation
must match its source exactly, apart from the words).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from checklist.frequency import BAND_WORDS as BAND_WORDS
from checklist.frequency import FREQUENCY_BANDS as FREQUENCY_BANDS
from checklist.frequency import in_band
from checklist.models import (
    FlagLevel,
    Item,
    Pack,
    Section,
    SectionKind,
    Urgency,
)
from checklist.teach_back_checks import check_rate, check_teach_back, teach_back_where
from language.placeholders import PLACEHOLDER, placeholders_in

# What each kind of section must cover, as item tags. The message says what the tag means.
REQUIRED_TAGS: dict[SectionKind, dict[str, str]] = {
    SectionKind.ABOUT: {
        "what": "what the procedure is",
        "why": "why it is done",
        "steps": "the steps of the visit",
        "duration": "how long it takes",
    },
    SectionKind.ALTERNATIVES: {
        "compression_stockings": "compression stockings",
        "ablation": "thermal or non-thermal ablation",
        "phlebectomy": "phlebectomy",
        "laser": "laser for spider veins",
        "no_treatment": "choosing no treatment",
    },
    SectionKind.AFTERCARE: {
        "walking": "walking after treatment",
        "compression": "compression and for how long",
        "avoid": "what to avoid and for how long",
        "follow_up": "the follow-up visit",
        "more_sessions": "that more sessions may be needed",
    },
    SectionKind.RIGHTS: {
        "ask_questions": "the right to ask questions",
        "refuse": "the right to refuse",
        "withdraw": "the right to withdraw at any time",
        "no_guarantee": "that results are not guaranteed",
    },
}

# "1 in 6", "4 in 10", "1 de cada 1000", "1 in 10,000"
_RATIO = re.compile(r"(\d+)\s+(?:in|de cada)\s+(\d[\d,.\s]*\d|\d)", re.IGNORECASE)


def figure_ratio(figure: str) -> float | None:
    """The share of people a figure such as "about 1 in 6 people" names, if it names one."""
    match = _RATIO.search(figure)
    if not match:
        return None
    whole = int(re.sub(r"[^\d]", "", match.group(2)))
    return int(match.group(1)) / whole if whole else None


# --------------------------------------------------------------------------------------------
# Walking a pack's texts
# --------------------------------------------------------------------------------------------
def item_where(section: Section, item: Item) -> str:
    return f"section {section.id} > item {item.id}"


def pack_texts(pack: Pack) -> Iterator[tuple[str, str]]:
    """Every text of the pack with a name for where it is; the same names in every language."""
    yield "procedure", pack.procedure
    yield "title", pack.title
    yield "approved_by", pack.approved_by
    for section in pack.sections:
        yield f"section {section.id} > title", section.title
        if section.intro is not None:
            yield f"section {section.id} > intro", section.intro
        for item in section.items:
            yield item_where(section, item), item.text
            if item.figure is not None:
                yield item_where(section, item) + " > figure", item.figure
    yield "screening > title", pack.screening.title
    yield "screening > intro", pack.screening.intro
    for q in pack.screening.questions:
        yield f"screening > question {q.id}", q.text
        if q.help is not None:
            yield f"screening > question {q.id} > help", q.help
    for n, rule in enumerate(pack.screening.rules):
        yield f"screening > rules[{n}] (question {rule.question}) > reason", rule.reason
    yield f"photo_consent {pack.photo_consent.id} > title", pack.photo_consent.title
    yield f"photo_consent {pack.photo_consent.id} > text", pack.photo_consent.text
    yield "certification", pack.certification
    yield "signature_meaning", pack.signature_meaning
    yield "refusal_statement", pack.refusal_statement
    yield "refusal_meaning", pack.refusal_meaning
    for c in pack.nurse_checklist:
        yield f"nurse_checklist > {c.id}", c.text
    for c in pack.timeout:
        yield f"timeout > {c.id}", c.text
    for q in pack.teach_back:
        where = teach_back_where(q.id)
        yield f"{where} > topic", q.topic
        yield f"{where} > question", q.question
        for c in q.choices:
            yield f"{where} > choice {c.id}", c.text
        yield f"{where} > explain", q.explain


def _all_ids(pack: Pack) -> Iterator[tuple[str, str]]:
    for section in pack.sections:
        yield section.id, f"section {section.id}"
        for item in section.items:
            yield item.id, item_where(section, item)
    for q in pack.screening.questions:
        yield q.id, f"screening > question {q.id}"
    for c in pack.nurse_checklist:
        yield c.id, f"nurse_checklist > {c.id}"
    for c in pack.timeout:
        yield c.id, f"timeout > {c.id}"
    yield pack.photo_consent.id, f"photo_consent {pack.photo_consent.id}"


# --------------------------------------------------------------------------------------------
# The pack rules
# --------------------------------------------------------------------------------------------
def _check_sections(pack: Pack) -> list[str]:
    problems: list[str] = []
    kinds = {s.kind for s in pack.sections}
    for kind in SectionKind:
        if kind not in kinds:
            problems.append(
                f"no section of kind {kind.value}. Add a section with kind: {kind.value} "
                "(every consent form must cover it)."
            )
    for section in pack.sections:
        if not section.items:
            problems.append(
                f"section {section.id} has no items. Add at least one item, or remove the section."
            )
    for kind, required in REQUIRED_TAGS.items():
        sections = [s for s in pack.sections if s.kind is kind]
        if not sections:
            continue  # already reported as a missing section
        tags = {t for s in sections for i in s.items for t in i.tags}
        for tag, meaning in required.items():
            if tag not in tags:
                problems.append(
                    f"section {sections[0].id} (kind {kind.value}) has no item tagged {tag}. "
                    f"Add an item about {meaning} with tags: [{tag}]."
                )
    return problems


def _check_items(pack: Pack) -> list[str]:
    problems: list[str] = []
    for section in pack.sections:
        for item in section.items:
            where = item_where(section, item)
            if section.kind is SectionKind.RISKS and item.frequency is None:
                problems.append(
                    f"{where} has no frequency. Add frequency: very_common, common, uncommon, "
                    "rare or very_rare."
                )
            if section.kind is not SectionKind.RISKS and item.frequency is not None:
                problems.append(
                    f"{where} has a frequency but is not in a risks section. Remove frequency "
                    "or move the item."
                )
            if section.kind is SectionKind.WARNING_SIGNS and item.urgency is None:
                problems.append(
                    f"{where} has no urgency. Add urgency: emergency (call emergency services "
                    "now) or clinic (call the clinic today)."
                )
            if section.kind is not SectionKind.WARNING_SIGNS and item.urgency is not None:
                problems.append(
                    f"{where} has an urgency but is not in a warning_signs section. Remove "
                    "urgency or move the item."
                )
            problems += check_rate(where, item)
            ratio = figure_ratio(item.figure) if item.figure and item.frequency else None
            if (
                ratio is not None
                and item.frequency is not None
                and not in_band(item.frequency, ratio)
            ):
                problems.append(
                    f"{where}: the figure {item.figure!r} does not fit frequency "
                    f"{item.frequency.value} ({BAND_WORDS[item.frequency]}). "
                    "Fix the frequency word or the figure."
                )
    warning = [s for s in pack.sections if s.kind is SectionKind.WARNING_SIGNS]
    if warning:
        present = {i.urgency for s in warning for i in s.items}
        for urgency, meaning in (
            (Urgency.EMERGENCY, "call emergency services now"),
            (Urgency.CLINIC, "call the clinic today"),
        ):
            if urgency not in present:
                problems.append(
                    f"section {warning[0].id} has no warning sign with urgency "
                    f"{urgency.value}. Add the signs that mean '{meaning}'."
                )
    return problems


def _check_ids(pack: Pack) -> list[str]:
    seen: dict[str, list[str]] = {}
    for ident, where in _all_ids(pack):
        seen.setdefault(ident, []).append(where)
    return [
        f"id {ident} is used {len(places)} times ({'; '.join(places)}). Give each one its own id."
        for ident, places in seen.items()
        if len(places) > 1
    ]


def _check_screening(pack: Pack) -> list[str]:
    problems: list[str] = []
    known = [q.id for q in pack.screening.questions]
    if not known:
        problems.append("screening has no questions. Add the screening questions.")
    for n, rule in enumerate(pack.screening.rules):
        where = f"screening > rules[{n}]"
        if rule.question not in known:
            problems.append(
                f"{where} names question {rule.question}, which is not among the screening "
                f"questions ({', '.join(known) or 'none'}). Fix the id or add the question."
            )
        if not rule.answers:
            problems.append(
                f"{where} (question {rule.question}) has an empty answers list, so it never "
                "applies. List the answers that raise the flag, e.g. [yes, not_sure]."
            )
    if not any(r.flag is FlagLevel.STOP for r in pack.screening.rules):
        problems.append(
            "screening has no stop rule. Add at least one rule with flag: stop for answers "
            "that must be reviewed by a clinician before treatment."
        )
    for name, entries in (("nurse_checklist", pack.nurse_checklist), ("timeout", pack.timeout)):
        if not entries:
            problems.append(f"{name} is empty. Add its items (id and text).")
    return problems


def _check_placeholders(pack: Pack, values: dict[str, str]) -> list[str]:
    problems: list[str] = []
    for where, text in pack_texts(pack):
        for name in sorted(placeholders_in(text)):
            if name not in values:
                problems.append(
                    f"{where} uses {{{name}}}, which has no value. Set it in the clinic's "
                    f"settings (CONSENT_PLACEHOLDERS) or remove {{{name}}} from the text."
                )
        leftover = PLACEHOLDER.sub("", text)
        if "{" in leftover or "}" in leftover:
            problems.append(
                f"{where} has a brace that is not a placeholder. Placeholders look like "
                "{walk_minutes} (lower-case letters and _); remove stray { or }."
            )
    return problems


def validate_pack(pack: Pack, values: dict[str, str]) -> list[str]:
    """Every problem with a parsed pack, as sentences naming the item and the fix."""
    return [
        *_check_sections(pack),
        *_check_items(pack),
        *_check_ids(pack),
        *_check_screening(pack),
        *check_teach_back(pack),
        *_check_placeholders(pack, values),
    ]
