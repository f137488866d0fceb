"""Issue #11, one document of record: every reader refuses a document that is not this consent's.

The case: patient B's genuine, sealed final document (hash and seal intact) has its row pointed at
consent A in the database. The staff download, the patient copy, the FHIR export and
`cli.py export` must all refuse it, say why, and never ship B's PDF as A's.
"""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import text
from staff_helpers import PASSWORD, time_out, timeout_ids, verified

import cli
from accounts.staff import Role
from forms.records import Consent
from services import documents, ehr_bundle, export, staff_views
from services import staff as staff_svc
from services.documents import DocumentRefused, Refusal


def _attested(ctx, team, c: Consent) -> Consent:
    c = verified(ctx, team, c)
    c = time_out(
        ctx, team[Role.NURSE], c.id, confirmed=timeout_ids(ctx), expected_version=c.version
    )
    return staff_svc.attest(
        ctx, team[Role.CLINICIAN], c.id, password=PASSWORD, expected_version=c.version
    )


def _events(ctx, consent_id, action: str) -> list[dict]:
    with ctx.database.uow() as uow:
        return [e.new for e in uow.audit.for_consent(str(consent_id)) if e.action == action]


def _export(tmp_path: Path, day, capsys) -> tuple[int, str, zipfile.ZipFile]:
    """`python cli.py export` as the administrator runs it (CONSENT_DATA_DIR is this test's)."""
    out = tmp_path / "export"
    code = cli.main(["export", "--date", day.isoformat(), "--out", str(out)])
    said = capsys.readouterr()
    [zip_path] = out.glob("*.zip")
    return code, said.out + said.err, zipfile.ZipFile(zip_path)


@pytest.fixture
def b_final_under_a(ctx, team, make_consent) -> tuple[Consent, Consent, bytes]:
    """A (signed) and B (attested); B's final document row then re-pointed at consent A."""
    a = make_consent(legal_name="Astrid Alpha")
    b = _attested(ctx, team, make_consent(legal_name="Bruno Beta"))
    with ctx.database.uow() as uow:
        b_final = uow.documents.latest(b.id, "final")
    assert b_final is not None
    with ctx.database.engine.begin() as conn:
        moved = conn.execute(
            text("UPDATE documents SET consent_id = :a WHERE id = :d"),
            {"a": str(a.id), "d": b_final.id},
        )
        assert moved.rowcount == 1
    return a, b, b_final.pdf


def test_staff_download_refuses_another_patients_document_and_audits_it(ctx, team, b_final_under_a):
    a, _b, _pdf = b_final_under_a
    with pytest.raises(DocumentRefused, match="different consent record") as caught:
        documents.download_pdf(ctx, team[Role.FRONT_DESK], a.id)
    assert caught.value.reason is Refusal.OTHER_CONSENT
    [event] = _events(ctx, a.id, "document.downloaded")
    assert event["served"] is False and event["problem"] == "other_consent"


def test_patient_copy_is_refused_for_a_consent_whose_document_fails(ctx, team, b_final_under_a):
    a, _b, _pdf = b_final_under_a
    with pytest.raises(DocumentRefused, match="No patient copy was made") as caught:
        documents.patient_copy(ctx, team[Role.FRONT_DESK], a.id)
    assert caught.value.reason is Refusal.OTHER_CONSENT
    [event] = _events(ctx, a.id, "patient_copy.downloaded")
    assert event["served"] is False and event["problem"] == "other_consent"


def test_patient_copy_is_audited_like_a_download(ctx, team, make_consent):
    c = make_consent()
    assert documents.patient_copy(ctx, team[Role.FRONT_DESK], c.id).startswith(b"%PDF")
    [event] = _events(ctx, c.id, "patient_copy.downloaded")
    assert event["served"] is True and event["kind"] == "submitted"
    assert _events(ctx, c.id, "document.downloaded") == []  # a copy is not a PDF download


def test_fhir_export_gives_no_bundle_for_a_consent_whose_document_fails(ctx, b_final_under_a):
    a, _b, _pdf = b_final_under_a
    with ctx.database.uow() as uow:
        consent = uow.consents.get(a.id)
        with pytest.raises(DocumentRefused, match="No FHIR export") as caught:
            ehr_bundle.fhir_export(ctx, uow, consent)
    assert caught.value.reason is Refusal.OTHER_CONSENT


