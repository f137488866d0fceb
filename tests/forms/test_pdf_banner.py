"""A consent whose standing changed (entered in error, on hold, hold released) prints a band on
every page saying what, why, who and when; the footer names the document's type, the pack's
language and the signing time; the DocInfo title says what the file is; clinic values read as
words. Read back as a person reads them: pypdf text, the rendered page's pixels."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from pathlib import Path

import pytest
from pdf_helpers import CLINIC, T0, VALUES, pdf_text, qpdf_check, squash
from pypdf import PdfReader

from forms.pdf import render_consent_pdf, when
from forms.pdf_banner import Standing, banner_of, document_type
from forms.pdf_layout import STOP_RED
from forms.record_parts import AuditEntry
from forms.synthetic import synthetic_consent

LATER = T0 + dt.timedelta(hours=3)
CLINICIAN = "Dr Ana Lee (#3)"
REASON = "Wrong patient: started on the tablet for another patient with the same name"


def _event(action: str, at: dt.datetime = LATER) -> AuditEntry:
    return AuditEntry(at=at, actor=CLINICIAN, role="clinician", action=action)


@pytest.fixture
def verified(pack):
    """A consent signed and verified by the nurse (several pages), with its audit entries."""
    return synthetic_consent(pack, VALUES, T0, stage="verified")


def _pages(pdf: bytes) -> list[str]:
    return [" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages]


def _entered_in_error(consent, audit, reason: str = REASON):
    consent.enter_in_error(reason, LATER)
    return consent, [*audit, _event("consent.entered_in_error")]


def test_entered_in_error_band_on_every_page_with_reason_who_and_when(pack, verified) -> None:
    consent, audit = _entered_in_error(*verified)
    pages = _pages(render_consent_pdf(consent, pack, CLINIC, LATER, audit))
    assert len(pages) >= 3
    band = (
        f"ENTERED IN ERROR — do not use this consent: {REASON} — {CLINICIAN}, "
        f"{when(LATER, CLINIC.tz)}"
    )
    for text in pages:
        assert band in text
    # Page 1 says it once (the band), not again in a box of its own.
    assert pages[0].count("ENTERED IN ERROR") == 1
    assert "Record status: entered in error" in pages[0]


def test_on_hold_band_and_a_long_reason_in_full_on_page_one(pack, verified) -> None:
    consent, audit = verified
    reason = "Waiting for the duplex scan report. " * 12
    consent.hold(reason.strip(), LATER)
    audit = [*audit, _event("consent.held")]
    pages = _pages(render_consent_pdf(consent, pack, CLINIC, LATER, audit))
    assert squash(reason.strip()) in squash(pages[0])
    assert "ON HOLD — do not proceed until a clinician releases it" in pages[0]
    for text in pages[1:]:
        assert "ON HOLD — do not proceed" in text and "full text on page 1" in text
        assert text.count("Waiting for the duplex scan report") < 12


def test_release_is_shown_on_the_document_it_issued_not_on_later_ones(pack, verified) -> None:
    consent, audit = verified
    consent.hold("Waiting for the scan", LATER)
    audit = [*audit, _event("consent.held"), _event("document.issued")]
    consent.release(LATER + dt.timedelta(minutes=5))
    audit = [*audit, _event("consent.released", LATER + dt.timedelta(minutes=5))]
    banner = banner_of(consent, audit)
    assert banner is not None and banner.standing is Standing.RELEASED
    pages = _pages(render_consent_pdf(consent, pack, CLINIC, LATER, audit))
    released = (
        f"HOLD RELEASED — the hold on this consent was released by {CLINICIAN}, "
        f"{when(LATER + dt.timedelta(minutes=5), CLINIC.tz)}"
    )
    assert all(released in text for text in pages)
    later = [*audit, _event("document.issued"), _event("consent.opened")]
    assert banner_of(consent, later) is None
    assert "HOLD RELEASED" not in pdf_text(render_consent_pdf(consent, pack, CLINIC, LATER, later))


def test_a_consent_in_good_standing_has_no_band(pack, verified) -> None:
    consent, audit = verified
    assert banner_of(consent, audit) is None
    text = pdf_text(render_consent_pdf(consent, pack, CLINIC, LATER, audit))
    assert "ENTERED IN ERROR" not in text and "ON HOLD" not in text and "RELEASED" not in text


def test_document_type_codes(pack, verified) -> None:
    consent, audit = verified
    assert document_type(consent, None) == "consent"
    consent, audit = _entered_in_error(consent, audit)
    assert document_type(consent, banner_of(consent, audit)) == "consent-entered-in-error"
    refusal, refusal_audit = synthetic_consent(pack, VALUES, T0, stage="declined")
    refusal.enter_in_error("Duplicate", LATER)
    events = [*refusal_audit, _event("consent.entered_in_error")]
    assert document_type(refusal, banner_of(refusal, events)) == "refusal-entered-in-error"


def test_band_in_the_clinics_language(pack, verified) -> None:
    consent, audit = _entered_in_error(*verified)
    clinic = CLINIC.model_copy(update={"language": "es"})
    pages = _pages(render_consent_pdf(consent, pack, clinic, LATER, audit))
    for text in pages:
        assert f"REGISTRADO POR ERROR — no use este consentimiento: {REASON}" in text
        assert "Idioma del paquete" in text


def test_same_bannered_record_gives_the_same_bytes(pack, verified) -> None:
    consent, audit = _entered_in_error(*verified)
    first = render_consent_pdf(consent, pack, CLINIC, LATER, audit)
    assert render_consent_pdf(consent, pack, CLINIC, LATER, audit) == first


def test_bannered_document_passes_qpdf(pack, verified, tmp_path: Path) -> None:
    consent, audit = _entered_in_error(*verified)
    result = qpdf_check(render_consent_pdf(consent, pack, CLINIC, LATER, audit), tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_band_is_red_at_the_top_of_every_page(pack, verified, tmp_path: Path) -> None:
    """What a reader sees: a band of the stop red right under the header, on each page."""
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm not installed (poppler-utils)")
    from PIL import Image

    consent, audit = _entered_in_error(*verified)
    path = tmp_path / "voided.pdf"
    path.write_bytes(render_consent_pdf(consent, pack, CLINIC, LATER, audit))
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(path), str(tmp_path / "p")], check=True)
    pngs = sorted(tmp_path.glob("p-*.png"))
    assert len(pngs) >= 3
    for png in pngs:
        image = Image.open(png).convert("RGB")
        w = image.size[0]
        # 60 dpi: the band starts 21.5 mm down (51 px); look in the strip 23-26 mm.
        strip = [image.getpixel((x, y)) for x in range(w // 4, 3 * w // 4, 4) for y in (56, 60)]
        red = sum(
            1 for px in strip if max(abs(a - b) for a, b in zip(px, STOP_RED, strict=True)) < 40
        )
        assert red > len(strip) * 0.5, png.name


def test_footer_names_type_pack_language_and_signing_time(pack, verified) -> None:
    consent, audit = _entered_in_error(*verified)
    pages = _pages(render_consent_pdf(consent, pack, CLINIC, LATER, audit))
    signed = when(consent.patient_signature.signed_at, CLINIC.tz)
    for n, text in enumerate(pages, start=1):
        assert "Consent to treatment (entered in error)" in text
        assert "Pack language English (en)" in text
        assert f"Patient signed {signed}" in text
        assert f"Page {n} of {len(pages)}" in text


def test_docinfo_title_subject_author_match_the_xmp(pack, verified) -> None:
    consent, audit = _entered_in_error(*verified)
    reader = PdfReader(io.BytesIO(render_consent_pdf(consent, pack, CLINIC, LATER, audit)))
    info = reader.metadata
    assert info.title == f"Consent to treatment (entered in error): {pack.title}"
    assert reader.xmp_metadata.dc_title["x-default"] == info.title
    assert info.author == CLINIC.name and reader.xmp_metadata.dc_creator == [CLINIC.name]
    assert info.subject == reader.xmp_metadata.dc_description["x-default"]
    assert info.creator == reader.xmp_metadata.xmp_creator_tool
    assert info.get("/Keywords") == reader.xmp_metadata.pdf_keywords
    assert info.producer is None  # the XMP's alone: the seal rewrites it


def test_sealed_docinfo_still_matches_the_xmp(pack, verified, sealer) -> None:
    from forms.seal import seal_pdf

    consent, audit = _entered_in_error(*verified)
    pdf = render_consent_pdf(consent, pack, CLINIC, LATER, audit)
    reader = PdfReader(io.BytesIO(seal_pdf(pdf, sealer, reason="test", location="here")))
    info, xmp = reader.metadata, reader.xmp_metadata
    assert info.title == xmp.dc_title["x-default"] and info.author == xmp.dc_creator[0]
    assert info.producer == xmp.pdf_producer  # the seal names itself in both
    assert consent.patient.legal_name not in (info.title + info.subject)  # no name in metadata


def test_clinic_values_read_as_words(pack, verified) -> None:
    consent, audit = verified
    text = pdf_text(render_consent_pdf(consent, pack, CLINIC, LATER, audit))
    assert "Compression stockings: 7 days" in text
    assert "Walk right after treatment: 15 to 20 minutes" in text
    assert "Clinic phone: 555-0100" in text  # a value without words of its own: by name
    assert "compression_days" not in text and " = " not in text
