"""Each signature on the consent as a FHIR Provenance: who signed, when, the meaning in the
record's words, and the ASTM E1762 signature type that matches those words; the drawn image
when there is one. Pure: same input, same JSON."""

from __future__ import annotations

import base64
from typing import Any

from forms.fhir_answers import EXT, when
from forms.meanings import NURSE_VERIFIED_AND_WITNESSED
from forms.record_parts import Signature, SignerRole

SIGNATURE_TYPE = "urn:iso-astm:E1762-95:2013"
WITNESS_CODE = ("1.2.840.10065.1.12.1.8", "Signature Witness Signature")
SIGNATURE_CODES = {  # ASTM E1762 signature types (FHIR CodeSystem astm-signature-type)
    SignerRole.PATIENT: ("1.2.840.10065.1.12.1.7", "Consent Signature"),
    SignerRole.INTERPRETER: ("1.2.840.10065.1.12.1.12", "Interpreter Signature"),
    SignerRole.NURSE: ("1.2.840.10065.1.12.1.5", "Verification Signature"),
    SignerRole.CLINICIAN: ("1.2.840.10065.1.12.1.6", "Validation Signature"),
    SignerRole.WITNESS: WITNESS_CODE,
}


def provenance(sig: Signature, consent_ref: dict, patient: dict) -> dict[str, Any]:
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
