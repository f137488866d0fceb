"""Start and stop the real app for browser tests (used by conftest.py and by tests that restart it)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[2]

# Browser tests run on the real clock. A test that has a patient sign and then opens today's
# queue fails if the clinic's midnight falls between the two (CI once started at 05:00 UTC,
# midnight in New York), so the clinic is put in a zone where it is daytime for the whole run.
_ZONES = ("America/New_York", "Europe/London", "Asia/Kolkata", "Asia/Tokyo", "America/Los_Angeles")


def daytime_zone(now: dt.datetime | None = None) -> str:
    """The first of _ZONES where it is between 06:00 and 18:00 now (the demo's New York in the
    daytime, so screenshots keep its zone)."""
    now = now or dt.datetime.now(dt.UTC)
    for name in _ZONES:
        if 6 <= now.astimezone(ZoneInfo(name)).hour < 18:
            return name
    raise AssertionError("the zones in _ZONES cover every hour of the day")


CLINIC_ZONE = daytime_zone()  # once per test process: a run lasts minutes, not hours


@dataclass
class AppServer:
    url: str
    data_dir: Path
    env: dict[str, str]
    process: subprocess.Popen[bytes]
    log: Path

    def database_url(self) -> str:
        return f"sqlite:///{self.data_dir / 'consent.db'}"

    @contextmanager
    def stored(self) -> Iterator[Any]:
        """A unit of work on the server's own database: what a test reads back after the
        browser has done something (the records, documents and audit as stored)."""
        from store.db import open_database

        db = open_database(self.database_url(), upgrade=False)
        try:
            with db.uow() as uow:
                yield uow
        finally:
            db.dispose()


def _wait_healthy(
    url: str, process: subprocess.Popen[bytes], log: Path, timeout: float = 60
) -> None:
    """Until the server answers /_stcore/health (the one home: deploy/cluster.py, which the
    cluster test and bench/cluster.py start their servers with)."""
    from deploy.cluster import wait_healthy

    wait_healthy(url, process, log, timeout)


def fresh_data_dir(template: Path, target: Path) -> Path:
    """A new clinic's data directory for a server: a copy of tests/conftest.py's
    data_dir_template (the database migrated, the seal key made), so that a server's first page
    does not migrate a new SQLite file first (about a second of CPU a server)."""
    shutil.copytree(template, target)
    return target


def server_env(data_dir: Path, extra_env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment a test server (and a CLI run on its data) gets."""
    # Only the test's own cheap password hashing (tests/conftest.py CHEAP_ARGON2) carries into
    # the server and its CLI: production argon2 costs 0.2-0.7 s a sign-in or signature here.
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("CONSENT_") or k.startswith("CONSENT_ARGON2_")
    }
    return env | {
        "CONSENT_DATA_DIR": str(data_dir),
        "CONSENT_CLINIC_TIMEZONE": CLINIC_ZONE,
        "PYTHONUNBUFFERED": "1",
        **(extra_env or {}),
    }


def start_server(data_dir: Path, extra_env: dict[str, str] | None = None) -> AppServer:
    from deploy.cluster import free_port, streamlit_command  # the one home of both

    port = free_port()
    env = server_env(data_dir, extra_env)
    data_dir.mkdir(parents=True, exist_ok=True)
    log = data_dir.parent / f"streamlit-{port}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            streamlit_command(port), cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, process, log)
    except Exception:
        process.kill()
        raise
    return AppServer(url, data_dir, env, process, log)


def stop_server(server: AppServer) -> None:
    """Killed, not asked to stop: every answer is committed as it is given (a kill -9 loses
    nothing, test_server_restart_resumes_at_the_same_step relies on it), and a polite shutdown
    took 0.7 s a server."""
    server.process.kill()
    server.process.wait(timeout=10)
