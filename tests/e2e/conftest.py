"""End-to-end fixtures shared by the patient and staff browser tests.

``app_server`` runs the real app (``streamlit run app.py``) on a free port with its own data
directory; ``tablet`` is Debian's Chromium through Playwright's sync API, shaped like an iPad in
portrait (820x1180, touch, 2x pixels). Nothing is downloaded: without Chromium the tests skip
visibly, and CONSENT_REQUIRE_BROWSER=1 (set by .ci/run) turns that skip into a failure.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e_server import CLINIC_ZONE, AppServer, fresh_data_dir, start_server, stop_server

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


chromium_or_skip = _top_conftest().chromium_or_skip


@pytest.fixture(autouse=True)
def clinic_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    """The test's own services (a draft prepared, a record read back) see the clinic in the
    zone the server runs in (e2e_server.CLINIC_ZONE: daytime for the whole run)."""
    monkeypatch.setenv("CONSENT_CLINIC_TIMEZONE", CLINIC_ZONE)


@pytest.fixture
def app_server(tmp_path: Path, data_dir_template: Path) -> Iterator[AppServer]:
    """The real app on a free port, with a fresh data directory; stopped afterwards."""
    server = start_server(fresh_data_dir(data_dir_template, tmp_path / "app-data"))
    yield server
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
