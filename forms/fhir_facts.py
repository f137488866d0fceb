"""What the consent PDF says beside the signatures, as extensions of the FHIR Consent, in the
same words (the clinic's language): whether an interpreter helped (either way, with when the
patient answered), whether a staff member witnessed the patient's signature, the treatment plan.
Pure: same input, same JSON.
"""

from __future__ import annotations

from typing import Any

from forms.clinic import ClinicInfo
from forms.fhir_answers import EXT, when
from forms.meanings import NURSE_VERIFIED_AND_WITNESSED
from forms.pdf_document import when as words_when
from forms.records import Consent
from language.i18n import t

AGENT_SYSTEM = "urn:sclerotherapy-consent:sclerosant"


def record_facts(consent: Consent, clinic: ClinicInfo) -> list[dict[str, Any] | None]:
    """The Consent's extensions for what the PDF says beside the signatures, in the same words
    (the clinic's language): the interpreter answer, the witness, the treatment plan."""
    lang, tz = clinic.language, clinic.tz
    facts: list[dict[str, Any] | None] = []
    i = consent.interpreter_answer
    if i is not None:
        key = "pdf.interpreter.used" if i.used else "pdf.interpreter.none_used"
        facts += [
            {"url": f"{EXT}interpreter-used", "valueBoolean": i.used},
            {"url": f"{EXT}interpreter-answered-at", "valueDateTime": when(i.answered_at)},
            {
                "url": f"{EXT}interpreter",
                "valueString": t(lang, key, time=words_when(i.answered_at, tz)),
            },
        ]
    w = consent.witness
    if w is not None:
        said = t(
            lang,
            f"pdf.staff.witness.{w.where}",
            name=w.by_name,
            id=w.by_id,
            time=words_when(w.at, tz),
        )
        facts += [
            {"url": f"{EXT}signature-witnessed", "valueBoolean": True},
            {"url": f"{EXT}signature-witness", "valueString": said},
        ]
    elif consent.patient_signature is not None and not _older_witnessed(consent):
        facts += [
            {"url": f"{EXT}signature-witnessed", "valueBoolean": False},
            {"url": f"{EXT}signature-witness", "valueString": t(lang, "pdf.staff.witness.none")},
        ]
    plan = consent.treatment
    if plan is not None:
        facts += [
            {"url": f"{EXT}sclerosant", "valueString": plan.sclerosant(lang)},
            {
                "url": f"{EXT}sclerosant-agent",
                "valueCoding": {"system": AGENT_SYSTEM, "code": plan.agent},
            }
            if plan.agent
            else None,
            {"url": f"{EXT}sclerosant-strength", "valueString": plan.strength},
            {"url": f"{EXT}sclerosant-form", "valueCode": plan.form},
            {"url": f"{EXT}appointment-date", "valueDate": plan.appointment_on.isoformat()}
            if plan.appointment_on
            else None,
        ]
    return facts


def _older_witnessed(consent: Consent) -> bool:
    nv = consent.nurse_verification
    return nv is not None and nv.signature.meaning == NURSE_VERIFIED_AND_WITNESSED
