"""What a page-by-page look at the rendered PDFs found, as tests on what a reader sees.

- Text continuing onto a new page was drawn in the page header's small grey font (the photo
  answer "Yes, I agree to photographs" came out at 7.5 pt, muted, alone at the top of a page).
- The photographs question, its text and the patient's answer belong on one page.
- A verified record without a time-out said nothing about the time-out at all.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pdf_helpers import CLINIC, T0
from pypdf import PdfReader

from forms.pdf import render_consent_pdf
from forms.pdf_layout import MUTED, Layout
from forms.synthetic import synthetic_consent
from language.placeholders import fill
from settings import get_settings


def fragments(pdf: bytes) -> list[tuple[int, str, float, str]]:
    """(page, text, font size, font name) of every piece of text drawn."""
    out: list[tuple[int, str, float, str]] = []
    for number, page in enumerate(PdfReader(io.BytesIO(pdf)).pages, start=1):

        def visit(text, cm, tm, font, size, number=number) -> None:
            if text.strip():
                name = str(font.get("/BaseFont", "")) if font else ""
                out.append((number, text.strip(), float(size), name))

        page.extract_text(visitor_text=visit)
    return out


def test_a_paragraph_continued_on_a_new_page_keeps_its_font() -> None:
    pdf = Layout(dt.datetime(2026, 11, 23, tzinfo=dt.UTC))

    def header() -> None:  # like the consent's page header: small, grey
        pdf.font(7.5, False, MUTED)
        pdf.put(pdf.l_margin, 12, "Clinic header")

    pdf.on_new_page = header
    pdf.new_page()
    words = " ".join(f"word{i}" for i in range(2500))
    pdf.paragraph(words, size=11, bold=True)
    drawn = [f for f in fragments(bytes(pdf.output())) if f[1] != "Clinic header"]
    assert {f[0] for f in drawn} >= {1, 2}, "the paragraph runs over a page break"
    assert {f[2] for f in drawn} == {11.0}
    assert all("Bold" in f[3] for f in drawn)


@pytest.mark.parametrize("declined", [False, True])
def test_the_photo_answer_is_bold_and_on_the_page_of_its_question(
    shipped_pack, declined: bool
) -> None:
    values = get_settings().placeholder_values
    consent, audit = synthetic_consent(
        shipped_pack, values, T0, stage="declined" if declined else "attested"
    )
    pdf = render_consent_pdf(consent, shipped_pack, CLINIC, T0, audit)
    drawn = fragments(pdf)
    title = fill(shipped_pack.photo_consent.title, values)
    [heading_page] = {f[0] for f in drawn if f[1] == title}
    answer = [f for f in drawn if f[1] == "Yes, I agree to photographs"]
    assert answer, "the answer is printed"
    page, _text, size, font = answer[0]
    assert page == heading_page
    assert size == 9.5 and "Bold" in font


def test_a_verified_record_without_a_time_out_says_it_was_not_recorded(pack) -> None:
    consent, audit = synthetic_consent(pack, {}, T0)
    assert consent.nurse_verification is not None
    without = consent.model_copy(update={"timeout": None})
    text = " ".join(f[1] for f in fragments(render_consent_pdf(without, pack, CLINIC, T0, audit)))
    assert "Time-out before the first injection" in text
    assert "Not recorded when this document was made." in text
    done = " ".join(f[1] for f in fragments(render_consent_pdf(consent, pack, CLINIC, T0, audit)))
    assert "Not recorded when this document was made." not in done


def test_a_question_for_the_doctor_is_not_split_over_two_pages(shipped_library) -> None:
    """The Spanish refusal printed '...ten days after the' on one page and 'treatment?' on the
    next, in the header's small grey font."""
    pack = shipped_library.active("sclerotherapy", "es")
    values = get_settings().placeholder_values
    consent, audit = synthetic_consent(pack, values, T0, stage="declined")
    [question] = consent.questions
    drawn = fragments(render_consent_pdf(consent, pack, CLINIC, T0, audit))
    first = next(f for f in drawn if f[1].startswith("Pregunta para el médico"))
    last_word = question.note.split()[-1]
    last = next(f for f in drawn[drawn.index(first) :] if f[1].endswith(last_word))
    assert first[0] == last[0], "the question starts and ends on the same page"
    assert last[2] == 8.5 and "Bold" in last[3]
