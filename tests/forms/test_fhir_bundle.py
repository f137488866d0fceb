"""The FHIR transaction Bundle an EHR files (issue #16), from synthetic consents at each stage:
it parses with fhir.resources' R4B models, every reference inside resolves, every entry is a
conditional update on a stable identifier, and each state maps to the FHIR status it means."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json

import pytest
from fhir.resources.R4B.bundle import Bundle
from pdf_helpers import CLINIC, T0, VALUES

from forms.fhir import consent_bundle, consent_bundle_json
from forms.fhir_documents import FhirDocument
from forms.records import Status
from forms.synthetic import synthetic_consent

EHR_CLINIC = CLINIC.model_copy(
    update={
        "identifier_system": "http://hl7.org/fhir/sid/us-npi",
        "identifier": "1234567893",
        "mrn_system": "https://clinic.example.org/mrn",
    }
)
LATER = T0 + dt.timedelta(hours=1)


def _papers(consent) -> list[FhirDocument]:  # type: ignore[no-untyped-def]
    early, late = b"%PDF-1.7 first document", b"%PDF-1.7 the document of record"
    return [
        FhirDocument(11, "submitted", T0, early, hashlib.sha256(early).hexdigest()),
        FhirDocument(12, "final", LATER, late, hashlib.sha256(late).hexdigest()),
    ]


def _bundle(consent, pack) -> dict:  # type: ignore[no-untyped-def]
    text = consent_bundle_json(consent, pack, EHR_CLINIC, documents=_papers(consent), of_record=12)
    Bundle.model_validate_json(text)  # R4B: what an R4 server accepts
    return json.loads(text)


def _of(bundle: dict, kind: str) -> list[dict]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def _references(value: object) -> list[str]:
    if isinstance(value, dict):
        found = [value["reference"]] if isinstance(value.get("reference"), str) else []
        return found + [r for v in value.values() for r in _references(v)]
    if isinstance(value, list):
        return [r for v in value for r in _references(v)]
    return []


@pytest.mark.parametrize(
    ("stage", "status"),
    [
        ("signed", "draft"),  # the record submission builds, before it is stored
        ("submitted", "proposed"),  # waiting for the nurse
        ("verified", "proposed"),  # waiting for the clinician
        ("attested", "active"),
        ("filed", "active"),
        ("declined", "rejected"),
    ],
)
def test_each_stage_maps_to_its_fhir_status_and_parses_as_r4b(pack, stage, status) -> None:
    consent, _ = synthetic_consent(pack, VALUES, T0, stage=stage)
    bundle = _bundle(consent, pack)
    assert bundle["type"] == "transaction"
    (fhir_consent,) = _of(bundle, "Consent")
    assert fhir_consent["status"] == status
    assert fhir_consent["provision"]["type"] == ("deny" if stage == "declined" else "permit")
    assert fhir_consent["category"][0]["coding"][0]["code"] == "59284-0"
    assert fhir_consent["scope"]["coding"][0]["code"] == "treatment"
    ref = consent.pack
    assert fhir_consent["policy"][0]["uri"].endswith(
        f"{ref.pack_id}:{ref.version}:{ref.language}#{ref.fingerprint}"
    )


def test_on_hold_is_inactive_and_an_open_stop_flag_is_not_active(pack) -> None:
    consent, _ = synthetic_consent(pack, VALUES, T0, stage="submitted")
    consent.hold("Lab result pending", LATER)
    (held,) = _of(_bundle(consent, pack), "Consent")
    assert held["status"] == "inactive"
    assert {"url": held["extension"][-1]["url"], "valueString": "Lab result pending"} in held[
        "extension"
    ]
    attested, _ = synthetic_consent(pack, VALUES, T0, stage="attested")
    rule = next(r for r in pack.screening.rules if r.flag.value == "stop")
    answer = next(a for a in attested.screening if a.question_id == rule.question)
    stop = answer.model_copy(update={"answer": rule.answers[0], "flag": rule.flag})
    attested.screening[attested.screening.index(answer)] = stop
    attested.flag_reviews = [r for r in attested.flag_reviews if r.question_id != rule.question]
    assert attested.open_stop_flags()
    (flagged,) = _of(_bundle(attested, pack), "Consent")
    assert flagged["status"] == "proposed"


def test_entered_in_error_carries_its_reason_on_the_consent_and_every_document(pack) -> None:
    consent, _ = synthetic_consent(pack, VALUES, T0, stage="attested")
    consent.enter_in_error("Wrong patient chosen at the desk", LATER)
    assert consent.status is Status.ENTERED_IN_ERROR
    bundle = _bundle(consent, pack)
    (fhir_consent,) = _of(bundle, "Consent")
    assert fhir_consent["status"] == "entered-in-error"
    reasons = [e.get("valueString") for e in fhir_consent["extension"]]
    assert "Wrong patient chosen at the desk" in reasons
    papers = _of(bundle, "DocumentReference")
    assert {p["status"] for p in papers} == {"entered-in-error"}
    assert all("Wrong patient chosen at the desk" in p["description"] for p in papers)


def test_documents_carry_the_pdf_size_and_sha1_and_the_newest_replaces_the_older(pack) -> None:
    consent, _ = synthetic_consent(pack, VALUES, T0, stage="attested")
    bundle = _bundle(consent, pack)
    urls = {e["resource"]["resourceType"]: e["fullUrl"] for e in bundle["entry"]}
    first, record = _of(bundle, "DocumentReference")
    assert (first["status"], record["status"]) == ("superseded", "current")
    for paper, doc in zip((first, record), _papers(consent), strict=True):
        a = paper["content"][0]["attachment"]
        assert base64.b64decode(a["data"]) == doc.pdf and a["size"] == len(doc.pdf)
        assert base64.b64decode(a["hash"]) == hashlib.sha1(doc.pdf).digest()
        assert a["contentType"] == "application/pdf" and a["title"] and a["creation"]
        assert paper["type"]["coding"][0] == {
            "system": "http://loinc.org",
            "code": "59284-0",
            "display": "Consent Document",
        }
        assert paper["subject"]["reference"] == urls["Patient"]
        assert paper["custodian"]["reference"] == urls["Organization"]
        assert paper["author"][0]["display"].startswith(consent.attestation.clinician_name)
    entries = {
        e["resource"]["resourceType"] + e["resource"]["status"]: e
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "DocumentReference"
    }
    older = entries["DocumentReferencesuperseded"]["fullUrl"]
    assert record["relatesTo"] == [{"code": "replaces", "target": {"reference": older}}]
    (fhir_consent,) = _of(bundle, "Consent")
    assert (
        fhir_consent["sourceReference"]["reference"]
        == entries["DocumentReferencecurrent"]["fullUrl"]
    )
    (org,) = _of(bundle, "Organization")
    assert org["identifier"] == [
        {"system": "http://hl7.org/fhir/sid/us-npi", "value": "1234567893"}
    ]
    assert fhir_consent["organization"][0]["reference"] == urls["Organization"]


def test_every_reference_resolves_and_every_entry_is_an_idempotent_update(pack) -> None:
    consent, audit = synthetic_consent(pack, VALUES, T0, stage="filed")
    consent.patient = consent.patient.model_copy(update={"mrn": "MRN-20417"})
    bundle = consent_bundle(
        consent, pack, EHR_CLINIC, documents=_papers(consent), of_record=12, audit=audit
    )
    urls = {e["fullUrl"] for e in bundle["entry"]}
    assert len(urls) == len(bundle["entry"])
    inside = [r for r in _references(bundle) if r.startswith("urn:uuid:")]
    assert inside and set(inside) <= urls
    for entry in bundle["entry"]:
        request, resource = entry["request"], entry["resource"]
        assert request["method"] == "PUT"
        kind = resource["resourceType"]
        if kind == "Provenance":
            assert request["url"] == f"Provenance/{resource['id']}"
            assert entry["fullUrl"] == f"urn:uuid:{resource['id']}"
            continue
        ids = resource["identifier"]
        first = ids if isinstance(ids, dict) else ids[0]
        assert request["url"] == f"{kind}?identifier={first['system']}|{first['value']}"
        assert "id" not in resource  # the EHR keeps its own ids; the identifier matches
    (patient,) = _of(bundle, "Patient")
    assert patient["identifier"][0]["system"] == "https://clinic.example.org/mrn"
    assert patient["identifier"][0]["value"] == "MRN-20417"
    assert patient["identifier"][0]["type"]["coding"][0]["code"] == "MR"
    # The same consent exported again: the same ids and identifiers, byte for byte.
    again = consent_bundle(
        consent, pack, EHR_CLINIC, documents=_papers(consent), of_record=12, audit=audit
    )
    assert again == bundle


def test_a_visit_without_an_mrn_files_under_its_course_consents_patient(pack) -> None:
    from forms.course import VisitOf

    course, _ = synthetic_consent(pack, VALUES, T0, stage="attested")
    visit, _ = synthetic_consent(pack, VALUES, T0, stage="submitted", seed=2)
    visit.kind = "visit"
    visit.visit_of = VisitOf(
        consent_id=course.id,
        consent_signed_at=course.patient_signature.signed_at,
        consent_pack_version=course.pack.version,
        session=2,
    )
    for record in (course, visit):  # no MRN given on the tablet
        record.patient = record.patient.model_copy(update={"mrn": None})
    (of_course,) = _of(consent_bundle(course, pack, EHR_CLINIC), "Patient")
    (of_visit,) = _of(consent_bundle(visit, pack, EHR_CLINIC), "Patient")
    assert of_visit["identifier"] == of_course["identifier"]
    (fhir_visit,) = _of(consent_bundle(visit, pack, EHR_CLINIC), "Consent")
    assert {
        "url": fhir_visit["extension"][-1]["url"],
        "valueIdentifier": {"system": "urn:ietf:rfc:3986", "value": f"urn:uuid:{course.id}"},
    } in fhir_visit["extension"]
