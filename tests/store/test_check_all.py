"""`cli.py check-all` on a demo-data database: clean, then each way of tampering, each on a fresh
copy of the same data directory: exit 1 and the finding names the consent, document or event.

The demo data directory is made once per module (demo-data goes through every service and seals
real PDFs) and copied for each test. Tampering is what someone with the database alone can do:
raw SQL (after dropping the append-only triggers where the audit is touched), or the store's
own save path without an audit event (which keeps working when columns are encrypted).
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import stat
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

import cli
from services.checkpoints import checkpoint_path
from store.db import open_database

DEMO_COUNT = 9  # one consent in each demo state


def _top_conftest():  # type: ignore[no-untyped-def]
    path = Path(__file__).resolve().parents[1] / "conftest.py"
    spec = importlib.util.spec_from_file_location("tests_top_conftest_check", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _fill_demo(mp: pytest.MonkeyPatch, data: Path, database_url: str | None = None) -> None:
    from services import demo
    from services.context import build_context
    from settings import get_settings

    _top_conftest()._isolate(mp, data)
    if database_url:
        mp.setenv("CONSENT_DATABASE_URL", database_url)
    ctx = build_context(get_settings())
    try:
        demo.fill(ctx, DEMO_COUNT, seed=7, courses=False)
    finally:
        ctx.database.dispose()


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("demo") / "data"
    with pytest.MonkeyPatch.context() as mp:
        _fill_demo(mp, data)
    return data


@pytest.fixture
def demo_dir(demo_template: Path, isolated_settings: Path) -> Path:
    """This test's own copy of the demo data directory (CONSENT_DATA_DIR points at it)."""
    shutil.copytree(demo_template, isolated_settings)
    return isolated_settings


