"""Patient-flow fixtures: the shipped packs, a context on a fresh SQLite store, a fixed clock."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from checklist.flow import DraftState
from checklist.loader import PackLibrary, load_library
from checklist.models import Pack
from services.clock import FixedClock
from services.context import AppContext
from settings import get_settings

T0 = dt.datetime(2026, 11, 23, 14, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="session")
def library() -> PackLibrary:
    return load_library(get_settings().placeholder_values)


@pytest.fixture
def pack(library: PackLibrary) -> Pack:
    return library.active("sclerotherapy", "en")


@pytest.fixture
def state() -> DraftState:
    return DraftState(
        session_id="s" * 32,
        consent_id="6f1c1c1e-0000-4000-8000-000000000001",
        created_at=T0,
        last_activity=T0,
    )


@pytest.fixture
def ctx(library: PackLibrary, clock: FixedClock, prepared_data_dir) -> Iterator[AppContext]:
    """A real context (SQLite store in the test's data dir, real sealer) with a fixed clock."""
    from store.db import open_database

    settings = get_settings()
    settings.resolved_data_dir.mkdir(parents=True, exist_ok=True)
    try:
        from forms.seal import load_or_create_sealer

        sealer = load_or_create_sealer(settings)
    except ImportError:  # the seal module is being written in parallel
        sealer = None
    database = open_database(settings.resolved_database_url, settings=settings)
    context = AppContext(settings, library, database, sealer, clock)  # type: ignore[arg-type]
    yield context
    context.database.dispose()
