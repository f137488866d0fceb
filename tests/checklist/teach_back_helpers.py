"""Helpers for the teach-back and rate rules (issue #15): pack 1.3.0 as raw YAML data, and a
clinic directory holding a copy of it under a new version, to break one thing at a time."""

from __future__ import annotations

import copy
from functools import cache
from pathlib import Path
from typing import Any

from pack_helpers import Raw, read_raw, write_pack

from checklist.loader import SHIPPED_DIR

PACK_1_3 = SHIPPED_DIR / "sclerotherapy" / "1.3.0"
CLINIC_VERSION = "1.4.0"


@cache
def _raw_1_3(lang: str) -> Raw:
    return read_raw(PACK_1_3 / f"{lang}.yaml")


def raw_1_3(lang: str = "en") -> Raw:
    """A fresh copy of the shipped 1.3.0 pack in ``lang``."""
    return copy.deepcopy(_raw_1_3(lang))


def question(raw: Raw, question_id: str) -> dict[str, Any]:
    return next(q for q in raw["teach_back"] if q["id"] == question_id)


def clinic_dir(directory: Path, en: Raw | None = None, es: Raw | None = None) -> dict[str, Path]:
    """Write 1.3.0 (or the given raw packs) as the clinic's version 1.4.0, English and Spanish."""
    paths = {}
    for lang, raw in (("en", en), ("es", es)):
        raw = raw_1_3(lang) if raw is None else raw
        raw["version"] = CLINIC_VERSION
        paths[lang] = write_pack(directory, raw)
    return paths
