"""The cluster test's fixtures: PostgreSQL (a fresh schema of the test database), three app
servers and nginx on loopback, started by deploy/cluster.py's ``start_cluster`` as
`python deploy/cluster.py` starts them; Chromium as the browser tests have it.

Without nginx or PostgreSQL the test skips with the reason; CONSENT_REQUIRE_CLUSTER=1 (set by
.ci/run) turns that skip into a failure, as CONSENT_REQUIRE_BROWSER does for Chromium.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# The browser tests' helpers: a patient's and a nurse's steps, drafts made through the services.
sys.path.insert(0, str(ROOT / "tests" / "e2e"))

from e2e_server import CLINIC_ZONE  # noqa: E402

from deploy import cluster as trial  # noqa: E402


def _load(name: str, path: Path):  # type: ignore[no-untyped-def]
    """A conftest by path (``import conftest`` here would find this file)."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_top = _load("tests_top_conftest_cluster", ROOT / "tests" / "conftest.py")
_e2e = _load("tests_e2e_conftest_cluster", ROOT / "tests" / "e2e" / "conftest.py")


def _skip_or_fail(reason: str) -> None:
    if os.environ.get("CONSENT_REQUIRE_CLUSTER", "") not in ("", "0", "false", "no"):
        pytest.fail(reason + " - CONSENT_REQUIRE_CLUSTER=1 forbids skipping")
    pytest.skip(reason)


def _schema_url(base: str, schema: str) -> str:
    from sqlalchemy.engine import make_url

    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


@pytest.fixture
def cluster(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[trial.Cluster]:
    """Three app servers and nginx on one fresh PostgreSQL schema, with one identity.

    The test process takes the cluster's CONSENT_ settings too, so the drafts it prepares and
    the rows it reads are the servers' own (tests/e2e/draft_steps checks they agree)."""
    if trial.nginx_or_none() is None:
        _skip_or_fail("nginx not installed: apt-get install -y nginx (README: Testing)")
    base = os.environ.get("CONSENT_TEST_POSTGRES_URL")
    if not base:
        _skip_or_fail("PostgreSQL not configured: set CONSENT_TEST_POSTGRES_URL (README: Testing)")
    from sqlalchemy import create_engine, text

    schema = "cluster_" + uuid.uuid4().hex[:12]
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    extra = {**_top.CHEAP_ARGON2, "CONSENT_CLINIC_TIMEZONE": CLINIC_ZONE}
    running = None
    try:
        running = trial.start_cluster(
            _schema_url(base, schema), workdir=tmp_path / "cluster", extra_env=extra
        )
        for name, value in running.env.items():
            if name.startswith("CONSENT_") and name != "CONSENT_DATA_DIR":
                monkeypatch.setenv(name, value)
        yield running
    finally:
        if running is not None:
            running.stop()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


browser = _e2e.browser
