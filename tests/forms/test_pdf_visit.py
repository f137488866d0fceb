"""The treatment course in the sealed PDF, read back as a person reads it (pypdf text), and the
seal by pyHanko's validator: a course consent's terms beside the signature and what it replaces;
a visit's document (its course consent, the changed answer, re-answered screening, only the
re-confirmed items, the session's signature, nurse checklist, time-out, visit attestation); the
sign-out block with a justified foam volume and an adverse event; typed text as typed."""

from __future__ import annotations

import datetime as dt
import io
import json
import uuid

import pytest
from pdf_helpers import CLINIC, T0, VALUES, fixture_pack_raw, pdf_text, squash
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader

from checklist.models import Pack
from forms.clinic import ClinicInfo
from forms.course import ReconsentReason, Replacement
from forms.fhir import consent_bundle_json
from forms.meanings import SIGN_OUT_COSIGNED, VISIT_STATEMENT
from forms.pdf import render_consent_pdf
from forms.pdf_banner import document_type
from forms.record_course import problem_words
from forms.seal import seal_pdf, seal_reason
from forms.sign_out import AdverseEvent, Observation
from forms.synthetic import synthetic_consent
from forms.synthetic_sign_out import sign_out_entry
from forms.synthetic_visit import (
    ADVERSE_EVENT,
    FOAM_REASON,
    foam_over_max_entry,
    synthetic_visit,
    with_course,
)
from language.dates import format_datetime
from language.i18n import t

RECONFIRMED = ("risk_clot", "risk_allergy", "risk_stroke")
VISIT_AT = T0 + dt.timedelta(days=35)
MADE = VISIT_AT + dt.timedelta(hours=4)


@pytest.fixture
def course_pack() -> Pack:
    """The tests' own pack, with three key risks marked for re-confirmation at each visit."""
    raw = fixture_pack_raw()
    for section in raw["sections"]:
        for item in section["items"]:
            if item["id"] in RECONFIRMED:
                item["reconfirm"] = True
    return Pack.model_validate(raw)


@pytest.fixture
def course(course_pack):
    consent, audit = synthetic_consent(course_pack, VALUES, T0, stage="filed")
    return with_course(consent, tz=CLINIC.tz, months=12, sessions=6), audit


def _visit(course_pack, course, **kwargs):
    return synthetic_visit(course_pack, VALUES, VISIT_AT, course[0], **kwargs)


def _render(pack, consent, audit, clinic: ClinicInfo = CLINIC) -> bytes:
    return render_consent_pdf(consent, pack, clinic, MADE, audit)


def _item_text(pack: Pack, item_id: str) -> str:
    return next(i.text for _s, i in pack.items() if i.id == item_id)


# --- a course's consent -----------------------------------------------------------------------
def test_course_terms_print_beside_the_patients_signature(course_pack, course) -> None:
    consent, audit = course
    text = pdf_text(_render(course_pack, consent, audit))
    terms = (
        "This consent covers a course of up to 6 treatment sessions, this one included, until "
        "November 23, 2027 (2027-11-23)."
    )
    assert "Your course of treatment " + terms in text
    # Between the statement the patient signed and the signature itself.
    assert (
        text.index(course_pack.certification) < text.index(terms) < text.index("Patient signature")
    )
    reader = PdfReader(io.BytesIO(_render(course_pack, consent, audit)))
    pages = [" ".join((p.extract_text() or "").split()) for p in reader.pages]
    assert any(terms in page and "Patient signature" in page for page in pages)


def test_a_re_consent_names_the_consent_it_replaces_and_why(course_pack, course) -> None:
    consent, audit = course
    old = uuid.UUID("0badc0de-0000-4000-8000-00000000beef")
    consent.replaces = Replacement(consent_id=old, reason=ReconsentReason.NEW_MAJOR_VERSION)
    text = pdf_text(_render(course_pack, consent, audit))
    assert f"It replaces consent {old} (the information about the treatment changed)." in text


def test_course_terms_in_the_patients_language(shipped_library) -> None:
    try:
        pack = shipped_library.active("sclerotherapy", "es")
    except KeyError:
        pytest.skip("no Spanish pack on disk")
    consent, audit = synthetic_consent(pack, VALUES, T0, stage="attested")
    with_course(consent, tz=CLINIC.tz, months=12, sessions=4)
    text = pdf_text(render_consent_pdf(consent, pack, CLINIC, MADE, audit))
    assert (
        "Este consentimiento sirve para un tratamiento de hasta 4 sesiones, contando esta, hasta "
        "el 23 de noviembre de 2027 (2027-11-23)."
    ) in text


def test_a_record_without_course_fields_prints_none_of_them(course_pack) -> None:
    consent, audit = synthetic_consent(course_pack, VALUES, T0, stage="attested")
    pdf = _render(course_pack, consent, audit)
    text = pdf_text(pdf)
    for words in ("course of treatment", "Replaces", "Procedure sign-out", "Visit re-confirmation"):
        assert words not in text
    assert pdf == _render(course_pack, consent, audit)  # a pure function: the same bytes
    assert document_type(consent, None) == "consent"


