"""A translation must match its source pack exactly apart from the words (issue 7): the same
ids in the same order, the same kinds, tags, frequencies, rates, rules, placeholders and
checks of understanding (questions, the items they check, choices and answers; issue #15)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from typing import Any, Protocol, TypeVar

from checklist.models import Pack, Rate
from checklist.teach_back_checks import teach_back_where
from checklist.validation import item_where, pack_texts
from language.placeholders import placeholders_in


class _HasId(Protocol):
    @property
    def id(self) -> str: ...


T = TypeVar("T", bound=_HasId)


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


def _matched(source: Sequence[T], other: Sequence[T]) -> Iterator[tuple[T, T]]:
    """Each source entry with the translation's entry of the same id (``_compare_ids`` reports
    the ones missing on either side)."""
    theirs = {x.id: x for x in other}
    for x in source:
        if (t := theirs.get(x.id)) is not None:
            yield x, t


def _rate(rate: Rate | None) -> str:
    return "none" if rate is None else f"{rate.affected} in {rate.of}"


def _compare_teach_back(source: Pack, translation: Pack) -> list[str]:
    """The checks of understanding (issue #15): the same questions in the same order, each
    checking the same items with the same choices in the same order and the same answer."""
    lang = source.language
    problems = _compare_ids(
        "teach_back",
        "question",
        [q.id for q in source.teach_back],
        [q.id for q in translation.teach_back],
        lang,
    )
    for q, t in _matched(source.teach_back, translation.teach_back):
        where = teach_back_where(q.id)
        problems += _same(where, "checks", q.checks, t.checks, lang)
        problems += _compare_ids(
            where, "choice", [c.id for c in q.choices], [c.id for c in t.choices], lang
        )
        problems += _same(where, "answer", q.answer, t.answer, lang)
    return problems


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
    # Major or minor decides whether courses and drafts carry on: never per language. The
    # sentence is for staff (the versions page), copied unchanged like the rules' reasons.
    problems += _same("pack", "change", source.change, translation.change, lang)
    if source.changes != translation.changes:
        problems.append(
            f"pack: changes differs from the {lang} pack's. It is read by staff: copy it "
            "unchanged from the source pack."
        )

    problems += _compare_ids(
        "sections",
        "section",
        [s.id for s in source.sections],
        [s.id for s in translation.sections],
        lang,
    )
    for s, t in _matched(source.sections, translation.sections):
        where = f"section {s.id}"
        problems += _same(where, "kind", s.kind, t.kind, lang)
        problems += _same(where, "screen", s.screen, t.screen, lang)
        problems += _same(where, "intro (present or not)", s.intro is None, t.intro is None, lang)
        problems += _compare_ids(
            where, "item", [i.id for i in s.items], [i.id for i in t.items], lang
        )
        for i, ti in _matched(s.items, t.items):
            iw = item_where(s, i)
            problems += _same(iw, "tags", i.tags, ti.tags, lang)
            problems += _same(iw, "frequency", i.frequency, ti.frequency, lang)
            problems += _same(iw, "urgency", i.urgency, ti.urgency, lang)
            # A visit re-confirms the same risks whichever language the patient reads.
            problems += _same(iw, "reconfirm", i.reconfirm, ti.reconfirm, lang)
            # The picture shows the pack's own number, the same in every language.
            problems += _same(iw, "rate", _rate(i.rate), _rate(ti.rate), lang)
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

    problems += _compare_teach_back(source, translation)

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
