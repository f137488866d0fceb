"""The consent as machine-readable FHIR R4 JSON, with the same facts as its PDF.

A ``collection`` Bundle holding: the Patient; the Consent (status, scope, the procedure and site as
a permit or deny provision with the treating clinician as performer, a nested provision for
photographs, the nurse's verification, the pack as policy, and the interpreter answer, witness and
plan as extensions in the PDF's words, forms/fhir_facts.py); a QuestionnaireResponse (every item
acknowledged with its time, screening answers with their flags and reviews, questions for the
doctor with the clinician's answers, the photograph and interpreter answers, nurse checklist and
time-out with who was present and the side, built in forms/fhir_answers.py); the check of
understanding as a second QuestionnaireResponse (each question, every attempt, whether it was
right, who cleared a re-explain flag, as extensions: forms/fhir_understanding.py); and one Provenance
per signature (who, when, meaning, the ASTM E1762 type that matches the words, the drawn image
when there is one). Pure: no I/O, same input gives the same JSON.
"""

from __future__ import annotations

import base64
import json
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
from forms.fhir_facts import record_facts
from forms.fhir_understanding import RESOURCE_N, understanding_response
from forms.meanings import NURSE_VERIFIED_AND_WITNESSED
from forms.record_parts import AuditEntry, Signature, SignerRole
from forms.records import Consent, Status
from language.placeholders import fill

SIGNATURE_TYPE = "urn:iso-astm:E1762-95:2013"
WITNESS_CODE = ("1.2.840.10065.1.12.1.8", "Signature Witness Signature")
SIGNATURE_CODES = {  # ASTM E1762 signature types (FHIR CodeSystem astm-signature-type)
    SignerRole.PATIENT: ("1.2.840.10065.1.12.1.7", "Consent Signature"),
    SignerRole.INTERPRETER: ("1.2.840.10065.1.12.1.12", "Interpreter Signature"),
    SignerRole.NURSE: ("1.2.840.10065.1.12.1.5", "Verification Signature"),
    SignerRole.CLINICIAN: ("1.2.840.10065.1.12.1.6", "Validation Signature"),
    SignerRole.WITNESS: WITNESS_CODE,
}
PERFORMER = {  # HL7 v3 ParticipationType: the treating clinician of the plan
    "system": "http://terminology.hl7.org/CodeSystem/v3-ParticipationType",
    "code": "PRF",
    "display": "performer",
}
STATUS = {
    Status.DRAFT: "draft",
    Status.SUBMITTED: "active",
    Status.VERIFIED: "active",
    Status.ATTESTED: "active",
    Status.FILED: "active",
    Status.DECLINED: "rejected",
    Status.ENTERED_IN_ERROR: "entered-in-error",
}


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
    audit: list[AuditEntry] | None = None,
    pdf_sha256: str | None = None,
) -> dict[str, Any]:
    """The FHIR R4 Bundle (as a dict ready for ``json.dumps``)."""
    cid = str(consent.id)
    patient_ref = {
        "reference": f"urn:uuid:{resource_uuid(cid, 1)}",
        "display": consent.patient.legal_name,
    }
    consent_ref = {"reference": f"urn:uuid:{cid}"}
    resources = [
        (patient_ref["reference"], _patient(consent)),
        (consent_ref["reference"], _consent(consent, pack, clinic, patient_ref, pdf_sha256)),
        (
            f"urn:uuid:{resource_uuid(cid, 2)}",
            questionnaire_response(consent, pack, patient_ref, consent_ref),
        ),
    ]
    understanding = understanding_response(consent, pack, patient_ref, consent_ref)
    if understanding is not None:  # the teach-back answers (issue #15): their own resource
        resources.append((f"urn:uuid:{resource_uuid(cid, RESOURCE_N)}", understanding))
    signatures = [
        consent.patient_signature,
        consent.interpreter.signature if consent.interpreter else None,
        consent.witness.signature if consent.witness else None,
        consent.nurse_verification.signature if consent.nurse_verification else None,
        consent.attestation.signature if consent.attestation else None,
    ]
    for n, sig in enumerate(s for s in signatures if s is not None):
        resources.append(
            (f"urn:uuid:{resource_uuid(cid, 10 + n)}", _provenance(sig, consent_ref, patient_ref))
        )
    bundle = {
        "resourceType": "Bundle",
        "id": cid,
        "identifier": {"system": "urn:ietf:rfc:3986", "value": f"urn:uuid:{cid}"},
        "type": "collection",
        "timestamp": when(consent.updated_at),
        "meta": {
            "tag": [
                {"system": f"{EXT}record-sha256", "code": consent.sha256()},
            ]
        },
        "entry": [{"fullUrl": url, "resource": resource} for url, resource in resources],
    }
    if audit:
        bundle["entry"].append(
            {
                "fullUrl": f"urn:uuid:{resource_uuid(cid, 99)}",
                "resource": _audit_list(audit, consent_ref),
            }
        )
    return _drop_empty(bundle)


