"""Every patient-facing string of the app, per language, from one message catalog.

Catalogs are flat YAML files ``language/messages/<lang>/<area>.yaml`` mapping a key to a text
with optional ``{name}`` placeholders; the files of one language are merged (keys are unique across
them). English is the reference: every other language must have exactly its keys and placeholders
(a test checks), except ``staff.yaml``, which is shown in the clinic's language only. Pages never
hard-code user-facing text; they call ``t(lang, key, **values)``.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from language import yaml_text
from language.placeholders import placeholders_in

MESSAGES_DIR = Path(__file__).resolve().parent / "messages"
REFERENCE = "en"


STAFF_ONLY = "staff.yaml"


def _read(path: Path) -> dict[str, str]:
    data = yaml_text.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise ValueError(f"{path}: must map message keys to texts")
    return data


@cache
def catalog(lang: str, *, patient_only: bool = False) -> dict[str, str]:
    merged: dict[str, str] = {}
    for path in sorted((MESSAGES_DIR / lang).glob("*.yaml")):
        if patient_only and path.name == STAFF_ONLY:
            continue
        for key, text in _read(path).items():
            if key in merged:
                raise ValueError(f"{path}: key {key!r} is defined twice in {lang}")
            merged[key] = text
    return merged


@cache
def _languages() -> tuple[str, ...]:
    # Cached like the catalogs: both ship with the app and change only with a new release, and
    # t() runs a few dozen times per tap (a directory scan each time was a quarter of a tap).
    return tuple(
        sorted(p.name for p in MESSAGES_DIR.iterdir() if p.is_dir() and any(p.glob("*.yaml")))
    )


def languages() -> list[str]:
    return list(_languages())


def t(lang: str, key: str, **values: object) -> str:
    """The text for ``key`` in ``lang`` (English if the language has no catalog)."""
    messages = catalog(lang) if lang in _languages() else catalog(REFERENCE)
    text = messages.get(key)
    if text is None:
        text = catalog(REFERENCE)[key]  # KeyError here is a programming error: add the key
    return text.format(**values) if values else text


def catalog_problems(lang: str) -> list[str]:
    """Differences between a catalog and the English reference, as sentences."""
    ref, other = catalog(REFERENCE, patient_only=True), catalog(lang, patient_only=True)
    problems = [f"{lang}: missing key {k!r}" for k in sorted(ref.keys() - other.keys())]
    problems += [f"{lang}: unknown key {k!r}" for k in sorted(other.keys() - ref.keys())]
    for key in sorted(ref.keys() & other.keys()):
        if placeholders_in(ref[key]) != placeholders_in(other[key]):
            problems.append(
                f"{lang}: {key!r} uses {sorted(placeholders_in(other[key]))}, "
                f"English uses {sorted(placeholders_in(ref[key]))}"
            )
    return problems
