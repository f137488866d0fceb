"""The consent's sealed PDFs as FHIR R4 DocumentReferences, the way EHRs import documents
(US Core DocumentReference; issue #16).

Every stored document of the consent is one DocumentReference, oldest first: the document of
record is ``current``, earlier ones ``superseded``, each later one ``replaces`` the one before;
all are ``entered-in-error`` with the record. The attachment carries the sealed PDF itself, its
size and its SHA-1 (``Attachment.hash`` as FHIR R4 defines it); the SHA-256 the app checks is
kept beside it. Pure: same input, same JSON.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import uuid
from dataclasses import dataclass
from typing import Any

from checklist.models import Pack
from forms.fhir_answers import EXT, when
from forms.fhir_parties import staff_reference, uuid_identifier
from forms.fhir_status import document_status
from forms.records import Consent, Status

LOINC_CONSENT = {"system": "http://loinc.org", "code": "59284-0", "display": "Consent Document"}
CATEGORY = {
    "system": "http://hl7.org/fhir/us/core/CodeSystem/us-core-documentreference-category",
    "code": "clinical-note",
    "display": "Clinical Note",
}
FORMAT = {  # IHE format code: the MIME type says all there is to know
    "system": "http://ihe.net/fhir/ihe.formatcode.fhir/CodeSystem/formatcode",
    "code": "urn:ihe:iti:xds:2017:mimeTypeSufficient",
    "display": "mimeType Sufficient",
}
SIGNED_BY = {  # what made each stored kind of document (store.documents.KINDS)
    "submitted": "Signed by the patient, before staff review",
    "refusal": "Informed refusal signed by the patient",
    "final": "Verified by the nurse and attested by the clinician",
}


@dataclass(frozen=True)
class FhirDocument:
    """One stored, sealed PDF of the consent (its checks already passed)."""

    id: int
    kind: str
    created_at: dt.datetime
    pdf: bytes
    sha256: str


def document_uuid(consent: Consent, doc: FhirDocument) -> str:
    return str(uuid.uuid5(consent.id, f"document-{doc.id}"))


def title(consent: Consent, pack: Pack) -> str:
    what = "Informed refusal" if consent.decision == "decline" else "Consent to treatment"
    if consent.is_visit:
        what = f"Course visit {what[0].lower()}{what[1:]}"
    return f"{what}: {pack.title}"


def document_references(
    consent: Consent,
    pack: Pack,
    documents: list[FhirDocument],
    of_record: int | None,
    refs: dict[str, dict[str, Any]],
) -> list[tuple[str, dict[str, Any]]]:
    """(fullUrl, DocumentReference) per document, oldest first. ``of_record``: the id of the
    document of record; ``refs``: the bundle's references by role (patient, organization,
    consent)."""
    out: list[tuple[str, dict[str, Any]]] = []
    previous: str | None = None
    for doc in sorted(documents, key=lambda d: (d.created_at, d.id)):
        url = f"urn:uuid:{document_uuid(consent, doc)}"
        resource = _reference(consent, pack, doc, doc.id == of_record, refs)
        if previous:
            resource["relatesTo"] = [{"code": "replaces", "target": {"reference": previous}}]
        out.append((url, resource))
        previous = url
    return out


def _reference(
    consent: Consent, pack: Pack, doc: FhirDocument, of_record: bool, refs: dict[str, Any]
) -> dict[str, Any]:
    description = SIGNED_BY.get(doc.kind, doc.kind)
    if consent.status is Status.ENTERED_IN_ERROR:
        description = f"Entered in error: {consent.error_reason or 'no reason recorded'}"
    attachment = {
        "contentType": "application/pdf",
        "language": consent.pack.language,
        "data": base64.b64encode(doc.pdf).decode("ascii"),
        "size": len(doc.pdf),
        "hash": base64.b64encode(hashlib.sha1(doc.pdf).digest()).decode("ascii"),
        "title": title(consent, pack),
        "creation": when(doc.created_at),
        "extension": [{"url": f"{EXT}pdf-sha256", "valueString": doc.sha256}],
    }
    return {
        "resourceType": "DocumentReference",
        "identifier": [uuid_identifier(document_uuid(consent, doc))],
        "status": document_status(consent, of_record=of_record),
        "docStatus": "final",
        "type": {"coding": [LOINC_CONSENT], "text": title(consent, pack)},
        "category": [{"coding": [CATEGORY]}],
        "subject": refs["patient"],
        "date": when(doc.created_at),
        "author": [author(consent, refs["patient"])],
        "custodian": refs["organization"],
        "description": description,
        "content": [{"attachment": attachment, "format": FORMAT}],
        "context": {"related": [refs["consent"]]},
    }


def author(consent: Consent, patient: dict[str, Any]) -> dict[str, Any]:
    """The clinician: who attested, else who planned the treatment; the patient before any."""
    if consent.attestation is not None:
        a = consent.attestation
        return staff_reference(a.clinician_name, a.clinician_id)
    plan = consent.treatment
    if plan is not None and plan.clinician_name:
        return staff_reference(plan.clinician_name, plan.clinician_id)
    return patient