def test_cli_export_leaves_out_the_foreign_document_names_it_and_exits_1(
    ctx, b_final_under_a, tmp_path, capsys
):
    a, b, b_pdf = b_final_under_a
    code, said, zf = _export(tmp_path, staff_views.today(ctx), capsys)
    assert code == 1
    assert "1 document(s) left out" in said and f"{a.id}: other_consent" in said
    assert "Astrid" not in said and "Bruno" not in said  # ids and codes only on the terminal
    names = zf.namelist()
    assert not any(str(a.id)[:8] in n for n in names)  # A's document under no name
    shipped = {hashlib.sha256(zf.read(n)).hexdigest() for n in names if n.endswith(".pdf")}
    assert hashlib.sha256(b_pdf).hexdigest() not in shipped  # B's final is nowhere in the ZIP
    rows = {
        r["consent_id"]: r for r in csv.DictReader(io.StringIO(zf.read("manifest.csv").decode()))
    }
    row = rows[str(a.id)]
    assert (row["patient"], row["file"], row["problem"]) == ("Astrid Alpha", "", "other_consent")
    assert row["note"].startswith("NOT EXPORTED") and "different consent record" in row["note"]
    # B's export is its own newest remaining document (an earlier final), which names B.
    b_row = rows[str(b.id)]
    assert b_row["file"].startswith(f"filing/consent-{str(b.id)[:8]}_") and b_row["problem"] == ""
    assert b_row["sha256"] != hashlib.sha256(b_pdf).hexdigest()
    with ctx.database.uow() as uow:
        [event] = uow.audit.query(action="export.day")
    assert event.new["problems"] == 1
    assert event.new["left_out"] == [{"consent": str(a.id), "problem": "other_consent"}]


def test_cli_export_of_a_clean_day_exits_0(ctx, team, make_consent, tmp_path, capsys):
    signed = make_consent()
    final = _attested(ctx, team, make_consent())
    code, said, zf = _export(tmp_path, staff_views.today(ctx), capsys)
    assert code == 0, said
    assert "Wrote" in said and "2 PDF(s)" in said and "left out" not in said
    manifest = list(csv.DictReader(io.StringIO(zf.read("manifest.csv").decode())))
    assert [r["problem"] for r in manifest] == ["", ""]
    # Each PDF under the one name every download uses, in the filing folder.
    files = {r["consent_id"]: r["file"] for r in manifest}
    fhir = [f"fhir/{c.id}.json" for c in (signed, final)]  # each PDF's FHIR bundle beside it
    assert sorted(zf.namelist()) == sorted(["manifest.csv", *files.values(), *fhir])
    for c in (signed, final):
        assert files[str(c.id)].startswith(f"filing/consent-{str(c.id)[:8]}_")
        assert files[str(c.id)].endswith(".pdf") and "_consent_" in files[str(c.id)]
    assert {r["document"] for r in manifest} == {"submitted", "final"}


def test_a_failing_final_is_never_replaced_by_an_older_document(ctx, team, make_consent):
    """The final's seal is broken: the older submitted PDF is not offered in its place."""
    c = _attested(ctx, team, make_consent())
    with ctx.database.uow() as uow:
        final = uow.documents.latest(c.id, "final")
    forged = final.pdf + b"\n% appended after sealing\n"
    with ctx.database.engine.begin() as conn:
        conn.execute(
            text("UPDATE documents SET blob = :b, sha256 = :s, size = :n WHERE id = :d"),
            {"b": forged, "s": hashlib.sha256(forged).hexdigest(), "n": len(forged), "d": final.id},
        )
    with ctx.database.uow() as uow, pytest.raises(DocumentRefused) as caught:
        documents.document_of_record(ctx, uow, c.id)
    assert caught.value.reason is Refusal.SEAL_INVALID and caught.value.document == final.id
    result = export.day_export(ctx, team[Role.FRONT_DESK], staff_views.today(ctx))
    assert (result.documents, result.problems) == (0, 1)
    assert result.left_out == ((str(c.id), "seal_invalid"),)
