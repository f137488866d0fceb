"""Cross-field checks on content packs, and readable messages for schema errors.

Every problem is one sentence that says where it is (the path through the YAML, with ids) and
what to do about it. The loader puts the file path in front. The rules come from
requirements-map item 16 (what an informed-consent form must cover) and issue 7 (a translation
must match its source exactly, apart from the words).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel, ValidationError

from checklist.models import (
    CheckItem,
    FlagLevel,
    Frequency,
    Item,
    Pack,
    PhotoConsent,
    Question,
    Rule,
    Screening,
    Section,
    SectionKind,
    Urgency,
)
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

# The S2k guideline's bands, as fractions of people (low, high), both ends included. The patient
# screen shows the band beside each figure, so a figure outside its band would contradict it.
FREQUENCY_BANDS: dict[Frequency, tuple[float, float]] = {
    Frequency.VERY_COMMON: (1 / 10, 1.0),
    Frequency.COMMON: (1 / 100, 1 / 10),
    Frequency.UNCOMMON: (1 / 1000, 1 / 100),
    Frequency.RARE: (1 / 10000, 1 / 1000),
    Frequency.VERY_RARE: (0.0, 1 / 10000),
}
_BAND_WORDS: dict[Frequency, str] = {
    Frequency.VERY_COMMON: "1 in 10 people or more",
    Frequency.COMMON: "between 1 in 100 and 1 in 10 people",
    Frequency.UNCOMMON: "between 1 in 1,000 and 1 in 100 people",
    Frequency.RARE: "between 1 in 10,000 and 1 in 1,000 people",
    Frequency.VERY_RARE: "fewer than 1 in 10,000 people",
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


# Which model a list or mapping under a given key holds (for naming allowed keys).
_MODEL_AT: dict[str, type[BaseModel]] = {
    "sections": Section,
    "items": Item,
    "screening": Screening,
    "questions": Question,
    "rules": Rule,
    "photo_consent": PhotoConsent,
    "nurse_checklist": CheckItem,
    "timeout": CheckItem,
}

_FIELD_HINTS: dict[str, str] = {
    "id": "Use lower-case letters, digits, '.', '_' or '-', starting with a letter (e.g. risk.dvt).",
    "question": "Use the id of a question in screening > questions.",
    "screen": "Use lower-case letters, digits, '.', '_' or '-', starting with a letter.",
    "tags": "Use lower-case ids such as steps or no_treatment.",
    "version": "Use numbers separated by dots, e.g. 1.0.0.",
    "language": "Use a BCP-47 language code such as en, es or es-MX.",
    "effective_date": "Write the date as YYYY-MM-DD, e.g. 2026-01-31.",
    "flag": "Use stop (a clinician must review before treatment) or review (the nurse goes "
    "over it).",
    "answers": "Use yes, no or not_sure.",
    "frequency": "Use one of these words.",
    "urgency": "Use emergency (call emergency services now) or clinic (call the clinic today).",
    "kind": "Use one of these kinds.",
}


# --------------------------------------------------------------------------------------------
# Schema errors (pydantic) as sentences
# --------------------------------------------------------------------------------------------
def _short(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _where(loc: tuple[Any, ...], raw: Any) -> tuple[str, str | None, type[BaseModel]]:
    """The path to the container (with ids), the field name, and the model holding the field."""
    parts: list[str] = []
    node: Any = raw
    model: type[BaseModel] = Pack
    field: str | None = None
    for i, step in enumerate(loc):
        last = i == len(loc) - 1
        if isinstance(step, int):
            label = f"[{step}]"
            child = node[step] if isinstance(node, list) and step < len(node) else None
            if isinstance(child, dict) and isinstance(child.get("id"), str):
                label += f" (id {child['id']})"
            elif isinstance(child, dict) and isinstance(child.get("question"), str):
                label += f" (question {child['question']})"
            if parts:
                parts[-1] += label
            else:
                parts.append(label)
            node = child
            continue
        step = str(step)
        if last:
            field = step
            break
        if step in _MODEL_AT:
            model = _MODEL_AT[step]
        parts.append(step)
        node = node.get(step) if isinstance(node, dict) else None
    # A bad entry of a list field (e.g. answers[0]) is about that field.
    if field is None and parts and parts[-1].endswith("]"):
        name = parts.pop().split("[", 1)[0]
        field = name
    return " > ".join(parts), field, model


def _sentence(err: dict[str, Any], field: str | None, model: type[BaseModel]) -> str:
    kind = err["type"]
    subject = field or "the pack"
    value = err.get("input")
    hint = _FIELD_HINTS.get(field or "", "")
    if kind == "missing":
        return f"{subject} is missing. Add {subject}: with a value."
    if kind == "extra_forbidden":
        allowed = ", ".join(model.model_fields)
        return (
            f"{subject!r} is not a known key here. Remove it or fix its spelling "
            f"(allowed keys: {allowed})."
        )
    if kind == "enum":
        expected = err.get("ctx", {}).get("expected", "")
        if field == "flag":
            return (
                f"flag {_short(value)} is not a known flag; flags are stop or review. "
                + _FIELD_HINTS["flag"]
            )
        return f"{subject} {_short(value)} is not allowed; it must be one of {expected}. {hint}"
    if kind == "string_pattern_mismatch":
        return f"{subject} {_short(value)} is not in the right form. {hint}".rstrip()
    if kind == "string_too_short":
        return f"{subject} is empty. Write the text, or remove the entry."
    if kind == "string_too_long":
        limit = err.get("ctx", {}).get("max_length")
        return f"{subject} is longer than {limit} characters. Split it into shorter items."
    if kind in ("tuple_type", "list_type"):
        return (
            f"{subject} must be a list (one '- ' line per entry), not {_short(value)}. "
            "Write it as a YAML list."
        )
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return f"{subject} must be a mapping of keys (key: value lines), not {_short(value)}."
    if kind.startswith("date") or kind.startswith("datetime"):
        return f"{subject} {_short(value)} is not a valid date. {_FIELD_HINTS['effective_date']}"
    if kind in ("string_type",):
        return f"{subject} must be text, not {_short(value)}. Put the text in quotes."
    return f"{subject}: {err['msg']} (found {_short(value)}). Fix the value."


def describe_validation_error(exc: ValidationError, raw: dict[str, Any]) -> list[str]:
    """Turn pydantic's errors into sentences naming the place in the YAML and the fix."""
    lines = []
    for err in exc.errors():
        path, field, model = _where(tuple(err["loc"]), raw)
        sentence = _sentence(err, field, model)
        lines.append(f"{path}: {sentence}" if path else sentence)
    return lines