# --- a visit ----------------------------------------------------------------------------------
def test_a_visit_names_its_course_consent_and_shows_what_was_reconfirmed(
    course_pack, course
) -> None:
    first = course[0]
    visit, audit = _visit(course_pack, course, stage="signed_out")
    text = pdf_text(_render(course_pack, visit, audit))
    assert text.startswith(CLINIC.name)
    assert "Visit re-confirmation Session 2 of your treatment course" in text
    # The course's consent: id, when it was signed, its content version.
    signed = first.patient_signature.signed_at
    assert f"Course consent {first.id}" in text
    exact = signed.astimezone(CLINIC.tz).strftime("%Y-%m-%d %H:%M:%S EST")
    in_words = " ".join(format_datetime("en", signed, CLINIC.tz).split())
    assert f"Signed {in_words} ({exact})" in text
    assert "Signed November 23, 2026, 9:" in text
    assert f"Content version {first.pack.version}" in text
    # "Anything changed since your last visit?" and the re-answered question it flagged.
    assert "Since your last visit" in text and "Yes, something has changed" in text
    assert t("en", "patient.changes.question") in text  # the words the tablet asked in
    assert "Have you ever had a blood clot? Yes" in text
    assert "REVIEW Prior VTE - nurse review" in text
    # Only the re-confirmed items, each with its acknowledgement time.
    acks = {a.item_id: a for a in visit.acknowledgements}
    assert set(acks) == set(RECONFIRMED)
    for item_id in RECONFIRMED:
        at = acks[item_id].acknowledged_at.astimezone(CLINIC.tz).strftime("%Y-%m-%d %H:%M:%S")
        assert f"{_item_text(course_pack, item_id)}" in text
        assert f"Acknowledged {at} EST" in text
    for not_asked in ("risk_bruise", "about_0", "after_0"):
        assert _item_text(course_pack, not_asked) not in text
    # The patient's question beside the risk it is about, with the clinician's answer.
    assert "Can I fly to see my family two weeks after this session?" in text
    # The patient's signature for this session.
    assert "Your signature for this session" in text
    assert "Patient signature for session 2 Printed name Zoë O'Brien-Łukasz" in text


def test_a_visit_shows_the_nurse_checklist_timeout_attestation_and_sign_out(
    course_pack, course
) -> None:
    visit, audit = _visit(course_pack, course, stage="filed")
    text = pdf_text(_render(course_pack, visit, audit))
    assert "Nurse pre-procedure verification" in text
    for item in course_pack.nurse_checklist:
        assert item.text in text
    assert "Time-out before the first injection" in text
    for item in course_pack.timeout:
        assert item.text in text
    assert "Clinician attestation for this visit " + VISIT_STATEMENT in text
    assert "Clinician attestation of a course visit" in text  # the signature's meaning
    entry = visit.sign_out.entry
    for shown in (
        "Procedure sign-out",
        "Agent and strength polidocanol 1%",
        "Liquid or foam Foam, made with room air, liquid to gas 1:4",
        f"Volume injected Left leg {entry.volume_left_ml:g} mL · Total {entry.total_ml:g} mL",
        f"Lot PD-24117, expires {entry.lot_expiry.isoformat()}",
        "Veins or areas treated Great saphenous vein tributaries, medial thigh and calf",
        "Compression Class 2 stockings, to wear for 7 days",
        "Observation 15 minutes after the last injection",
        "Vision: nothing observed",
        "Skin: nothing observed",
        "Adverse events None",
        "Aftercare explained Yes",
        f"Next visit {entry.next_visit_on.isoformat()}",
        "Entered by Nguyễn Thị Hương (nurse, ID 7) at",
        "Co-signed by Dr. Ñandú Pérez-García (ID 3) at",
        "Clinician signature (sign-out)",
        SIGN_OUT_COSIGNED,
        "Filed in the chart by Ólafur Þórsson (ID 5)",
    ):
        assert shown in text, shown
    assert document_type(visit, None) == "visit"


def test_a_justified_foam_volume_prints_its_reason_and_the_adverse_event(
    course_pack, course
) -> None:
    entry = foam_over_max_entry(course[0].site, VISIT_AT.date())
    visit, audit = _visit(
        course_pack,
        course,
        stage="signed_out",
        sign_out=entry,
        justifications={"foam_over_max": FOAM_REASON},
    )
    assert visit.sign_out.problems_at_signing == ["foam_over_max"]
    text = pdf_text(_render(course_pack, visit, audit))
    assert "Total 12 mL" in text
    assert "Found at signing, with the clinician's reason" in text
    problem = problem_words("foam_over_max")
    assert f"{problem[0].upper()}{problem[1:]} Reason: {FOAM_REASON}" in text
    assert (
        f"Adverse events {ADVERSE_EVENT.what} (severity: mild). Action: {ADVERSE_EVENT.action}"
    ) in text


