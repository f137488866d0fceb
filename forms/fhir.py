"""The consent as a FHIR R4 transaction Bundle an EHR can file, with the same facts as its PDF.

The Bundle holds: the Patient (MRN under the clinic's MRN system) and the clinic's Organization
(forms/fhir_parties.py); one DocumentReference per sealed PDF of the consent, the PDF itself as
its attachment (forms/fhir_documents.py); the Consent (status as forms/fhir_status.py maps it,
scope treatment, category LOINC 59284-0, the procedure and site as a permit or deny provision,
a nested provision for photographs, the nurse's verification, the pack as policy, its source the
document of record, and the interpreter answer, witness and plan as extensions in the PDF's
words, forms/fhir_facts.py); a QuestionnaireResponse (every item acknowledged with its time,
screening answers with their flags and reviews, questions for the doctor, the photograph and
interpreter answers, nurse checklist, time-out and attestation: forms/fhir_answers.py); the check
of understanding as a second one (forms/fhir_understanding.py); one Provenance per signature
(forms/fhir_signatures.py); and, when
given, the audit trail as a List.

Every entry is a conditional update on its identifier (``PUT Type?identifier=system|value``;
Provenance, which has none, ``PUT Provenance/<id>``), and every id and identifier is derived
from the consent's: exporting or sending the same consent again updates what the EHR filed
before instead of adding to it. Pure: no I/O, same input gives the same JSON.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from checklist.models import Pack
from checklist.sites import site_label
from forms.clinic import ClinicInfo
from forms.fhir_answers import (
    EXT,
    PACK_SYSTEM,
    questionnaire_response,
    resource_uuid,
    when,
)
from forms.fhir_documents import LOINC_CONSENT, FhirDocument, document_references
from forms.fhir_facts import record_facts
from forms.fhir_parties import (
    ORGANIZATION_N,
    PATIENT_N,
    clinic_identifier,
    conditional,
    organization,
    patient,
    patient_identifier,
    uuid_identifier,
)
from forms.fhir_signatures import provenance
from forms.fhir_status import consent_status
from forms.fhir_understanding import understanding_response
from forms.record_parts import AuditEntry
from forms.records import Consent, Status
from language.placeholders import fill

PERFORMER = {  # HL7 v3 ParticipationType: the treating clinician of the plan
    "system": "http://terminology.hl7.org/CodeSystem/v3-ParticipationType",
    "code": "PRF",
    "display": "performer",
}
AUDIT_N = 99  # resource_uuid(consent id, n) of the audit List


def _drop_empty(value: Any) -> Any:
    """FHIR forbids empty strings, lists and objects: leave such elements out."""
    if isinstance(value, dict):
        cleaned = {k: _drop_empty(v) for k, v in value.items()}
        return {k: v for k, v in cleaned.items() if v not in (None, "", [], {})}
    if isinstance(value, list):
        cleaned_list = [_drop_empty(v) for v in value]
        return [v for v in cleaned_list if v not in (None, "", [], {})]
    return value


def consent_bundle(
    consent: Consent,
    pack: Pack,
    clinic: ClinicInfo,
    *,
    documents: Sequence[FhirDocument] = (),
    of_record: int | None = None,
    audit: list[AuditEntry] | None = None,
) -> dict[str, Any]:
    """The FHIR R4 transaction Bundle (a dict ready for ``json.dumps``). ``documents``: every
    sealed PDF of the consent, checked; ``of_record``: the id of the document of record."""
    cid = str(consent.id)
    refs = {
        "patient": {
            "reference": f"urn:uuid:{resource_uuid(cid, PATIENT_N)}",
            "display": consent.patient.legal_name,
        },
        "organization": {
            "reference": f"urn:uuid:{resource_uuid(cid, ORGANIZATION_N)}",
            "display": clinic.name,
        },
        "consent": {"reference": f"urn:uuid:{cid}"},
    }
    papers = document_references(consent, pack, list(documents), of_record, refs)
    source = next(
        (url for url, r in papers if r["status"] in ("current", "entered-in-error")), None
    )
    patient_ref, consent_ref = refs["patient"], refs["consent"]
    entries: list[tuple[str, dict[str, Any], dict[str, str]]] = [
        (
            patient_ref["reference"],
            patient(consent, clinic),
            conditional("Patient", patient_identifier(consent, clinic)),
        ),
        (
            refs["organization"]["reference"],
            organization(clinic),
            conditional("Organization", clinic_identifier(clinic)),
        ),
        *(
            (url, paper, conditional("DocumentReference", paper["identifier"][0]))
            for url, paper in papers
        ),
        (
            consent_ref["reference"],
            _consent(consent, pack, clinic, refs, source),
            conditional("Consent", uuid_identifier(cid)),
        ),
    ]
    answers = [questionnaire_response(consent, pack, patient_ref, consent_ref)]
    understanding = understanding_response(consent, pack, patient_ref, consent_ref)
    if understanding is not None:  # the teach-back answers (issue #15): their own resource
        answers.append(understanding)
    for qr in answers:
        url = qr["identifier"]["value"]
        entries.append((url, qr, conditional("QuestionnaireResponse", qr["identifier"])))
    signatures = [
        consent.patient_signature,
        consent.interpreter.signature if consent.interpreter else None,
        consent.witness.signature if consent.witness else None,
        consent.nurse_verification.signature if consent.nurse_verification else None,
        consent.attestation.signature if consent.attestation else None,
    ]
    for n, sig in enumerate(s for s in signatures if s is not None):
        pid = resource_uuid(cid, 10 + n)
        entries.append(
            (
                f"urn:uuid:{pid}",
                {"id": pid, **provenance(sig, consent_ref, patient_ref)},
                {"method": "PUT", "url": f"Provenance/{pid}"},
            )
        )
    if audit:
        lid = resource_uuid(cid, AUDIT_N)
        entries.append(
            (
                f"urn:uuid:{lid}",
                _audit_list(audit, consent_ref, uuid_identifier(lid)),
                conditional("List", uuid_identifier(lid)),
            )
        )
    bundle = {
        "resourceType": "Bundle",
        "id": cid,
        "identifier": {"system": "urn:ietf:rfc:3986", "value": f"urn:uuid:{cid}"},
        "type": "transaction",
        "timestamp": when(consent.updated_at),
        "meta": {
            "tag": [
                {"system": f"{EXT}record-sha256", "code": consent.sha256()},
            ]
        },
        "entry": [
            {"fullUrl": url, "resource": resource, "request": request}
            for url, resource, request in entries
        ],
    }
    return _drop_empty(bundle)


def consent_bundle_json(consent: Consent, pack: Pack, clinic: ClinicInfo, **kw: Any) -> str:
    return json.dumps(
        consent_bundle(consent, pack, clinic, **kw), ensure_ascii=False, indent=2, sort_keys=True
    )


def _consent(
    consent: Consent, pack: Pack, clinic: ClinicInfo, refs: dict[str, Any], source: str | None
) -> dict[str, Any]:
    ref, patient = consent.pack, refs["patient"]
    signed = consent.patient_signature.signed_at if consent.patient_signature else None
    declined = consent.decision == "decline"
    photos: dict[str, Any] | None = None
    if consent.photo_consent is not None:
        photos = {
            "type": "permit" if consent.photo_consent else "deny",
            "code": [{"text": fill(pack.photo_consent.title, ref.placeholder_values)}],
        }
    verification = []
    if consent.nurse_verification:
        v = consent.nurse_verification
        verification.append(
            {
                "verified": True,
                "verifiedWith": patient,
                "verificationDate": when(v.verified_at),
                "extension": [
                    {"url": f"{EXT}verified-by", "valueString": f"{v.nurse_name} (ID {v.nurse_id})"}
                ],
            }
        )
    return {
        "resourceType": "Consent",
        "identifier": [uuid_identifier(str(consent.id))],
        "status": consent_status(consent),
        "scope": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/consentscope",
                    "code": "treatment",
                    "display": "Treatment",
                }
            ]
        },
        "category": [{"coding": [LOINC_CONSENT]}],
        "patient": patient,
        "dateTime": when(signed),
        "performer": [patient],
        "organization": [refs["organization"]],
        "sourceReference": {"reference": source} if source else None,
        "policy": [
            {"uri": f"{PACK_SYSTEM}:{ref.pack_id}:{ref.version}:{ref.language}#{ref.fingerprint}"}
        ],
        "verification": verification,
        "provision": {
            "type": "deny" if declined else "permit",
            "action": [{"text": consent.procedure}],
            "code": [{"text": f"{consent.procedure}: {site_label(consent.site, clinic.language)}"}],
            "actor": _performer(consent),
            "provision": [photos] if photos else [],
        },
        "extension": [
            {"url": f"{EXT}pack-version", "valueString": ref.version},
            {"url": f"{EXT}pack-language", "valueCode": ref.language},
            {"url": f"{EXT}signature-meaning", "valueString": consent.patient_signature.meaning}
            if consent.patient_signature
            else None,
            *record_facts(consent, clinic),
            *_standing(consent),
        ],
    }


def _standing(consent: Consent) -> list[dict[str, Any]]:
    """Why the record is entered in error or held, and the course consent a visit belongs to:
    FHIR R4's Consent has no status reason of its own."""
    out: list[dict[str, Any]] = []
    if consent.status is Status.ENTERED_IN_ERROR:
        reason = consent.error_reason or "No reason was recorded."
        out.append({"url": f"{EXT}entered-in-error-reason", "valueString": reason})
    if consent.on_hold:
        out.append({"url": f"{EXT}on-hold-reason", "valueString": consent.on_hold})
    if consent.visit_of is not None:
        course = uuid_identifier(str(consent.visit_of.consent_id))
        out.append({"url": f"{EXT}visit-of", "valueIdentifier": course})
    return out


def _performer(consent: Consent) -> list[dict[str, Any]]:
    plan = consent.treatment
    if plan is None or plan.clinician_name is None:
        return []
    who = {"display": f"{plan.clinician_name} (ID {plan.clinician_id})"}
    return [{"role": {"coding": [PERFORMER], "text": "Treating clinician"}, "reference": who}]


def _audit_list(audit: list[AuditEntry], consent_ref: dict, identifier: dict) -> dict[str, Any]:
    """The audit trail as a List of entries (time, actor, role, action)."""
    return {
        "resourceType": "List",
        "identifier": [identifier],
        "status": "current",
        "mode": "snapshot",
        "title": f"Audit trail of consent {consent_ref['reference']}",
        "entry": [
            {"date": when(e.at), "item": {"display": f"{e.action} by {e.actor} ({e.role})"}}
            for e in audit
        ],
    }
