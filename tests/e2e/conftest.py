"""End-to-end fixtures shared by the patient and staff browser tests.

``app_server`` runs the real app (``streamlit run app.py``) on a free port with its own data
directory; ``tablet`` is Debian's Chromium through Playwright's sync API, shaped like an iPad in
portrait (820x1180, touch, 2x pixels). Nothing is downloaded: without Chromium the tests skip
visibly, and CONSENT_REQUIRE_BROWSER=1 (set by .ci/run) turns that skip into a failure.
"""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class AppServer:
    url: str
    data_dir: Path
    env: dict[str, str]
    process: subprocess.Popen[bytes]
    log: Path

    def database_url(self) -> str:
        return f"sqlite:///{self.data_dir / 'consent.db'}"


def _wait_healthy(
    url: str, process: subprocess.Popen[bytes], log: Path, timeout: float = 60
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"streamlit exited ({process.returncode}):\n{log.read_text()[-3000:]}"
            )
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"streamlit did not become healthy:\n{log.read_text()[-3000:]}")


def start_server(data_dir: Path, extra_env: dict[str, str] | None = None) -> AppServer:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONSENT_")}
    env |= {"CONSENT_DATA_DIR": str(data_dir), "PYTHONUNBUFFERED": "1", **(extra_env or {})}
    data_dir.mkdir(parents=True, exist_ok=True)
    log = data_dir.parent / f"streamlit-{port}.log"
    cmd = [
        sys.executable, "-m", "streamlit", "run", "app.py",
        "--server.headless", "true", "--server.port", str(port), "--server.address", "127.0.0.1",
        "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
    ]  # fmt: skip
    with log.open("wb") as out:
        process = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, process, log)
    except Exception:
        process.kill()
        raise
    return AppServer(url, data_dir, env, process, log)


def stop_server(server: AppServer) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait(timeout=10)


@pytest.fixture
def app_server(tmp_path: Path) -> Iterator[AppServer]:
    """The real app on a free port, with a fresh data directory; stopped afterwards."""
    server = start_server(tmp_path / "app-data")
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
