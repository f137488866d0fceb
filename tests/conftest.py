"""Shared fixtures. Tests never touch ./data: each gets its own data directory."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest

from services.clock import FixedClock

# A fixed Monday morning in the demo clinic's zone, so every test sees the same times.
T0 = dt.datetime(2026, 11, 23, 14, 0, tzinfo=dt.UTC)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(T0)


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point CONSENT_DATA_DIR at a fresh directory; drop any other CONSENT_ setting."""
    for name in list(os.environ):
        if name.startswith("CONSENT_") and name not in (
            "CONSENT_TEST_POSTGRES_URL",
            "CONSENT_REQUIRE_POSTGRES",
            "CONSENT_REQUIRE_BROWSER",
        ):
            monkeypatch.delenv(name)
    data = tmp_path / "data"
    monkeypatch.setenv("CONSENT_DATA_DIR", str(data))
    return data


def _required(name: str) -> bool:
    return os.environ.get(name, "") not in ("", "0", "false", "no")


def postgres_url_or_skip() -> str:
    """The test PostgreSQL URL; a visible skip locally, a failure where CI requires it."""
    url = os.environ.get("CONSENT_TEST_POSTGRES_URL")
    if url:
        return url
    reason = "PostgreSQL not configured: set CONSENT_TEST_POSTGRES_URL (README: Testing)"
    if _required("CONSENT_REQUIRE_POSTGRES"):
        pytest.fail(reason + " - CONSENT_REQUIRE_POSTGRES=1 forbids skipping")
    pytest.skip(reason)


CHROMIUM = "/usr/bin/chromium"


def chromium_or_skip() -> str:
    """Debian's Chromium; a visible skip locally, a failure where CI requires it."""
    path = os.environ.get("CONSENT_CHROMIUM", CHROMIUM)
    if Path(path).exists() or shutil.which(path):
        return path
    reason = "Chromium not installed: apt-get install -y chromium (README: Testing)"
    if _required("CONSENT_REQUIRE_BROWSER"):
        pytest.fail(reason + " - CONSENT_REQUIRE_BROWSER=1 forbids skipping")
    pytest.skip(reason)