# --------------------------------------------------------------------------------------------
# Walking a pack's texts
# --------------------------------------------------------------------------------------------
def _item_where(section: Section, item: Item) -> str:
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
            yield _item_where(section, item), item.text
            if item.figure is not None:
                yield _item_where(section, item) + " > figure", item.figure
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


def _all_ids(pack: Pack) -> Iterator[tuple[str, str]]:
    for section in pack.sections:
        yield section.id, f"section {section.id}"
        for item in section.items:
            yield item.id, _item_where(section, item)
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
            where = _item_where(section, item)
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
            ratio = figure_ratio(item.figure) if item.figure and item.frequency else None
            if ratio is not None and item.frequency is not None:
                low, high = FREQUENCY_BANDS[item.frequency]
                if not low <= ratio <= high:
                    problems.append(
                        f"{where}: the figure {item.figure!r} does not fit frequency "
                        f"{item.frequency.value} ({_BAND_WORDS[item.frequency]}). "
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
        *_check_placeholders(pack, values),
    ]


# --------------------------------------------------------------------------------------------
# Translations
# --------------------------------------------------------------------------------------------
def _compare_ids(
    where: str, what: str, source: list[str], other: list[str], lang: str
) -> list[str]:
    problems: list[str] = []
    missing = [i for i in source if i not in other]
    extra = [i for i in other if i not in source]
    problems += [
        f"{where}: {what} {i} is missing. Translate it from the {lang} pack." for i in missing
    ]
    problems += [
        f"{where}: {what} {i} is not in the {lang} pack. Remove it (add it to the source first)."
        for i in extra
    ]
    dupes = [i for i, n in Counter(other).items() if n > 1]
    problems += [f"{where}: {what} {i} appears twice. Keep one." for i in dupes]
    if not missing and not extra and not dupes and source != other:
        problems.append(
            f"{where}: the {what}s are in a different order ({', '.join(other)}); the {lang} "
            f"pack has {', '.join(source)}. Put them in the same order."
        )
    return problems


