"""Who the FHIR bundle is about and who keeps it: the Patient, the clinic's Organization, staff
references, and the conditional ``request`` each entry carries (issue #16).

An EHR files a transaction by identifier: each entry is a conditional update
(``PUT Patient?identifier=system|value``), so importing the same consent again updates what the
first import created instead of adding a second patient, clinic or document. The identifiers
are stable: the MRN under the clinic's MRN system, the clinic's own identifier (e.g. its NPI),
and uuid5s derived from the consent id for the rest. Pure: same input, same JSON.
"""

from __future__ import annotations

import uuid
from typing import Any

from forms.clinic import ClinicInfo
from forms.fhir_answers import resource_uuid
from forms.records import Consent

URI = "urn:ietf:rfc:3986"  # the identifier system of a urn:uuid value
STAFF_SYSTEM = "urn:sclerotherapy-consent:staff"  # the app's staff user ids
MR = {  # HL7 v2-0203 identifier type: medical record number
    "coding": [
        {
            "system": "http://terminology.hl7.org/CodeSystem/v2-0203",
            "code": "MR",
            "display": "Medical record number",
        }
    ]
}
PATIENT_N, ORGANIZATION_N = 1, 4  # resource_uuid(consent id, n): the bundle's stable ids


def uuid_identifier(value: str) -> dict[str, str]:
    return {"system": URI, "value": f"urn:uuid:{value}"}


def conditional(resource_type: str, identifier: dict[str, str]) -> dict[str, str]:
    """The entry's request: update the resource with this identifier, or create it."""
    return {
        "method": "PUT",
        "url": f"{resource_type}?identifier={identifier['system']}|{identifier['value']}",
    }


def patient_identifier(consent: Consent, clinic: ClinicInfo) -> dict[str, Any]:
    """The MRN under the clinic's MRN system; without an MRN, one derived from the consent (a
    visit: from its course's consent, so a course files under one patient). The EHR then has a
    patient it can merge: nothing else identifies the person safely."""
    mrn = consent.patient.mrn
    if mrn and clinic.mrn_system:
        return {"use": "usual", "type": MR, "system": clinic.mrn_system, "value": mrn}
    course = consent.visit_of.consent_id if consent.visit_of else consent.id
    return {"use": "secondary", **uuid_identifier(resource_uuid(str(course), PATIENT_N))}


def patient(consent: Consent, clinic: ClinicInfo) -> dict[str, Any]:
    p = consent.patient
    names = [{"use": "official", "text": p.legal_name}]  # as typed: never split or re-cased
    if p.preferred_name:
        names.append({"use": "usual", "text": p.preferred_name})
    return {
        "resourceType": "Patient",
        "identifier": [patient_identifier(consent, clinic)],
        "name": names,
        "birthDate": p.date_of_birth.isoformat(),
    }


def clinic_identifier(clinic: ClinicInfo) -> dict[str, str]:
    if clinic.identifier_system and clinic.identifier:
        return {"system": clinic.identifier_system, "value": clinic.identifier}
    return uuid_identifier(str(uuid.uuid5(uuid.NAMESPACE_URL, f"clinic:{clinic.name}")))


def organization(clinic: ClinicInfo) -> dict[str, Any]:
    return {
        "resourceType": "Organization",
        "identifier": [clinic_identifier(clinic)],
        "active": True,
        "name": clinic.name,
        "telecom": [{"system": "phone", "value": clinic.phone}],
        "address": [{"text": clinic.address}],
    }


def staff_reference(name: str, staff_id: int | str | None) -> dict[str, Any]:
    """A staff member by the app's user id and printed name (the EHR has no Practitioner of
    ours to point at)."""
    ref: dict[str, Any] = {"display": f"{name} (ID {staff_id})" if staff_id is not None else name}
    if staff_id is not None:
        ref["identifier"] = {"system": STAFF_SYSTEM, "value": str(staff_id)}
    return ref
