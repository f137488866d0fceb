"""Cross-field checks on content packs. (Being filled in: see issue 2.)"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from checklist.models import Pack


def describe_validation_error(exc: ValidationError, raw: dict[str, Any]) -> list[str]:
    return [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()]


def validate_pack(pack: Pack, values: dict[str, str]) -> list[str]:
    return []


def validate_translation(source: Pack, translation: Pack) -> list[str]:
    return []
