"""Fixtures for content-pack tests (helpers live in pack_helpers.py)."""

from __future__ import annotations

import copy
from collections.abc import Callable

import pytest
from pack_helpers import Raw, problems_of, read_raw


@pytest.fixture
def good_raw() -> Raw:
    return copy.deepcopy(read_raw())


@pytest.fixture
def break_pack(good_raw: Raw) -> Callable[[Callable[[Raw], object]], list[str]]:
    """Apply one change to a fresh copy of the default pack and return its problems."""

    def apply(change: Callable[[Raw], object]) -> list[str]:
        raw = copy.deepcopy(good_raw)
        change(raw)
        return problems_of(raw)

    return apply