def _same(where: str, name: str, source: Any, other: Any, lang: str) -> list[str]:
    if source == other:
        return []

    def show(v: Any) -> str:
        if isinstance(v, tuple):
            return "[" + ", ".join(str(getattr(x, "value", x)) for x in v) + "]"
        return str(getattr(v, "value", v))

    return [
        f"{where}: {name} is {show(other)} but the {lang} pack has {show(source)}. "
        f"Use {show(source)}: only the words may differ."
    ]


def validate_translation(source: Pack, translation: Pack) -> list[str]:
    """Every way a translation differs from its source other than wording."""
    lang = source.language
    problems: list[str] = []
    problems += _same("pack", "id", source.id, translation.id, lang)
    problems += _same("pack", "version", source.version, translation.version, lang)
    if translation.source_language != source.language:
        problems.append(
            f"pack: source_language is {translation.source_language} but the source pack is "
            f"{source.language}. Set source_language: {source.language}."
        )

    problems += _compare_ids(
        "sections",
        "section",
        [s.id for s in source.sections],
        [s.id for s in translation.sections],
        lang,
    )
    theirs = {s.id: s for s in translation.sections}
    for s in source.sections:
        t = theirs.get(s.id)
        if t is None:
            continue
        where = f"section {s.id}"
        problems += _same(where, "kind", s.kind, t.kind, lang)
        problems += _same(where, "screen", s.screen, t.screen, lang)
        problems += _same(where, "intro (present or not)", s.intro is None, t.intro is None, lang)
        problems += _compare_ids(
            where, "item", [i.id for i in s.items], [i.id for i in t.items], lang
        )
        their_items = {i.id: i for i in t.items}
        for i in s.items:
            ti = their_items.get(i.id)
            if ti is None:
                continue
            iw = _item_where(s, i)
            problems += _same(iw, "tags", i.tags, ti.tags, lang)
            problems += _same(iw, "frequency", i.frequency, ti.frequency, lang)
            problems += _same(iw, "urgency", i.urgency, ti.urgency, lang)
            if (i.figure is None) != (ti.figure is None):
                problems.append(
                    f"{iw}: the {lang} pack {'has' if i.figure else 'has no'} figure; the "
                    "translation must match. Add or remove figure."
                )

    problems += _compare_ids(
        "screening",
        "question",
        [q.id for q in source.screening.questions],
        [q.id for q in translation.screening.questions],
        lang,
    )
    if source.screening.rules != translation.screening.rules:
        src, tr = source.screening.rules, translation.screening.rules
        if len(src) != len(tr):
            problems.append(
                f"screening: the translation has {len(tr)} rules, the {lang} pack {len(src)}. "
                "Copy the rules unchanged from the source pack."
            )
        for n, (a, b) in enumerate(zip(src, tr, strict=False)):
            if a != b:
                problems.append(
                    f"screening > rules[{n}] (question {b.question}) differs from the {lang} "
                    f"pack's rule (question {a.question}, {a.flag.value}). Rules, including "
                    "their staff-facing reason, must be copied unchanged."
                )
    problems += _same(
        "photo_consent", "id", source.photo_consent.id, translation.photo_consent.id, lang
    )
    for name in ("nurse_checklist", "timeout"):
        problems += _compare_ids(
            name,
            "check item",
            [c.id for c in getattr(source, name)],
            [c.id for c in getattr(translation, name)],
            lang,
        )

    # Placeholders: the same names in each text that exists in both.
    src_texts = dict(pack_texts(source))
    for where, text in pack_texts(translation):
        if where not in src_texts:
            continue  # its absence is reported above
        want, got = placeholders_in(src_texts[where]), placeholders_in(text)
        if want != got:

            def fmt(names: set[str]) -> str:
                return ", ".join("{" + n + "}" for n in sorted(names)) or "none"

            problems.append(
                f"{where}: uses placeholders {fmt(got)} but the {lang} pack uses {fmt(want)}. "
                "Use exactly the same placeholders."
            )
    return problems
