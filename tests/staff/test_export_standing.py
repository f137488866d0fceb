"""A change of standing (hold, release, entered in error) seals a new bannered PDF that becomes
the document of record; the day export keeps voided consents out of the filing folder, its
manifest says status, reason, hold, open flags and document type, and every CSV the app writes
arrives with formula cells escaped. Read back as stored: pypdf text, zipfile, csv."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader
from staff_helpers import PASSWORD, first_stop_question, verified

from accounts.staff import Role
from forms.records import Status
from language.spreadsheet import csv_bytes, spreadsheet_safe
from services import admin, audit_trail, auth, demo, documents, export, staff_views
from services import staff as staff_svc

ROOT = Path(__file__).resolve().parents[2]
HYPERLINK = '=HYPERLINK("http://x")'
NAME = re.compile(
    r"consent-[0-9a-f]{8}_sclerotherapy-\d+\.\d+\.\d+-en_(?P<type>[a-z-]+)_\d{8}T\d{6}Z\.pdf"
)


def _text(pdf: bytes) -> str:
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages)


def _pages(pdf: bytes) -> list[str]:
    return [" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages]


def _documents(ctx, consent_id):
    with ctx.database.uow() as uow:
        return uow.documents.list(consent_id)


def _export(ctx, team):
    result = export.day_export(ctx, team[Role.FRONT_DESK], staff_views.today(ctx))
    zf = zipfile.ZipFile(io.BytesIO(result.zip_bytes))
    raw = zf.read("manifest.csv").decode()
    return result, zf, list(csv.DictReader(io.StringIO(raw))), raw


# --- a new bannered document for every change of standing -----------------------------------
def test_hold_and_release_each_seal_a_new_document_of_record(ctx, team, make_consent):
    c = make_consent()
    clinician = team[Role.CLINICIAN]
    first = _documents(ctx, c.id)
    c = staff_svc.hold(
        ctx, clinician, c.id, reason="Waiting for the duplex report", expected_version=c.version
    )
    held = documents.download_pdf(ctx, team[Role.FRONT_DESK], c.id)
    pages = _pages(held.pdf)
    for page in pages:
        assert (
            "ON HOLD — do not proceed until a clinician releases it: Waiting for the duplex "
            "report — Dr. Carl Clinician" in page
        )
    assert held.type == "consent-on-hold" and NAME.fullmatch(held.filename)
    assert NAME.fullmatch(held.filename)["type"] == "consent-on-hold"
    c = staff_svc.release(ctx, clinician, c.id, expected_version=c.version)
    released = documents.download_pdf(ctx, team[Role.FRONT_DESK], c.id)
    assert "HOLD RELEASED — the hold on this consent was released by Dr. Carl Clinician" in (
        _text(released.pdf)
    )
    assert released.type == "consent-released"
    # The earlier documents stay, unchanged.
    stored = _documents(ctx, c.id)
    assert [d.id for d in stored[: len(first)]] == [d.id for d in first]
    assert len(stored) == len(first) + 2
    assert {held.id, released.id} <= {d.id for d in stored}
    # The next step's document carries no band: the release was shown once.
    c = verified(ctx, team, c)
    after = documents.download_pdf(ctx, team[Role.FRONT_DESK], c.id)
    assert "HOLD RELEASED" not in _text(after.pdf) and after.type == "consent"


def test_entered_in_error_seals_a_bannered_document_of_record(ctx, team, make_consent):
    c = make_consent()
    c = verified(ctx, team, c)
    before = _documents(ctx, c.id)
    staff_svc.enter_in_error(
        ctx, team[Role.CLINICIAN], c.id, reason="Wrong patient", expected_version=c.version
    )
    doc = documents.download_pdf(ctx, team[Role.FRONT_DESK], c.id)
    assert doc.id not in {d.id for d in before} and len(_documents(ctx, c.id)) == len(before) + 1
    for page in _pages(doc.pdf):
        assert "ENTERED IN ERROR — do not use this consent: Wrong patient — Dr. Carl Clinician" in (
            page
        )
    assert doc.type == "consent-entered-in-error"
    assert NAME.fullmatch(doc.filename)["type"] == "consent-entered-in-error"
    reader = PdfReader(io.BytesIO(doc.pdf))
    assert reader.metadata.title.startswith("Consent to treatment (entered in error): ")


def test_download_and_patient_copy_are_named_alike(ctx, team, make_consent):
    c = make_consent()
    doc = documents.download_pdf(ctx, team[Role.FRONT_DESK], c.id)
    assert NAME.fullmatch(doc.filename)["type"] == "consent"
    assert doc.filename.startswith(f"consent-{str(c.id)[:8]}_")
    issued = doc.created_at.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    assert doc.filename.endswith(f"_{issued}.pdf")
    copy = documents.patient_copy(ctx, team[Role.FRONT_DESK], c.id)
    assert copy.startswith(b"%PDF")
    assert copy.filename == doc.filename.replace("_consent_", "_aftercare_")


# --- the day export ---------------------------------------------------------------------------
def test_voided_consents_go_in_their_own_folder_and_the_manifest_says_why(ctx, team, make_consent):
    kept = make_consent()
    voided = make_consent()
    voided = staff_svc.enter_in_error(
        ctx, team[Role.CLINICIAN], voided.id, reason="Duplicate", expected_version=voided.version
    )
    held = make_consent(answers={first_stop_question(ctx): "yes"})
    staff_svc.hold(
        ctx, team[Role.CLINICIAN], held.id, reason=HYPERLINK, expected_version=held.version
    )
    result, zf, manifest, raw = _export(ctx, team)
    assert (result.documents, result.problems) == (3, 0)
    by_id = {r["consent_id"]: r for r in manifest}
    assert list(manifest[0]) == list(export.MANIFEST_COLUMNS)
    for column in ("status", "reason", "on_hold", "open_flags", "document_type"):
        assert column in manifest[0]
    row = by_id[str(voided.id)]
    assert row["file"].startswith("voided/") and row["status"] == "entered_in_error"
    assert (row["reason"], row["on_hold"], row["document_type"]) == (
        "Duplicate",
        "no",
        "consent-entered-in-error",
    )
    assert "ENTERED IN ERROR — do not use this consent: Duplicate" in _text(zf.read(row["file"]))
    assert not any(n.startswith("filing/") and str(voided.id)[:8] in n for n in zf.namelist())
    assert by_id[str(kept.id)]["file"].startswith("filing/")
    assert (by_id[str(kept.id)]["document_type"], by_id[str(kept.id)]["on_hold"]) == (
        "consent",
        "no",
    )
    hold_row = by_id[str(held.id)]
    assert (hold_row["on_hold"], hold_row["document_type"]) == ("yes", "consent-on-hold")
    assert hold_row["open_flags"] == first_stop_question(ctx)
    # The formula arrives as text: a single quote in front, in the CSV as written.
    assert hold_row["reason"] == "'" + HYPERLINK
    assert "\n=" not in raw and ",=" not in raw
    for r in manifest:
        assert NAME.fullmatch(r["file"].split("/", 1)[1])


def test_demo_data_then_export_never_files_the_voided_consent(ctx):
    demo.fill(ctx, len(demo.SCENARIOS), seed=3, courses=False)
    export_result = export.day_export_cli(ctx, staff_views.today(ctx))
    zf = zipfile.ZipFile(io.BytesIO(export_result.zip_bytes))
    manifest = list(csv.DictReader(io.StringIO(zf.read("manifest.csv").decode())))
    [voided] = [r for r in manifest if r["status"] == Status.ENTERED_IN_ERROR.value]
    assert voided["file"].startswith("voided/")
    assert voided["reason"] == "Demo: started for the wrong patient"
    assert voided["document_type"] == "consent-entered-in-error"
    pdf = zf.read(voided["file"])
    for page in _pages(pdf):
        assert (
            "ENTERED IN ERROR — do not use this consent: Demo: started for the wrong patient"
            in (page)
        )
    filed = [n for n in zf.namelist() if n.startswith("filing/")]
    assert filed and all(voided["consent_id"][:8] not in n for n in filed)
    for name in filed:  # no clean copy of it under another name either
        assert voided["consent_id"] not in _text(zf.read(name))
    [held] = [r for r in manifest if r["on_hold"] == "yes"]
    assert held["reason"] == "Demo: waiting for the duplex scan report"
    assert "ON HOLD" in _text(zf.read(held["file"]))


def test_cli_export_still_exits_1_when_a_document_is_refused(ctx, make_consent, tmp_path):
    from sqlalchemy import text

    c = make_consent()
    with ctx.database.engine.begin() as conn:
        conn.execute(
            text("UPDATE documents SET sha256 = :s WHERE consent_id = :c"),
            {"s": "0" * 64, "c": str(c.id)},
        )
    done = subprocess.run(
        [
            sys.executable,
            "cli.py",
            "export",
            "--date",
            staff_views.today(ctx).isoformat(),
            "--out",
            str(tmp_path),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"{c.id}: hash_mismatch" in done.stderr


# --- every CSV the app writes -----------------------------------------------------------------
@pytest.mark.parametrize("cell", ["=1+2", "+1", "-1", "@SUM(A1)", "\tx", "\rx", HYPERLINK])
def test_formula_cells_are_quoted(cell):
    assert spreadsheet_safe(cell) == "'" + cell
    [row] = list(csv.reader(io.StringIO(csv_bytes(["a"], [[cell]]).decode())))[1:]
    assert row == ["'" + cell]


def test_plain_cells_and_our_numbers_are_left_alone():
    assert spreadsheet_safe("Nguyễn Thị Hương") == "Nguyễn Thị Hương"
    assert spreadsheet_safe(-3) == -3 and spreadsheet_safe(2.5) == 2.5
    assert spreadsheet_safe(None) == "" and spreadsheet_safe("2026-11-23") == "2026-11-23"


def test_audit_csv_escapes_a_formula_in_a_staff_name(ctx, team):
    boss = team[Role.ADMIN]
    admin.add_user(
        ctx, boss, username="mallory", display_name=HYPERLINK, roles=["nurse"], password=PASSWORD
    )
    auth.sign_in(ctx, "mallory", PASSWORD)  # an event whose actor is that name
    rows = audit_trail.audit_trail(ctx, boss)
    assert HYPERLINK in {r.actor for r in rows}
    table = list(csv.reader(io.StringIO(audit_trail.audit_csv(rows).decode())))
    cells = [cell for row in table for cell in row]
    assert "'" + HYPERLINK in cells
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)