def test_an_unsigned_sign_out_says_it_waits_for_the_clinician(course_pack, course) -> None:
    visit, audit = _visit(course_pack, course, stage="attested")
    entry = sign_out_entry(visit.site, VISIT_AT.date())
    visit.enter_sign_out(entry, by_id=7, by_name="Nguyễn Thị Hương", role="nurse", now=MADE)
    text = pdf_text(_render(course_pack, visit, audit))
    assert "Entered by Nguyễn Thị Hương (nurse, ID 7)" in text
    assert "Not yet signed by a clinician." in text


def test_a_visit_past_its_timeout_without_a_sign_out_says_so(course_pack, course) -> None:
    visit, audit = _visit(course_pack, course, stage="attested")
    text = pdf_text(_render(course_pack, visit, audit))
    assert "Procedure sign-out Not signed out when this document was made." in text


def test_staff_sections_of_a_visit_are_in_the_clinics_language(course_pack, course) -> None:
    visit, audit = _visit(course_pack, course, stage="signed_out")
    spanish_clinic = CLINIC.model_copy(update={"language": "es"})
    text = pdf_text(_render(course_pack, visit, audit, spanish_clinic))
    assert "Cierre del procedimiento" in text and "Medicina y concentración polidocanol 1%" in text
    assert "Declaración del médico para esta visita" in text
    assert "Session 2 of your treatment course" in text  # the patient read English


def test_long_and_odd_typed_text_wraps_and_prints_as_typed(course_pack, course) -> None:
    areas = (
        "Vena safena mayor — tributarias (muslo medial) Ἀθηνᾶ Ёжик Łódź "
        + "supercalifragilisticexpialidocious" * 4
        + " ✓ (brackets) back\\slash"
    )
    note = "Tâche brune à la cheville — ‹observée› ½ cm; «sin cambios» " * 3
    event = AdverseEvent(
        what="Vasovagal reaction — «mareo» ½ minute", severity="moderate", action=note.strip()
    )
    entry = sign_out_entry(course[0].site, VISIT_AT.date()).model_copy(
        update={
            "areas": areas,
            "observations": [
                Observation(area="vision", finding="none"),
                Observation(area="chest", finding="none"),
                Observation(area="neurological", finding="none"),
                Observation(area="skin", finding="observed", note=note.strip()),
            ],
            "no_adverse_events": False,
            "adverse_events": [event],
        }
    )
    visit, audit = _visit(course_pack, course, stage="signed_out", sign_out=entry)
    pdf = _render(course_pack, visit, audit)
    flat = squash(pdf_text(pdf))
    assert squash(areas) in flat
    assert squash(f"Skin: observed: {note.strip()}") in flat
    assert squash(f"{event.what} (severity: moderate). Action: {event.action}") in flat
    assert "\ufffd" not in pdf_text(pdf)  # no replacement marks: every character drawn


def test_a_sealed_visit_validates_with_pyhanko(course_pack, course, sealer) -> None:
    visit, audit = _visit(course_pack, course, stage="filed")
    pdf = render_consent_pdf(visit, course_pack, CLINIC, MADE, audit, seal_note=sealer.describe())
    sealed = seal_pdf(pdf, sealer, reason=seal_reason(CLINIC.name), location=CLINIC.address)
    sig = PdfFileReader(io.BytesIO(sealed)).embedded_signatures[0]
    status = validate_pdf_signature(sig, ValidationContext(trust_roots=[sealer.certificate]))
    assert status.intact and status.valid and status.trusted
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    reader = PdfReader(io.BytesIO(sealed))
    assert reader.metadata.title.startswith("Visit re-confirmation: ")
    assert f"consent-document-id:{visit.id}" in reader.metadata["/Keywords"]


def test_a_refusal_at_a_visit_is_named_so(course_pack, course) -> None:
    visit, audit = _visit(course_pack, course, stage="declined")
    assert document_type(visit, None) == "visit-refusal"
    text = pdf_text(_render(course_pack, visit, audit))
    assert "Informed refusal Session 2 of your treatment course" in text
    assert course_pack.refusal_statement in text


def test_fhir_export_of_a_visit_and_its_sign_out_does_not_fail(course_pack, course) -> None:
    visit, audit = _visit(course_pack, course, stage="filed")
    bundle = json.loads(consent_bundle_json(visit, course_pack, CLINIC, audit=audit))
    kinds = {e["resource"]["resourceType"] for e in bundle["entry"]}
    assert {"Patient", "Consent", "QuestionnaireResponse", "Provenance"} <= kinds
    declined, audit = _visit(course_pack, course, stage="declined")
    assert consent_bundle_json(declined, course_pack, CLINIC, audit=audit)
