"""Any name or text the fonts can draw comes out of the PDF exactly, and the PDF stays valid."""

from __future__ import annotations

import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pdf_helpers import CLINIC, T0, VALUES, fixture_pack, pdf_text, squash
from pypdf import PdfReader

from forms.pdf import render_consent_pdf
from forms.pdf_fonts import full_codepoints
from forms.record_parts import DoctorQuestion
from forms.seal import load_or_create_sealer, seal_pdf
from forms.seal_check import verify_pdf
from forms.synthetic import synthetic_consent
from settings import get_settings

DRAWABLE = sorted(full_codepoints())
PACK = fixture_pack()

# Letters, marks, digits, punctuation, symbols and spaces DejaVu can draw: Vietnamese, Polish,
# Greek, Cyrillic, Armenian, Georgian, Hebrew letters, (parentheses) and \\ escapes, ✓ and so on.
chars = st.characters(
    codec="utf-8",
    categories=("L", "M", "N", "P", "S", "Zs"),
    exclude_characters="\u00ad",  # a soft hyphen is invisible by definition
).filter(lambda c: ord(c) in full_codepoints())
names = st.text(chars, min_size=1, max_size=80).filter(lambda s: s.strip() and not s[0].isspace())
notes = st.text(chars, min_size=1, max_size=400).filter(lambda s: s.strip())


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=names, note=notes)
def test_any_name_and_note_are_extracted_exactly(name: str, note: str) -> None:
    consent, audit = synthetic_consent(PACK, VALUES, T0, patient_name=name.strip())
    consent.questions.append(DoctorQuestion(section_id="about", asked_at=T0, note=note.strip()))
    pdf = render_consent_pdf(consent, PACK, CLINIC, T0, audit)
    assert len(PdfReader(io.BytesIO(pdf)).pages) >= 3
    text = squash(pdf_text(pdf))
    assert squash(consent.patient.legal_name) in text
    assert squash(consent.questions[-1].note) in text


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=names)
def test_any_name_gives_a_sealed_pdf_that_verifies(name: str) -> None:
    sealer = load_or_create_sealer(get_settings())
    consent, audit = synthetic_consent(PACK, VALUES, T0, patient_name=name.strip())
    sealed = seal_pdf(
        render_consent_pdf(consent, PACK, CLINIC, T0, audit), sealer, reason="r", location="l"
    )
    assert verify_pdf(sealed, [sealer.certificate]).status == "valid"
