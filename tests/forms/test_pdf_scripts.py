"""Every name the app accepts prints correctly: Latin with accents, Greek, Cyrillic, Hebrew and
Arabic (shaped, right to left); a script the fonts cannot print is refused at entry and by
`sample-pdf --name`, never printed as boxes; emoji in a note print as one visible mark each while
the record keeps the exact text."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from pdf_helpers import CLINIC, T0, VALUES, fixture_pack, pdf_text
from pypdf import PdfReader

import cli
from checklist import identity
from checklist.printable import RANGES, printable_codepoints, unprintable
from forms.pdf import render_consent_pdf
from forms.pdf_fonts import full_codepoints
from forms.pdf_scripts import coverage_ranges, needs_shaping, visible
from forms.record_parts import DoctorQuestion
from forms.synthetic import synthetic_consent
from language.i18n import t

PACK = fixture_pack()
ACCEPTED = ["محمد علي", "Nguyễn Thị Hương", "Zoë O'Brien-Łukasz", "דוד כהן", "Νίκος Παπαδόπουλος"]
REFUSED = ["李小龍"]


def test_the_tablets_coverage_data_is_the_fonts_own() -> None:
    """checklist.printable (what the tablet accepts) == what the shipped faces can draw."""
    assert printable_codepoints() == full_codepoints(), (
        "forms/fonts changed: regenerate checklist/printable.py RANGES from coverage_ranges()"
    )
    assert " ".join(RANGES.split()) == coverage_ranges()


def _lines(pdf: Path) -> list[str]:
    return [line for page in PdfReader(pdf).pages for line in page.extract_text().splitlines()]


@pytest.mark.parametrize("name", ACCEPTED)
def test_sample_pdf_prints_the_name_exactly(name: str, tmp_path: Path, capsys) -> None:
    out = tmp_path / "sample.pdf"
    assert cli.main(["sample-pdf", "--out", str(out), "--name", name]) == 0
    lines = _lines(out)
    # The patient line of page 1 holds the name alone: it extracts in reading order, exactly.
    assert f"Legal name {name}" in lines
    assert sum(name in line for line in lines) >= 3  # also the signature and every footer
    assert "\ufffd" not in "\n".join(lines)


@pytest.mark.parametrize("name", REFUSED)
def test_sample_pdf_refuses_a_name_it_cannot_print_with_the_tablets_words(
    name: str, tmp_path: Path, capsys
) -> None:
    out = tmp_path / "sample.pdf"
    assert cli.main(["sample-pdf", "--out", str(out), "--name", name]) == 2
    said = capsys.readouterr().out
    assert said.strip() == "Cannot use that name: " + t("en", "patient.details.name_script")
    assert not out.exists()
    problems = identity.patient_detail_problems(
        name, T0.date().replace(year=1980), None, T0.date(), require_mrn=False, mrn_pattern=".*"
    )
    assert problems == ["patient.details.name_script"]  # the tablet's check, same rule
    assert unprintable(name) == list(name)


def test_arabic_and_hebrew_are_drawn_shaped_right_to_left(tmp_path: Path) -> None:
    assert needs_shaping("محمد علي") and needs_shaping("דוד כהן")
    assert not needs_shaping("Zoë O'Brien-Łukasz Νίκος Дмитрий")
    consent, audit = synthetic_consent(PACK, VALUES, T0, patient_name="محمد علي")
    pdf = render_consent_pdf(consent, PACK, CLINIC, T0, audit)
    assert render_consent_pdf(consent, PACK, CLINIC, T0, audit) == pdf  # still deterministic
    # Shaped by HarfBuzz with the font's joined forms, glyphs in display order; each glyph maps
    # back to its letters, so the name extracts in reading order (checked by eye on the PNG).
    assert "Legal name محمد علي" in pdf_text(pdf)
    if shutil.which("pdftoppm"):
        subprocess.run(
            ["pdftoppm", "-r", "80", "-png", "-f", "1", "-l", "1", "-", str(tmp_path / "p")],
            input=pdf,
            check=True,
        )
        [png] = tmp_path.glob("p-*.png")
        assert png.stat().st_size > 10_000  # a reviewer can open it


def test_emoji_in_a_note_print_one_visible_mark_each_and_the_record_keeps_them() -> None:
    # 😟 is in DejaVu and prints; a thumb with a skin tone, a family joined by ZWJs and a CJK
    # character are not: one replacement mark per cluster, never a box and never dropped.
    note = "Will it hurt? 😟👍🏽 👨‍👩‍👧 and 李"
    assert ord("😟") in full_codepoints() and ord("👍") not in full_codepoints()
    assert visible(note) == "Will it hurt? 😟\ufffd \ufffd and \ufffd"
    consent, audit = synthetic_consent(PACK, VALUES, T0)
    consent.questions.append(DoctorQuestion(section_id="about", asked_at=T0, note=note))
    text = pdf_text(render_consent_pdf(consent, PACK, CLINIC, T0, audit))
    assert "Will it hurt? 😟\ufffd \ufffd and \ufffd" in text
    assert consent.questions[-1].note == note  # the record keeps the exact text
