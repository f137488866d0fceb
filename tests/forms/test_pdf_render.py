"""The consent PDF shows what a person reads: every item, the names, times, signatures, evidence."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
import xml.dom.minidom
from pathlib import Path

import pytest
from pdf_helpers import CLINIC, T0, VALUES, pdf_text, qpdf_check
from PIL import Image
from pypdf import PdfReader

from checklist.models import Pack
from errors import DomainError
from forms.pdf import render_consent_pdf, render_patient_copy, when
from forms.record_parts import AuditEntry, DoctorQuestion
from forms.records import Consent
from forms.synthetic import SAMPLE_CLINICIAN, SAMPLE_NURSE, SAMPLE_PATIENT, synthetic_consent
from language.placeholders import fill

PDFAID = "http://www.aiim.org/pdfa/ns/id/"


def render(consent: Consent, pack: Pack, audit: list[AuditEntry], **kw: object) -> bytes:
    return render_consent_pdf(consent, pack, CLINIC, T0, audit, **kw)


def test_every_item_text_is_shown_exactly_as_the_patient_saw_it(pack, worked) -> None:
    consent, audit = worked
    text = pdf_text(render(consent, pack, audit))
    for _section, item in pack.items():
        shown = fill(item.text, VALUES)
        assert " ".join(shown.split()) in text, item.id
    assert "Walk for 15 to 20 minutes" in text  # placeholders filled from the record
    assert "{" not in text
    assert "Brackets (like these) and back\\slashes must print as typed: ✓ done." in text
    for section in pack.sections:
        assert section.title in text


def test_header_facts_names_and_marks(pack, worked) -> None:
    consent, audit = worked
    consent.questions.append(
        DoctorQuestion(
            section_id="risks", asked_at=T0 + dt.timedelta(minutes=3), note="Ñandú ¿? bruising"
        )
    )
    text = pdf_text(render(consent, pack, audit))
    for expected in (
        SAMPLE_PATIENT,  # Zoë O'Brien-Łukasz
        SAMPLE_NURSE[0],  # Nguyễn Thị Hương
        SAMPLE_CLINICIAN[0],
        "Ñandú ¿? bruising",
        "✓",
        "1984-03-07",
        consent.patient.mrn,
        consent.site,
        "Ultrasound-guided sclerotherapy",
        "Version 9.8.7",
        "English (en)",
        pack.fingerprint,
        "Clínica Venosa Ñandú",
    ):
        assert expected in text, expected


def test_acknowledgement_times_carry_the_clinic_zone(pack, worked) -> None:
    consent, audit = worked
    text = pdf_text(render(consent, pack, audit))
    first = consent.acknowledgements[0].acknowledged_at
    assert when(first, CLINIC.tz) == "2026-11-23 09:00:07 EST"
    assert "Acknowledged 2026-11-23 09:00:07 EST" in text
    assert "Question for the doctor" in text  # item 5 was flagged by the patient


def test_each_signature_shows_name_time_and_meaning(pack, worked) -> None:
    consent, audit = worked
    text = pdf_text(render(consent, pack, audit))
    signatures = [
        consent.patient_signature,
        consent.interpreter.signature,
        consent.nurse_verification.signature,
        consent.attestation.signature,
    ]
    for sig in signatures:
        assert sig.printed_name in text
        assert when(sig.signed_at, CLINIC.tz) in text
        assert sig.meaning in text
    assert "Patient consent to treatment" in text
    assert "Verified by nurse" in text
    assert "Clinician attestation" in text


def test_screening_flags_reviews_checklist_timeout_and_photos(pack, worked) -> None:
    consent, audit = worked
    text = pdf_text(render(consent, pack, audit))
    assert "REVIEW Prior VTE - nurse review" in text
    assert f"Cleared by clinician {SAMPLE_CLINICIAN[0]}" in text
    for item in pack.nurse_checklist:
        assert item.text in text
    for item in pack.timeout:
        assert item.text in text
    assert "Performed at" in text
    assert "Yes, I agree to photographs" in text
    assert "Very common: 1 or more in 10 people" in text  # the tablet's words for the band
    assert "about 1 in 5 people" in text


def test_footer_on_every_page(pack, worked) -> None:
    consent, audit = worked
    reader = PdfReader(io.BytesIO(render(consent, pack, audit)))
    total = len(reader.pages)
    assert total >= 3
    for number, page in enumerate(reader.pages, start=1):
        text = " ".join(page.extract_text().split())
        assert f"Page {number} of {total}" in text
        assert SAMPLE_PATIENT in text and "DOB 1984-03-07" in text
        assert str(consent.id) in text and "9.8.7" in text


def test_evidence_page_lists_audit_record_hash_and_seal_note(pack, worked) -> None:
    consent, audit = worked
    reader = PdfReader(
        io.BytesIO(render(consent, pack, audit, seal_note="Sealed by Test CA, serial 42."))
    )
    last = " ".join(reader.pages[-1].extract_text().split())
    assert "Evidence" in last
    assert str(consent.id) in last
    assert consent.sha256() in last
    assert "Sealed by Test CA, serial 42." in last
    for entry in audit:
        assert entry.action in last
        assert when(entry.at, CLINIC.tz) in last


def test_same_input_gives_the_same_bytes(pack, worked) -> None:
    consent, audit = worked
    first = render(consent, pack, audit)
    other, other_audit = synthetic_consent(
        pack, VALUES, T0, patient_name="Արամ Ωmega Ölçer", seed=4
    )
    render(other, pack, other_audit)  # a different document in between (rare characters too)
    assert render(consent, pack, audit) == first


def test_xmp_has_pdfa_2b_markers_and_our_identifiers(pack, worked) -> None:
    consent, audit = worked
    reader = PdfReader(io.BytesIO(render(consent, pack, audit)))
    root = reader.xmp_metadata.rdf_root
    assert isinstance(root, xml.dom.minidom.Element)
    part = root.getElementsByTagNameNS(PDFAID, "part")[0].firstChild.data
    conformance = root.getElementsByTagNameNS(PDFAID, "conformance")[0].firstChild.data
    assert (part, conformance) == ("2", "B")
    assert f"consent-document-id:{consent.id}" in reader.xmp_metadata.pdf_keywords
    assert "pack-version:9.8.7" in reader.xmp_metadata.pdf_keywords
    # The DocInfo dictionary (viewers show its Title) says what the XMP says, as PDF/A-2 asks.
    assert reader.metadata.title == reader.xmp_metadata.dc_title["x-default"]
    assert reader.metadata.title == f"Consent to treatment: {pack.title}"


def test_qpdf_finds_no_errors(pack, worked, tmp_path: Path) -> None:
    consent, audit = worked
    result = qpdf_check(render(consent, pack, audit), tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_page_one_is_not_blank(pack, worked, tmp_path: Path) -> None:
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm not installed: apt-get install -y poppler-utils (README: Testing)")
    consent, audit = worked
    path = tmp_path / "c.pdf"
    path.write_bytes(render(consent, pack, audit))
    subprocess.run(
        ["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(path), str(tmp_path / "p")],
        check=True,
    )
    image = Image.open(next(tmp_path.glob("p*.png"))).convert("L")
    dark = sum(image.histogram()[:200])
    assert dark > image.width * image.height * 0.02  # text and rules cover well over 2%


def test_the_drawn_signature_is_vector_ink_in_the_box(pack, worked) -> None:
    consent, audit = worked
    reader = PdfReader(io.BytesIO(render(consent, pack, audit)))
    streams = b"".join(page.get_contents().get_data() for page in reader.pages)
    # One stroked path per stroke of the two drawn signatures (patient, interpreter), in
    # signature ink; the witness, nurse and clinician sign by re-entering their password, as
    # the app records.
    assert streams.count(b"0.08 0.12 0.35 RG") == 2
    assert streams.count(b"\nS\n") >= 2 * len(consent.patient_signature.strokes)
    assert pdf_text(render(consent, pack, audit)).count("Signed electronically") == 3


def test_informed_refusal(pack) -> None:
    consent, audit = synthetic_consent(pack, VALUES, T0, stage="declined")
    text = pdf_text(render(consent, pack, audit))
    assert "Informed refusal" in text
    assert pack.refusal_statement in text
    assert "Patient informed refusal" in text  # the refusal's signature meaning
    assert SAMPLE_PATIENT in text and when(consent.patient_signature.signed_at, CLINIC.tz) in text
    assert "Nurse pre-procedure verification" not in text
    assert "consent.declined" in text
    for _section, item in pack.items():
        assert " ".join(fill(item.text, VALUES).split()) in text


def test_missing_acknowledgement_and_signature_are_visible(pack, worked) -> None:
    consent, audit = worked
    consent.acknowledgements = consent.acknowledgements[1:]
    consent.patient_signature = None
    text = pdf_text(render(consent, pack, audit))
    assert "Not acknowledged" in text
    assert "Not signed by the patient." in text


def test_a_pack_other_than_the_one_signed_is_refused(pack, worked) -> None:
    consent, audit = worked
    other = pack.model_copy(update={"title": "Edited wording"})
    with pytest.raises(DomainError, match="exact pack the patient saw"):
        render(consent, other, audit)


def test_shipped_pack_renders_completely(shipped_pack, tmp_path: Path) -> None:
    from settings import get_settings

    values = get_settings().placeholder_values
    consent, audit = synthetic_consent(shipped_pack, values, T0)
    pdf = render(consent, shipped_pack, audit)
    text = pdf_text(pdf)
    for _section, item in shipped_pack.items():
        assert " ".join(fill(item.text, values).split()) in text, item.id
    assert "STOP" in text and "Not sure" in text  # the sample answers flag two hard stops
    assert qpdf_check(pdf, tmp_path).returncode == 0


def test_spanish_labels_come_from_the_catalog(shipped_library) -> None:
    from settings import get_settings

    try:
        pack = shipped_library.active("sclerotherapy", "es")
    except KeyError:
        pytest.skip("no Spanish pack on disk yet")
    values = get_settings().placeholder_values
    consent, audit = synthetic_consent(pack, values, T0)
    text = pdf_text(render(consent, pack, audit))
    assert "Español (es)" in text
    assert "Confirmado 2026-11-23" in text
    assert "Firma del paciente" in text
    # The title in the patient's words, then the English name for staff.
    assert text.index("Consentimiento para el tratamiento") < text.index("Consent to treatment")
    # The patient's part is in Spanish: labels, procedure, site and the interpreter's block.
    for spanish in (
        "Paciente y procedimiento",
        "Nombre legal",
        "Fecha de nacimiento",
        "Procedimiento",
        pack.procedure,  # Escleroterapia guiada por ecografía
        "Pierna / zona",
        "no registrado" if consent.patient.mrn is None else "N.º de la clínica (MRN)",
    ):
        assert spanish in text, spanish
    english_labels = ("Legal name", "Limb / site", "Name or ID", "Patient and procedure")
    for english in english_labels:
        assert english not in text, english
    # A recorded site code reads as the patient saw it, the clinic's English beside it.
    consent.site = "left_leg"
    assert "Pierna izquierda (Left leg)" in pdf_text(render(consent, pack, audit))
    # Staff sections stay in English.
    assert "Nurse pre-procedure verification" in text
    assert consent.interpreter is not None, "the sample should show the interpreter block"
    assert "Intérprete" in text and "Nombre o número de identificación" in text
    assert "Por video" in text and "By video" not in text  # the mode in words, not a code
    assert "Firma del intérprete" in text and "Interpreter signature" not in text
    # An English PDF of the same record keeps the English labels.
    en_pack = shipped_library.active("sclerotherapy", "en")
    en_consent, en_audit = synthetic_consent(en_pack, values, T0)
    en_text = pdf_text(render(en_consent, en_pack, en_audit))
    for english in (*english_labels, "Interpreter signature", "By video"):
        assert english in en_text, english
    assert "Nombre legal" not in en_text


def test_patient_copy_has_aftercare_and_warning_signs(pack) -> None:
    text = pdf_text(render_patient_copy(pack, CLINIC, VALUES))
    assert "Wear your stockings for 7 days." in text
    assert "Call 911 if you have chest pain." in text
    assert "Call 555-0100 if your calf swells." in text
    assert "Bruising" not in text  # risks are not part of the take-home sheet


def _png_signature() -> bytes:
    image = Image.new("RGBA", (300, 100), (0, 0, 0, 0))
    for x in range(20, 280):
        image.putpixel((x, 50 + (x % 30) - 15), (10, 20, 90, 255))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def test_a_png_only_signature_and_odd_points_still_render(pack, worked, tmp_path: Path) -> None:
    from forms.record_parts import Point, Stroke

    consent, audit = worked
    consent.patient_signature = consent.patient_signature.model_copy(
        update={"strokes": [], "png": _png_signature()}
    )
    bad = Stroke(points=[Point(x=float("nan"), y=1.0, t=0), Point(x=5.0, y=float("inf"), t=1)])
    nurse_sig = consent.nurse_verification.signature
    consent.nurse_verification.signature = nurse_sig.model_copy(
        update={"strokes": [*nurse_sig.strokes, bad]}
    )
    pdf = render(consent, pack, audit)
    reader = PdfReader(io.BytesIO(pdf))
    assert any(page.images for page in reader.pages)  # the PNG is embedded
    assert qpdf_check(pdf, tmp_path).returncode == 0
    assert b"nan" not in b"".join(p.get_contents().get_data() for p in reader.pages)


def test_characters_no_font_has_are_marked_not_dropped(pack) -> None:
    consent, audit = synthetic_consent(pack, VALUES, T0, patient_name="李小龍 Lee")
    text = pdf_text(render(consent, pack, audit))
    assert "\ufffd\ufffd\ufffd Lee" in text


def test_patient_copy_is_pdfa_and_deterministic(pack, tmp_path: Path) -> None:
    from pdf_helpers import pdfa_id

    sheet = render_patient_copy(pack, CLINIC, VALUES)
    assert sheet == render_patient_copy(pack, CLINIC, VALUES)
    assert pdfa_id(sheet) == ("2", "B")
    assert qpdf_check(sheet, tmp_path).returncode == 0


def _spaced(text: str) -> str:
    """pypdf's text with line wraps and no-break spaces read as plain spaces."""
    return " ".join(text.replace("\u00a0", " ").split())


@pytest.mark.parametrize(
    ("lang", "born", "signed"),
    [
        ("en", "Date of birth March 7, 1984 (1984-03-07)", "November 23, 2026, {h}:{m} AM EST"),
        (
            "es",
            "Fecha de nacimiento 7 de marzo de 1984 (1984-03-07)",
            "23 de noviembre de 2026, {h}:{m} EST",
        ),
    ],
)
def test_birth_date_and_signing_time_read_in_the_patients_language(
    shipped_library, lang: str, born: str, signed: str
) -> None:
    from settings import get_settings

    pack = shipped_library.active("sclerotherapy", lang)
    consent, audit = synthetic_consent(pack, get_settings().placeholder_values, T0)
    text = _spaced(pdf_text(render(consent, pack, audit)))
    assert consent.patient.date_of_birth == dt.date(1984, 3, 7)
    assert born in text  # label and date both in the patient's language
    local = consent.patient_signature.signed_at.astimezone(CLINIC.tz)
    exact = when(consent.patient_signature.signed_at, CLINIC.tz)
    assert f"{signed.format(h=local.hour, m=f'{local.minute:02d}')} ({exact})" in text
    assert exact in text  # the exact time to the second is kept for auditors
