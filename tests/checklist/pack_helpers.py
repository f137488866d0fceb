"""Helpers for content-pack tests: the default pack as raw YAML data, and ways to break it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from checklist.loader import SHIPPED_DIR
from checklist.models import Pack
from checklist.pack_errors import describe_validation_error
from checklist.validation import validate_pack
from settings import DEFAULT_PLACEHOLDERS, Settings

EN_FILE = SHIPPED_DIR / "sclerotherapy" / "1.0.0" / "en.yaml"
ES_FILE = SHIPPED_DIR / "sclerotherapy" / "1.0.0" / "es.yaml"

# The course values come from the course settings (Settings.placeholder_values), at their defaults.
VALUES: dict[str, str] = {
    **DEFAULT_PLACEHOLDERS,
    "clinic_phone": "555-0100",
    "clinic_name": "Demo",
    "course_sessions": str(Settings.model_fields["course_sessions"].default),
    "course_months": str(Settings.model_fields["course_months"].default),
}

Raw = dict[str, Any]


def read_raw(path: Path = EN_FILE) -> Raw:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def section(raw: Raw, section_id: str) -> dict[str, Any]:
    return next(s for s in raw["sections"] if s["id"] == section_id)


def item(raw: Raw, item_id: str) -> dict[str, Any]:
    return next(i for s in raw["sections"] for i in s["items"] if i["id"] == item_id)


def problems_of(raw: Raw, values: dict[str, str] | None = None) -> list[str]:
    """Schema errors (as sentences) or, if it parses, the validation problems."""
    try:
        pack = Pack.model_validate(raw)
    except ValidationError as exc:
        return describe_validation_error(exc, raw)
    return validate_pack(pack, VALUES if values is None else values)


def write_pack(directory: Path, raw: Raw) -> Path:
    """Write a pack where the loader looks: <dir>/<id>/<version>/<language>.yaml."""
    path = directory / raw["id"] / str(raw["version"]) / f"{raw['language']}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path
