"""Two languages in one document: the patient's for what the patient read and signed, the clinic's
(CONSENT_CLINIC_LANGUAGE -> ClinicInfo.language) for the staff sections and the evidence page.
What was recorded (meanings, the attestation statement) prints as recorded."""

from __future__ import annotations

import pytest
from pdf_helpers import CLINIC, T0, pdf_text

from forms.pdf import render_consent_pdf
from forms.records import Consent
from forms.synthetic import synthetic_consent
from language.i18n import t
from settings import get_settings

STAFF_HEADINGS = {
    "es": (
        "Verificación de enfermería antes del procedimiento",
        "Pausa de seguridad antes de la primera inyección",
        "Certificación del médico",
        "Certificado por",
        "Archivo",
        "Firma de enfermería",
        "Firma del médico",
        "ID del personal",
        "Autorizado por el médico",
        "Información mostrada al paciente",
        "Evidencia",
        "Registro de auditoría",
        "Zona horaria de la clínica",
        "Actor (función)",
    ),
    "en": (
        "Nurse pre-procedure verification",
        "Time-out before the first injection",
        "Attested by",  # not the heading: the recorded meaning is "Clinician attestation"
        "Filing",
        "Nurse signature",
        "Clinician signature",
        "Staff ID",
        "Cleared by clinician",
        "Information shown to the patient",
        "Evidence",
        "Audit trail",
        "Clinic time zone",
        "Actor (role)",
    ),
}


def _text(consent: Consent, pack, audit, clinic_lang: str) -> str:
    clinic = CLINIC.model_copy(update={"language": clinic_lang})
    return pdf_text(render_consent_pdf(consent, pack, clinic, T0, audit))


@pytest.mark.parametrize(("clinic_lang", "other"), [("es", "en"), ("en", "es")])
def test_staff_sections_are_in_the_clinics_language(pack, clinic_lang: str, other: str) -> None:
    consent, audit = synthetic_consent(pack, {}, T0, stage="filed")
    text = _text(consent, pack, audit, clinic_lang)
    for heading in STAFF_HEADINGS[clinic_lang]:
        assert heading in text, heading
    for heading in STAFF_HEADINGS[other]:
        if heading not in STAFF_HEADINGS[clinic_lang]:  # "Evidencia" / "Evidence" differ
            assert heading not in text, heading
    # The patient's part stays in the patient's language (this pack is English).
    assert t("en", "pdf.patient.heading") in text and t("en", "pdf.patient_signature") in text
    # What was recorded is the record: the same words whatever the clinic's language.
    assert consent.attestation is not None and consent.nurse_verification is not None
    assert " ".join(consent.attestation.statement.split()) in text
    assert consent.nurse_verification.signature.meaning in text


def test_a_spanish_patient_at_a_spanish_clinic_reads_spanish_throughout(shipped_library) -> None:
    pack = shipped_library.active("sclerotherapy", "es")
    consent, audit = synthetic_consent(pack, get_settings().placeholder_values, T0)
    text = _text(consent, pack, audit, "es")
    assert "Paciente y procedimiento" in text and "Firma del paciente" in text
    assert "Verificación de enfermería antes del procedimiento" in text
    assert "Consent to treatment" not in text  # the document's name once, in Spanish
    assert "Nurse pre-procedure verification" not in text and "Page 1 of" not in text
    assert "Página 1 de" in text