def consent_bundle_json(consent: Consent, pack: Pack, clinic: ClinicInfo, **kw: Any) -> str:
    return json.dumps(
        consent_bundle(consent, pack, clinic, **kw), ensure_ascii=False, indent=2, sort_keys=True
    )


def _patient(consent: Consent) -> dict[str, Any]:
    p = consent.patient
    names = [{"use": "official", "text": p.legal_name}]
    if p.preferred_name:
        names.append({"use": "usual", "text": p.preferred_name})
    return {
        "resourceType": "Patient",
        "identifier": [{"type": {"text": "MRN"}, "value": p.mrn}] if p.mrn else [],
        "name": names,
        "birthDate": p.date_of_birth.isoformat(),
    }


def _consent(
    consent: Consent, pack: Pack, clinic: ClinicInfo, patient: dict, pdf_sha256: str | None
) -> dict[str, Any]:
    ref = consent.pack
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
        "id": str(consent.id),
        "identifier": [{"system": "urn:ietf:rfc:3986", "value": f"urn:uuid:{consent.id}"}],
        "status": STATUS[consent.status],
        "scope": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/consentscope",
                    "code": "treatment",
                    "display": "Treatment",
                }
            ]
        },
        "category": [
            {
                "coding": [
                    {"system": "http://loinc.org", "code": "59284-0", "display": "Patient Consent"}
                ]
            }
        ],
        "patient": patient,
        "dateTime": when(signed),
        "performer": [patient],
        "organization": [{"display": clinic.name}],
        "sourceAttachment": {
            "contentType": "application/pdf",
            "language": ref.language,
            "title": f"{'Informed refusal' if declined else 'Consent to treatment'}: {pack.title}",
            "extension": [{"url": f"{EXT}pdf-sha256", "valueString": pdf_sha256}]
            if pdf_sha256
            else [],
        },
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
        ],
    }


def _performer(consent: Consent) -> list[dict[str, Any]]:
    plan = consent.treatment
    if plan is None or plan.clinician_name is None:
        return []
    who = {"display": f"{plan.clinician_name} (ID {plan.clinician_id})"}
    return [{"role": {"coding": [PERFORMER], "text": "Treating clinician"}, "reference": who}]


def _provenance(sig: Signature, consent_ref: dict, patient: dict) -> dict[str, Any]:
    codes = [SIGNATURE_CODES[sig.role]]
    if sig.role is SignerRole.NURSE and sig.meaning == NURSE_VERIFIED_AND_WITNESSED:
        codes.append(WITNESS_CODE)  # an older record: its nurse signature said both
    who = patient if sig.role is SignerRole.PATIENT else {"display": sig.printed_name}
    signature: dict[str, Any] = {
        "type": [{"system": SIGNATURE_TYPE, "code": c, "display": d} for c, d in codes],
        "when": when(sig.signed_at),
        "who": who,
    }
    if sig.png:
        signature["sigFormat"] = "image/png"
        signature["data"] = base64.b64encode(sig.png).decode("ascii")
    return {
        "resourceType": "Provenance",
        "target": [consent_ref],
        "recorded": when(sig.signed_at),
        "agent": [{"type": {"text": sig.role.value}, "who": {"display": sig.printed_name}}],
        "signature": [signature],
        "reason": [{"text": sig.meaning}],
        "extension": [
            {"url": f"{EXT}signature-meaning", "valueString": sig.meaning},
            {"url": f"{EXT}staff-id", "valueInteger": sig.staff_user_id}
            if sig.staff_user_id is not None
            else None,
        ],
    }


def _audit_list(audit: list[AuditEntry], consent_ref: dict) -> dict[str, Any]:
    """The audit trail as a List of entries (time, actor, role, action)."""
    return {
        "resourceType": "List",
        "status": "current",
        "mode": "snapshot",
        "title": f"Audit trail of consent {consent_ref['reference']}",
        "entry": [
            {"date": when(e.at), "item": {"display": f"{e.action} by {e.actor} ({e.role})"}}
            for e in audit
        ],
    }
