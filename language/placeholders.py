"""``{name}`` placeholders in texts: the message catalog and the content packs both use them."""

from __future__ import annotations

import re

PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")


def placeholders_in(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def fill(text: str, values: dict[str, str]) -> str:
    """Replace {name} placeholders; unknown names are left for validation to report."""
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)
