"""Text helpers shared by the repositories: search keys and the NUL rule."""

from __future__ import annotations

import unicodedata
from typing import Any

from store.errors import BadText

NUL_MESSAGE = (
    "Text cannot contain the invisible NUL control character. Please retype it and try again."
)


def name_key(name: str) -> str:
    """Lower case, accents removed, spaces collapsed: 'José  Núñez' -> 'jose nunez'."""

    def strip_marks(text: str) -> str:
        decomposed = unicodedata.normalize("NFKD", text)
        return "".join(ch for ch in decomposed if not unicodedata.combining(ch))

    # casefold can produce characters that decompose further, so strip marks on both sides.
    folded = strip_marks(strip_marks(name).casefold())
    return " ".join(folded.split())


def like_pattern(fragment: str) -> str:
    """A LIKE pattern matching ``fragment`` anywhere, with LIKE's wildcards taken literally."""
    escaped = fragment.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def reject_nul(value: Any) -> None:
    """Refuse NUL (U+0000) anywhere in strings of ``value``.

    PostgreSQL cannot store NUL in text, SQLite can; refusing it on both keeps the databases
    interchangeable and gives the person a message instead of a database error.
    """
    if isinstance(value, str):
        if "\x00" in value:
            raise BadText(NUL_MESSAGE)
    elif isinstance(value, dict):
        for key, item in value.items():
            reject_nul(key)
            reject_nul(item)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            reject_nul(item)
