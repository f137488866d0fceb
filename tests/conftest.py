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


# The least argon2id there is (1 pass, 8 KiB, 1 lane): a hash in microseconds instead of the
# production ~0.2-0.7 s, so a test that signs four people in costs nothing. Every hash still
# goes through argon2id; test_auth keeps one test on the production parameters.
CHEAP_ARGON2 = {
    "CONSENT_ARGON2_TIME_COST": "1",
    "CONSENT_ARGON2_MEMORY_KIB": "8",
    "CONSENT_ARGON2_PARALLELISM": "1",
}
_KEPT = (
    "CONSENT_TEST_POSTGRES_URL",
    "CONSENT_REQUIRE_POSTGRES",
    "CONSENT_REQUIRE_BROWSER",
    "CONSENT_REQUIRE_CLUSTER",  # read by tests/cluster/conftest.py after this isolation
)


def _isolate(monkeypatch: pytest.MonkeyPatch, data: Path) -> None:
    for name in list(os.environ):
        if name.startswith("CONSENT_") and name not in _KEPT:
            monkeypatch.delenv(name)
    monkeypatch.setenv("CONSENT_DATA_DIR", str(data))
    for name, value in CHEAP_ARGON2.items():
        monkeypatch.setenv(name, value)


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point CONSENT_DATA_DIR at a fresh directory; drop any other CONSENT_ setting; hash
    passwords cheaply (CHEAP_ARGON2)."""
    data = tmp_path / "data"
    _isolate(monkeypatch, data)
    return data


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The browser tests first, modules with more of them first, each module's tests together
    and in their order (a module's browser and server are set up once).

    They are half of the suite's time and run 10-90 s each: under ``--dist worksteal`` a worker
    that runs out takes the other's last tests, so a long browser test left near the end kept
    one worker busy while the other waited. First, the quick tests fill the end instead."""

    def module(item: pytest.Item) -> str:
        return item.nodeid.split("::", 1)[0]

    browser = [item for item in items if item.get_closest_marker("browser")]
    count: dict[str, int] = {}
    for item in browser:
        count[module(item)] = count.get(module(item), 0) + 1
    first = {id(item) for item in browser}
    order = {name: i for i, name in enumerate(count)}  # as collected, for a tie
    browser.sort(key=lambda item: (-count[module(item)], order[module(item)]))
    items[:] = browser + [item for item in items if id(item) not in first]


_LIBRARIES: dict[tuple, object] = {}


@pytest.fixture(autouse=True)
def parse_shipped_packs_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """build_context parses the shipped packs once per session, not once per test (28 YAML
    files: ~0.2 s idle, over 1 s on a busy machine). Only the shipped directory with the same
    placeholder values is reused; a clinic's own content directory is always read afresh, and
    tests of the loader call checklist.loader directly."""
    import services.context as context_module
    from checklist.loader import load_library

    def cached(values, extra_dirs=(), *, strict=False):  # type: ignore[no-untyped-def]
        dirs = list(extra_dirs)
        if any(d is not None for d in dirs):
            return load_library(values, dirs, strict=strict)
        key = (tuple(sorted(values.items())), strict)
        if key not in _LIBRARIES:
            _LIBRARIES[key] = load_library(values, dirs, strict=strict)
        return _LIBRARIES[key]

    monkeypatch.setattr(context_module, "load_library", cached)


@pytest.fixture(scope="session")
def data_dir_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory as the app's first start leaves it, made once per session: the SQLite
    file migrated to the newest revision and the generated seal key (together ~1.3 s idle,
    several seconds on a busy machine, per test that built them from scratch)."""
    from forms.seal import load_or_create_sealer
    from settings import get_settings
    from store.db import open_database

    data = tmp_path_factory.mktemp("template") / "data"
    with pytest.MonkeyPatch.context() as mp:
        _isolate(mp, data)
        settings = get_settings()
        data.mkdir(parents=True)
        open_database(settings.resolved_database_url, settings=settings).dispose()
        load_or_create_sealer(settings)
    leftovers = {p.name for p in data.iterdir()} - {"consent.db", "seal"}
    assert leftovers == set(), f"the template kept open files: {leftovers}"  # WAL checkpointed
    return data


@pytest.fixture
def prepared_data_dir(isolated_settings: Path, data_dir_template: Path) -> Path:
    """This test's own copy of the template, in its own data directory: each test still starts
    from a new clinic and never sees another's rows or files."""
    from settings import Settings, get_settings

    shutil.copytree(data_dir_template, isolated_settings, dirs_exist_ok=True)
    if get_settings().clinic_name != Settings.model_fields["clinic_name"].default:
        # The generated seal names the clinic: let this test's clinic make its own.
        shutil.rmtree(isolated_settings / "seal")
    return isolated_settings


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
