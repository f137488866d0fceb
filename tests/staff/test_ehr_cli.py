"""Issue #16: `python cli.py fhir CONSENT_ID` and `python cli.py fhir-push --date`.

A few runs as the administrator starts them (a new process, settings from the environment); the
rest through cli.main in this process, as tests/staff/test_document_of_record.py does.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir_endpoint import FhirEndpoint
from sqlalchemy import text

import cli
from services import staff_views

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def ehr():
    with FhirEndpoint() as endpoint:
        yield endpoint


def run_cli(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PYTHONPATH": str(ROOT), **env}
    return subprocess.run(
        [sys.executable, "cli.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_fhir_prints_a_transaction_bundle(ctx, make_consent) -> None:
    c = make_consent()
    done = run_cli("fhir", str(c.id))
    assert done.returncode == 0, done.stderr
    bundle = Bundle.model_validate_json(done.stdout)
    assert bundle.type == "transaction"
    kinds = {e.resource.get_resource_type() for e in bundle.entry or []}
    assert {"Patient", "DocumentReference", "Consent"} <= kinds


def test_fhir_of_a_malformed_or_unknown_id_exits_2_with_one_line(ctx, capsys) -> None:
    assert cli.main(["fhir", "not-a-consent"]) == 2
    said = capsys.readouterr()
    assert said.out == ""
    assert said.err == "error: That is not a consent number this clinic issued.\n"
    assert cli.main(["fhir", str(uuid.uuid4())]) == 2
    said = capsys.readouterr()
    assert said.out == "" and said.err.startswith("error: That consent could not be found")
    assert len(said.err.splitlines()) == 1


def test_fhir_push_sends_the_day_and_prints_one_line_each(ctx, make_consent, ehr) -> None:
    first, second = make_consent(), make_consent()
    day = staff_views.today(ctx).isoformat()
    done = run_cli("fhir-push", "--date", day, CONSENT_FHIR_BASE_URL=ehr.url)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    entries = len(ehr.received[0]["entry"])
    assert sorted(lines[:2]) == sorted(
        f"{c.id}  sent  {entries} resources" for c in (first, second)
    )
    assert lines[2] == f"{day}: 2 of 2 consent(s) sent to the EHR."
    assert len(ehr.received) == 2 and len(ehr.stored("Consent")) == 2


def test_fhir_push_exits_1_when_a_send_fails_and_says_why(
    ctx, make_consent, ehr, monkeypatch, capsys
) -> None:
    c = make_consent()
    monkeypatch.setenv("CONSENT_FHIR_BASE_URL", ehr.url)
    ehr.fail_next(401)
    day = staff_views.today(ctx).isoformat()
    assert cli.main(["fhir-push", "--date", day]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"{c.id}  FAILED  " + (
        "The EHR refused the clinic's key (HTTP 401). Nothing was marked as sent. Tell the "
        "administrator: the EHR access token (CONSENT_FHIR_BEARER_TOKEN) needs checking."
    )
    assert out[1] == f"{day}: 0 of 1 consent(s) sent to the EHR; 1 failed (see above)."


def test_fhir_push_on_an_empty_day_a_bad_date_or_no_address(ehr, monkeypatch, capsys) -> None:
    assert cli.main(["fhir-push", "--date", "2026-11-20"]) == 2  # no EHR address set up
    assert "CONSENT_FHIR_BASE_URL" in capsys.readouterr().err
    monkeypatch.setenv("CONSENT_FHIR_BASE_URL", ehr.url)
    assert cli.main(["fhir-push", "--date", "2026-11-20"]) == 0
    assert capsys.readouterr().out == "Nothing to send for 2026-11-20: no consents that day.\n"
    for absurd in ("2026-02-30", "yesterday", "9999-01-01"):
        assert cli.main(["fhir-push", "--date", absurd]) == 2
        err = capsys.readouterr().err
        assert err.startswith("error: ") and len(err.splitlines()) == 1
    assert ehr.requests == []


def test_fhir_of_a_consent_whose_document_is_refused_exits_1_with_its_words(
    ctx, make_consent, capsys
) -> None:
    c = make_consent()
    with ctx.database.engine.begin() as conn:
        conn.execute(text("UPDATE documents SET sha256 = :s"), {"s": "0" * 64})
    assert cli.main(["fhir", str(c.id)]) == 1
    said = capsys.readouterr()
    assert said.out == "" and said.err.startswith("error: No FHIR export was made")
