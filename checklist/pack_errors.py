"""Schema errors (pydantic) on a content pack, as sentences a clinic's editor can act on: where
the problem is (the path through the YAML, with ids) and what to do about it."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError

from checklist.models import (
    CheckItem,
    Choice,
    Item,
    Pack,
    PhotoConsent,
    Question,
    Rate,
    Rule,
    Screening,
    Section,
    TeachBack,
)

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
    "teach_back": TeachBack,
    "choices": Choice,
    "rate": Rate,
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
    "checks": "List the ids of the items the question checks, e.g. [warn.chest].",
    "answer": "Use the id of the right choice, e.g. b.",
    "of": "Use 10, 100 or 1000 (the number of figures in the picture).",
    "affected": "Use a whole number of people, at least 1 and no more than of.",
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
    if kind == "literal_error":  # e.g. a rate with of: 50 (pictures hold 10, 100 or 1000)
        expected = err.get("ctx", {}).get("expected", "")
        return f"{subject} {_short(value)} is not allowed; it must be {expected}. {hint}".rstrip()
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"{subject} must be a whole number, not {_short(value)}. {hint}".rstrip()
    if kind in ("greater_than_equal", "less_than_equal"):
        return f"{subject} {_short(value)} is out of range. {hint}".rstrip()
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
