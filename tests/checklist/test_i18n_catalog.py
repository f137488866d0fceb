"""Every patient-facing message has a Spanish text with the same placeholders."""

from __future__ import annotations

from language import i18n


def test_spanish_catalog_matches_english() -> None:
    assert i18n.catalog_problems("es") == []