def check_all(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(["check-all", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def fails(out: str) -> list[str]:
    return [line for line in out.splitlines() if line.startswith("FAIL ")]


def sql(data: Path, *statements: str, params: dict | None = None) -> list:
    engine = create_engine(f"sqlite:///{data / 'consent.db'}")
    rows: list = []
    try:
        with engine.begin() as conn:
            for statement in statements:
                result = conn.execute(text(statement), params or {})
                if result.returns_rows:
                    rows = result.all()
    finally:
        engine.dispose()
    return rows


def drop_audit_triggers(data: Path) -> None:
    sql(
        data,
        "DROP TRIGGER IF EXISTS audit_events_no_update",
        "DROP TRIGGER IF EXISTS audit_events_no_delete",
    )


def newest_final(data: Path) -> tuple[int, str]:
    [(doc_id, consent_id)] = sql(
        data, "SELECT id, consent_id FROM documents WHERE kind = 'final' ORDER BY id DESC LIMIT 1"
    )
    return doc_id, consent_id


# --- clean ----------------------------------------------------------------------------------
def test_a_clean_demo_database_passes_and_leaves_a_signed_checkpoint(capsys, demo_dir) -> None:
    code, out, err = check_all(capsys)
    assert code == 0, out + err
    assert fails(out) == []
    assert "OK: no problems found." in out
    assert "self-signed" in out  # the demo seal says what it is
    path = checkpoint_path(demo_dir)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    [line] = path.read_text().splitlines()
    head = sql(demo_dir, "SELECT last_id, last_hash FROM audit_head")[0]
    assert (json.loads(line)["last_id"], json.loads(line)["last_hash"]) == tuple(head)
    code, out, _ = check_all(capsys, "--no-checkpoint")  # and again, against its own checkpoint
    assert code == 0, out
    assert len(path.read_text().splitlines()) == 1


def test_every_sealed_document_carries_the_audit_head_it_was_made_at(demo_dir) -> None:
    """The anchor is in the XMP (read without text extraction) and printed on the evidence page,
    and the document.issued event keeps it, so the document re-renders from what is stored."""
    import io

    from pypdf import PdfReader

    from forms.seal_check import read_evidence

    database = open_database(f"sqlite:///{demo_dir / 'consent.db'}", upgrade=False)
    try:
        with database.uow() as uow:
            issued = {e.new["document"]: e for e in uow.audit.query(action="document.issued")}
            for doc_id, consent_id, _kind, _sha in uow.documents.inventory():
                doc = uow.documents.get(doc_id)
                evidence = read_evidence(doc.pdf)
                event = issued[doc_id]
                assert evidence is not None and event.consent_id == consent_id
                assert evidence.record_sha256 == event.new["record_sha256"]
                assert event.new["audit_head"] == {
                    "id": evidence.audit_head_id,
                    "hash": evidence.audit_head_hash,
                }
                assert evidence.audit_head_id < event.id  # the head as of rendering
            last = uow.documents.get(doc_id)
            page = PdfReader(io.BytesIO(last.pdf)).pages[-1].extract_text()
            assert read_evidence(last.pdf).audit_head_hash in page
    finally:
        database.dispose()


# --- tampering, each on a fresh copy --------------------------------------------------------------
def test_audit_tail_cut_and_head_rewritten_is_found(capsys, demo_dir) -> None:
    assert check_all(capsys)[0] == 0  # last night's run: it signed a checkpoint of the head
    drop_audit_triggers(demo_dir)
    [(last,)] = sql(demo_dir, "SELECT last_id FROM audit_head")
    keep = last - 2
    sql(
        demo_dir,
        "DELETE FROM audit_events WHERE id > :keep",
        "UPDATE audit_head SET last_id = :keep, "
        "last_hash = (SELECT hash FROM audit_events WHERE id = :keep)",
        params={"keep": keep},
    )
    assert cli.main(["audit-check"]) == 0  # the chain alone cannot tell
    capsys.readouterr()
    code, out, _ = check_all(capsys)
    assert code == 1
    assert any(
        line.startswith(f"FAIL audit trail: it ends at event {keep}")
        and f"reached event {last}" in line
        and "removed from its end" in line
        for line in fails(out)
    ), out


def test_a_cut_below_the_newest_sealed_document_is_found_without_any_checkpoint(
    capsys, demo_dir
) -> None:
    assert not checkpoint_path(demo_dir).exists()
    drop_audit_triggers(demo_dir)
    [(issued_at,)] = sql(
        demo_dir, "SELECT max(id) FROM audit_events WHERE action = 'document.issued'"
    )
    keep = issued_at - 3  # below the head the newest document was sealed with
    sql(
        demo_dir,
        "DELETE FROM audit_events WHERE id > :keep",
        "UPDATE audit_head SET last_id = :keep, "
        "last_hash = (SELECT hash FROM audit_events WHERE id = :keep)",
        params={"keep": keep},
    )
    code, out, _ = check_all(capsys)
    assert code == 1
    assert any("removed from its end" in line and "document" in line for line in fails(out)), out


def test_the_newest_final_document_row_deleted_is_found(capsys, demo_dir) -> None:
    doc_id, consent_id = newest_final(demo_dir)
    sql(demo_dir, "DELETE FROM documents WHERE id = :id", params={"id": doc_id})
    code, out, _ = check_all(capsys)
    assert code == 1
    assert f"FAIL consent {consent_id}: its final document {doc_id} " in out, out
    assert "is missing from the database" in out


def test_a_patient_renamed_in_the_record_row_is_found(capsys, demo_dir) -> None:
    doc_id, consent_id = newest_final(demo_dir)
    [(record,)] = sql(
        demo_dir, "SELECT record FROM consents WHERE id = :id", params={"id": consent_id}
    )
    body = json.loads(record) if isinstance(record, str) else record
    body["patient"]["legal_name"] = "Mallory Renamed"
    sql(
        demo_dir,
        "UPDATE consents SET record = :r, legal_name = 'Mallory Renamed' WHERE id = :id",
        params={"r": json.dumps(body), "id": consent_id},
    )
    code, out, _ = check_all(capsys)
    assert code == 1
    assert fails(out) == [
        f"FAIL consent {consent_id}: the patient's identity (name, date of birth, MRN) no "
        f"longer matches sealed document {doc_id}"
    ], out


def test_a_date_of_birth_changed_through_the_store_without_audit_is_found(capsys, demo_dir):
    """Through the store's own save path (works with encrypted columns too), no audit event."""
    import datetime as dt

    from forms.record_parts import Patient

    [(consent_id,)] = sql(
        demo_dir, "SELECT consent_id FROM documents WHERE kind = 'submitted' ORDER BY id LIMIT 1"
    )
    database = open_database(f"sqlite:///{demo_dir / 'consent.db'}", upgrade=False)
    try:
        with database.uow() as uow:
            consent = uow.consents.get(consent_id)
            patient = consent.patient.model_dump()
            patient["date_of_birth"] = dt.date(1901, 2, 3)
            consent.patient = Patient(**patient)
            uow.consents.update(consent, expected_version=consent.version, actor_name="x")
            uow.commit()
    finally:
        database.dispose()
    code, out, _ = check_all(capsys)
    assert code == 1
    [line] = fails(out)
    assert line.startswith(f"FAIL consent {consent_id}: the patient's identity"), out


def test_one_flipped_byte_in_a_stored_pdf_is_found(capsys, demo_dir) -> None:
    doc_id, consent_id = newest_final(demo_dir)
    [(blob,)] = sql(demo_dir, "SELECT blob FROM documents WHERE id = :id", params={"id": doc_id})
    flipped = bytearray(blob)
    flipped[len(flipped) // 2] ^= 0x01
    sql(
        demo_dir,
        "UPDATE documents SET blob = :b WHERE id = :id",
        params={"b": bytes(flipped), "id": doc_id},
    )
    code, out, _ = check_all(capsys)
    assert code == 1
    assert f"FAIL document {doc_id} (final, consent {consent_id}): its bytes no longer match" in out


def test_one_edited_audit_row_is_found(capsys, demo_dir) -> None:
    drop_audit_triggers(demo_dir)
    [(event_id,)] = sql(
        demo_dir, "SELECT min(id) FROM audit_events WHERE action = 'consent.verified'"
    )
    sql(
        demo_dir,
        "UPDATE audit_events SET actor_id = 'someone-else' WHERE id = :id",
        params={"id": event_id},
    )
    code, out, _ = check_all(capsys)
    assert code == 1
    assert f"FAIL audit event {event_id}: event {event_id} was changed after it was written" in out


def test_an_edited_checkpoint_is_found(capsys, demo_dir) -> None:
    assert check_all(capsys)[0] == 0
    path = checkpoint_path(demo_dir)
    entry = json.loads(path.read_text())
    entry["last_id"] -= 5  # pretend last night's trail was shorter
    path.write_text(json.dumps(entry) + "\n")
    code, out, _ = check_all(capsys)
    assert code == 1
    assert f"FAIL checkpoint {path} line 1: its signature does not verify" in out


def test_wide_file_modes_are_warned_about_not_failed(capsys, demo_dir) -> None:
    os.chmod(demo_dir / "consent.db", 0o644)
    code, out, _ = check_all(capsys, "--no-checkpoint")
    assert code == 0
    assert f"warning: {demo_dir / 'consent.db'} is mode 0644" in out


# --- cannot check: exit 2, one line, no traceback -------------------------------------------------
def test_no_database_yet_is_bad_input(capsys, isolated_settings) -> None:
    code, out, err = check_all(capsys)
    assert code == 2
    assert err.strip().splitlines() == [
        f"error: there is no database at {isolated_settings / 'consent.db'}: run "
        "`python cli.py init` first"
    ]
    assert "Traceback" not in out + err


def test_an_unreachable_database_is_bad_input(capsys, prepared_data_dir, monkeypatch) -> None:
    monkeypatch.setenv(
        "CONSENT_DATABASE_URL", "postgresql+psycopg://nobody:secret@127.0.0.1:1/none"
    )
    code, out, err = check_all(capsys)
    assert code == 2
    [line] = err.strip().splitlines()
    assert line.startswith("error: cannot use the database at postgresql+psycopg://nobody:***@")
    assert "secret" not in out + err and "Traceback" not in out + err


# --- PostgreSQL ----------------------------------------------------------------------------------
@pytest.mark.postgres
def test_postgresql_clean_then_a_renamed_patient(capsys, isolated_settings) -> None:
    base = _top_conftest().postgres_url_or_skip()
    from sqlalchemy.engine import make_url

    schema = "t_" + uuid.uuid4().hex[:16]
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    schema_url = url.render_as_string(hide_password=False)
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        with pytest.MonkeyPatch.context() as mp:
            _fill_demo(mp, isolated_settings, schema_url)
            assert check_all(capsys)[0] == 0
            engine = create_engine(schema_url)
            with engine.begin() as conn:
                consent_id = conn.execute(
                    text("SELECT consent_id FROM documents ORDER BY id DESC LIMIT 1")
                ).scalar_one()
                conn.execute(
                    text(
                        "UPDATE consents SET record = jsonb_set(record::jsonb, "
                        "'{patient,legal_name}', '\"Mallory Renamed\"')::json WHERE id = :id"
                    ),
                    {"id": consent_id},
                )
            engine.dispose()
            code, out, _ = check_all(capsys)
        assert code == 1
        assert f"FAIL consent {consent_id}: the patient's identity" in out, out
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
