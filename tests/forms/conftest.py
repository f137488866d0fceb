"""Fixtures for the PDF and seal tests."""

from __future__ import annotations

import pytest
from pdf_helpers import CLINIC, T0, VALUES, fixture_pack

from checklist.loader import load_library
from checklist.models import Pack
from forms.clinic import ClinicInfo
from forms.record_parts import AuditEntry
from forms.records import Consent
from forms.seal import Sealer, load_or_create_sealer
from forms.synthetic import synthetic_consent
from settings import get_settings


@pytest.fixture
def clinic() -> ClinicInfo:
    return CLINIC


@pytest.fixture
def pack() -> Pack:
    """Our own realistic pack (27 items), independent of the shipped content."""
    return fixture_pack()


@pytest.fixture(scope="session")
def shipped_library():
    return load_library(get_settings().placeholder_values, [])


@pytest.fixture
def shipped_pack(shipped_library) -> Pack:
    try:
        return shipped_library.active("sclerotherapy", "en")
    except KeyError:
        pytest.skip("the shipped sclerotherapy pack is not on disk yet")


@pytest.fixture
def worked(pack: Pack) -> tuple[Consent, list[AuditEntry]]:
    """A consent signed, verified, timed-out and attested, with its audit entries."""
    return synthetic_consent(pack, VALUES, T0)


@pytest.fixture
def sealer(prepared_data_dir) -> Sealer:
    """The generated seal of this test's own data directory (copied from the session's)."""
    return load_or_create_sealer(get_settings())
