"""One rule for what a patient (or interpreter) types: names are checked, notes are cleaned.

Invisible characters can make a record read differently from what it holds: bidirectional
controls (U+202A-202E, U+2066-2069, U+061C, U+200E/F) reorder what a nurse sees on screen and in
the PDF; zero-width and other format characters hide inside a name so it no longer matches.
Names are refused when they hold one (the patient retypes); a free-text note has them removed.

Kept: letters and marks of every script (names from any script are legitimate), spaces,
apostrophes, hyphens and periods; ZWNJ/ZWJ only between letters, where Persian, Arabic and Indic
scripts need them. A legal name also refuses digits, emoji and other symbols. Any name is refused
when the consent PDF could not print one of its letters (``checklist.printable``: e.g. Chinese,
Devanagari with the shipped fonts): a signed record must never show a box where the name was.
Pure: no Streamlit.
"""

from __future__ import annotations

import re
import unicodedata

from checklist.printable import can_print

MAX_NAME = 200
MAX_NOTE = 2000

ZWNJ, ZWJ = "\u200c", "\u200d"
# Punctuation that belongs in real names: O'Brien, Jean-Luc, J. R., Gal·la, ナカムラ・ケン.
NAME_PUNCTUATION = frozenset("'\u2019\u02bc\u2018-\u2010\u2011.\u00b7\u30fb,")
# Text/emoji presentation selectors (marks by category): they belong to an emoji, not a name.
_PRESENTATION = frozenset("\ufe0e\ufe0f")
MAX_STACKED_MARKS = 4  # more combining marks on one letter is "Zalgo" text, not a script


def _joiner_ok(text: str, i: int) -> bool:
    """ZWNJ/ZWJ between two letters (or a letter's marks) is part of how some scripts spell."""
    before = text[i - 1] if i > 0 else ""
    after = text[i + 1] if i + 1 < len(text) else ""
    return bool(before and after) and all(
        unicodedata.category(c)[0] in "LM" for c in before + after
    )


def is_hidden(text: str, i: int) -> bool:
    """Is ``text[i]`` a control, format, bidi, separator-line or unassigned character?"""
    c = text[i]
    cat = unicodedata.category(c)
    if c in (ZWNJ, ZWJ):
        return not _joiner_ok(text, i)
    # Cc controls (NUL, ESC, newlines), Cf format (bidi, zero-width, BOM, tags), Cs/Co/Cn,
    # Zl/Zp line and paragraph separators.
    return cat in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")


def _too_many_marks(text: str) -> bool:
    run = 0
    for c in text:
        run = run + 1 if unicodedata.category(c).startswith("M") else 0
        if run > MAX_STACKED_MARKS:
            return True
    return False


def name_problem(name: str, *, legal: bool = True) -> str | None:
    """A message key when ``name`` cannot be a person's name (or ID), else None.

    ``legal`` (the patient's legal name) also refuses digits and symbols; an interpreter's
    "name or ID number" may hold digits and signs such as '#'.
    """
    text = unicodedata.normalize("NFC", name)
    stripped = text.strip()
    if not stripped:
        return "patient.details.name_empty"
    if len(stripped) > MAX_NAME:
        return "patient.details.name_too_long"
    if any(is_hidden(text, i) for i in range(len(text))) or _too_many_marks(text):
        return "patient.details.name_invalid"
    if legal:
        for c in stripped:
            cat = unicodedata.category(c)
            allowed = cat[0] in "LM" or cat == "Zs" or c in NAME_PUNCTUATION or c in (ZWNJ, ZWJ)
            if not allowed or c in _PRESENTATION:
                return "patient.details.name_symbols"
        letters = [c for c in stripped if unicodedata.category(c).startswith("L")]
        if len(letters) < 2:
            return "patient.details.name_too_short"
    if not can_print(stripped):
        return "patient.details.name_script"
    return None


def clean_name(name: str) -> str:
    """A checked name as stored: NFC, inner runs of spaces made one space."""
    return " ".join(unicodedata.normalize("NFC", name).split())


_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")


def clean_note(text: str) -> str:
    """A patient's free text with every hidden character removed (it is never refused for one).

    Line breaks stay (a note may have paragraphs); tabs and odd spaces become one space.
    The caller checks the length of the result (``MAX_NOTE``) and says so if it is too long.
    """
    text = unicodedata.normalize("NFC", text or "")
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n")
    text = text.replace("\u2029", "\n\n")
    kept = "".join(c for i, c in enumerate(text) if c == "\n" or not is_hidden(text, i))
    lines = [_SPACES.sub(" ", line).strip() for line in kept.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
