"""A consent row that cannot be read back, and why, in words that never quote its content
(the lists leave it out and name it; ``cli.py check-all`` reports it; issue #12, point 10)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from pydantic import ValidationError

from store.errors import KeyMismatch


@dataclass(frozen=True)
class Unreadable:
    """A consent row whose record cannot be read back, named by id (with its status column)."""

    consent_id: str
    status: str
    reason: str  # the kind of failure, never the record's content


def why(exc: Exception) -> str:
    if isinstance(exc, KeyMismatch):
        return "does not decrypt with the configured key"
    if isinstance(exc, json.JSONDecodeError):
        return "its stored record is not valid JSON"
    if isinstance(exc, ValidationError):
        fields = sorted({".".join(str(p) for p in e["loc"]) for e in exc.errors()})
        return "its stored record fails validation at " + ", ".join(fields[:5])
    return f"its stored record cannot be read ({type(exc).__name__})"
