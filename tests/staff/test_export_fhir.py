"""Issue #16 in the day export: beside every PDF it ships, ``fhir/<consent id>.json``, the same
record as a FHIR transaction Bundle whose current DocumentReference carries exactly that PDF; the
manifest names the file in a last column; the same day exported twice gives the same ids and
identifiers; a consent whose document is refused gets neither a PDF nor a FHIR file. Read back
as stored: zipfile, csv, the R4B models."""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
import zipfile

from fhir.resources.R4B.bundle import Bundle
from staff_helpers import PASSWORD, point_document_at, time_out, timeout_ids, verified

from accounts.staff import Role
from services import export, staff_views
from services import staff as staff_svc


def _export(ctx, team):
    result = export.day_export(ctx, team[Role.FRONT_DESK], staff_views.today(ctx))
    zf = zipfile.ZipFile(io.BytesIO(result.zip_bytes))
    rows = list(csv.DictReader(io.StringIO(zf.read("manifest.csv").decode())))
    return result, zf, rows


def _attested(ctx, team, c):
    c = verified(ctx, team, c)
    c = time_out(
        ctx, team[Role.NURSE], c.id, confirmed=timeout_ids(ctx), expected_version=c.version
    )
    return staff_svc.attest(
        ctx, team[Role.CLINICIAN], c.id, password=PASSWORD, expected_version=c.version
    )


def _current_pdf(raw: bytes) -> bytes:
    """The PDF the bundle hands the EHR as this consent's current document, decoded from the
    JSON as an EHR reads it (the R4B models decode base64 on their own)."""
    [current] = [
        e["resource"]
        for e in json.loads(raw)["entry"]
        if e["resource"]["resourceType"] == "DocumentReference"
        and e["resource"]["status"] == "current"
    ]
    [content] = current["content"]
    attachment = content["attachment"]
    assert attachment["contentType"] == "application/pdf"
    pdf = base64.b64decode(attachment["data"], validate=True)
    assert attachment["size"] == len(pdf)
    sha1 = hashlib.sha1(pdf).digest()  # Attachment.hash is SHA-1 in FHIR R4
    assert base64.b64decode(attachment["hash"], validate=True) == sha1
    return pdf


def _keys(bundle: Bundle) -> list[tuple]:
    """What an EHR matches on: each entry's fullUrl, id, identifiers and request."""
    keys = []
    for e in bundle.entry:
        res = e.resource
        found = getattr(res, "identifier", None) or []
        found = found if isinstance(found, list) else [found]  # one, on a QuestionnaireResponse
        found += [m] if (m := getattr(res, "masterIdentifier", None)) else []
        idents = [(i.system, i.value) for i in found]
        keys.append((e.fullUrl, res.get_resource_type(), res.id, idents, e.request.url))
    return keys


def test_each_shipped_pdf_has_its_fhir_bundle_carrying_exactly_that_pdf(ctx, team, make_consent):
    signed = make_consent()
    final = _attested(ctx, team, make_consent())
    result, zf, rows = _export(ctx, team)
    assert (result.documents, result.problems) == (2, 0)
    assert list(rows[0]) == [*export.MANIFEST_COLUMNS] and export.MANIFEST_COLUMNS[-1] == (
        "fhir_file"
    )
    by_id = {r["consent_id"]: r for r in rows}
    assert set(by_id) == {str(signed.id), str(final.id)}
    fhir_names = sorted(n for n in zf.namelist() if n.startswith("fhir/"))
    assert fhir_names == sorted(f"fhir/{c.id}.json" for c in (signed, final))
    for consent in (signed, final):
        row = by_id[str(consent.id)]
        assert row["fhir_file"] == f"fhir/{consent.id}.json"
        raw = zf.read(row["fhir_file"])
        assert Bundle.model_validate_json(raw).type == "transaction"
        assert _current_pdf(raw) == zf.read(row["file"])
    with ctx.database.uow() as uow:
        exported = uow.audit.query(action="fhir.exported")
    assert {e.consent_id for e in exported} == {str(signed.id), str(final.id)}
    assert {e.actor_id for e in exported} == {str(team[Role.FRONT_DESK].id)}


def test_the_same_day_exported_twice_gives_the_same_ids_and_identifiers(ctx, team, make_consent):
    c = make_consent()
    _r, first, _rows = _export(ctx, team)
    _r, second, _rows = _export(ctx, team)
    name = f"fhir/{c.id}.json"
    one = Bundle.model_validate_json(first.read(name))
    two = Bundle.model_validate_json(second.read(name))
    keys = _keys(one)
    assert keys == _keys(two)
    assert (one.id, one.identifier) == (two.id, two.identifier)
    for full_url, kind, res_id, ids, request in keys:  # each entry updates the one it names
        assert full_url, kind
        target, _, query = request.partition("?identifier=")
        if query:
            assert target == kind and tuple(query.split("|", 1)) in ids, (kind, request)
        else:
            assert request == f"{kind}/{res_id}"
    assert all(e.request.method == "PUT" for e in one.entry)


def test_a_refused_document_ships_neither_a_pdf_nor_a_fhir_file(ctx, team, make_consent):
    a = make_consent(legal_name="Astrid Alpha")
    b = make_consent(legal_name="Bruno Beta")
    with ctx.database.uow() as uow:
        b_doc = uow.documents.latest(b.id, "submitted")
    point_document_at(ctx, b_doc.id, a.id)  # B's genuine document pointed at consent A
    result, zf, rows = _export(ctx, team)
    assert result.left_out == ((str(a.id), "other_consent"),)
    assert not [n for n in zf.namelist() if n.startswith("fhir/")]
    row = {r["consent_id"]: r for r in rows}[str(a.id)]
    assert (row["file"], row["fhir_file"], row["problem"]) == ("", "", "other_consent")
    with ctx.database.uow() as uow:
        assert uow.audit.query(action="fhir.exported") == []
