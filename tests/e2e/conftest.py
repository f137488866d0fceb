"""End-to-end fixtures shared by the patient and staff browser tests.

``app_server`` runs the real app (``streamlit run app.py``) on a free port with its own data
directory; ``tablet`` is Debian's Chromium through Playwright's sync API, shaped like an iPad in
portrait (820x1180, touch, 2x pixels). Nothing is downloaded: without Chromium the tests skip
visibly, and CONSENT_REQUIRE_BROWSER=1 (set by .ci/run) turns that skip into a failure.
"""

from __future__ import annotations

import fcntl
import importlib.util
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e_server import (
    CLINIC_ZONE,
    AppServer,
    fresh_data_dir,
    server_env,
    start_server,
    stop_server,
)

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "docs" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def _top_conftest():  # type: ignore[no-untyped-def]
    """tests/conftest.py (``import conftest`` here would find this file)."""
    spec = importlib.util.spec_from_file_location(
        "tests_top_conftest_e2e", ROOT / "tests" / "conftest.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_TOP = _top_conftest()
chromium_or_skip = _TOP.chromium_or_skip


@pytest.fixture(autouse=True)
def clinic_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    """The test's own services (a draft prepared, a record read back) see the clinic in the
    zone the server runs in (e2e_server.CLINIC_ZONE: daytime for the whole run)."""
    monkeypatch.setenv("CONSENT_CLINIC_TIMEZONE", CLINIC_ZONE)


@pytest.fixture
def own_server(tmp_path: Path, data_dir_template: Path) -> Iterator[AppServer]:
    """The real app on a free port, with a fresh data directory; stopped afterwards."""
    server = start_server(fresh_data_dir(data_dir_template, tmp_path / "app-data"))
    yield server
    stop_server(server)


@pytest.fixture
def app_server(own_server: AppServer) -> AppServer:
    """The test's server: its own (``own_server``) unless its module shares one
    (``module_server``, for tests that each begin a new patient under a name of their own)."""
    return own_server


@pytest.fixture(scope="module")
def module_server(
    tmp_path_factory: pytest.TempPathFactory, data_dir_template: Path
) -> Iterator[AppServer]:
    """One app for a module whose tests need no new clinic: each test is a new tablet (a new
    session, a new draft) and finds its records by its own patient's name. A server's start and
    its first page cost about 7 s of CPU (the packs, the catalogs, the PDF warm-up)."""
    data = fresh_data_dir(data_dir_template, tmp_path_factory.mktemp("shared") / "app-data")
    server = start_server(data)
    yield server
    stop_server(server)


@pytest.fixture(scope="session")
def demo_clinic(
    tmp_path_factory: pytest.TempPathFactory, data_dir_template: Path
) -> tuple[Path, str]:
    """`cli.py demo-data --count 9` run once in the whole run (the xdist workers share it) on a
    new clinic's data directory, and what it printed (the demo accounts' passwords): the staff
    tests' servers start from a copy. The 9 consents, each signed, sealed and taken through
    its states, cost about 20 s of CPU."""
    # The workers' temporary directories share this parent (the run's own, under xdist).
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent
    data, printed = root / "demo-clinic" / "app-data", root / "demo-clinic" / "printed.txt"
    with (root / "demo-clinic.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # the other worker waits until it is made
        if not printed.exists():
            fresh_data_dir(data_dir_template, data)
            made = subprocess.run(
                [sys.executable, "cli.py", "demo-data", "--count", "9"],
                cwd=ROOT,
                env=server_env(data) | _TOP.CHEAP_ARGON2,  # as the tests' servers hash
                capture_output=True,
                text=True,
                timeout=600,
            )
            assert made.returncode == 0, made.stderr
            printed.write_text(made.stdout)
    return data, printed.read_text()


@pytest.fixture
def demo_server(tmp_path: Path, demo_clinic: tuple[Path, str]) -> Iterator[tuple[AppServer, str]]:
    """The real app on a copy of the demo clinic (``demo_clinic``), and what demo-data printed."""
    data, printed = demo_clinic
    server = start_server(fresh_data_dir(data, tmp_path / "app-data"))
    yield server, printed
    stop_server(server)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Chromium for one test module. Not per session: Playwright's sync API keeps an asyncio loop
    running in the main thread while it is open, and code that calls asyncio.run() (pyHanko's
    sealing) fails in later tests of other areas."""
    executable = chromium_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def tablet(browser) -> Iterator[object]:  # type: ignore[no-untyped-def]
    """A fresh page shaped like a portrait tablet with touch."""
    context = browser.new_context(
        viewport={"width": 820, "height": 1180},
        has_touch=True,
        is_mobile=True,
        device_scale_factor=2,
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()
