"""Risk pictures (issue #15): the icon array's model, its SVG, its words, and the take-home sheet."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from pdf_helpers import CLINIC, VALUES, fixture_pack_raw, pdf_text, pdfa_id, qpdf_check
from pypdf import PdfReader

from checklist.models import Pack, Rate
from errors import DomainError
from forms import risk_picture
from forms.pdf import render_patient_copy
from forms.pdf_layout import ACCENT
from forms.pdf_risks import EMPTY
from language.i18n import t

SVG = "{http://www.w3.org/2000/svg}"
RATES = [(1, 10), (3, 10), (10, 10), (1, 100), (40, 100), (99, 100), (1, 1000), (14, 1000)]


def _figures(svg: str) -> tuple[int, int]:
    """(filled, others): each figure is one absolute "M" in its colour's path."""
    root = ET.fromstring(svg)
    counts = {risk_picture.ACCENT: 0, risk_picture.GREY: 0}
    for path in root.iter(f"{SVG}path"):
        color = path.get("fill") if path.get("fill") != "none" else path.get("stroke")
        counts[color] += len(re.findall(r"M", path.get("d", "")))
    return counts[risk_picture.ACCENT], counts[risk_picture.GREY]


@pytest.mark.parametrize(("affected", "of"), RATES)
def test_the_svg_fills_exactly_the_affected_figures(affected: int, of: int) -> None:
    svg = risk_picture.svg(Rate(affected=affected, of=of), "en")
    assert _figures(svg) == (affected, of - affected)


@pytest.mark.parametrize(
    ("of", "rows", "columns", "people"),
    [(10, 1, 10, True), (100, 10, 10, True), (1000, 25, 40, False)],
)
def test_the_grid_per_denominator(of: int, rows: int, columns: int, people: bool) -> None:
    picture = risk_picture.picture_of(Rate(affected=1, of=of))
    assert (picture.rows, picture.columns, picture.people) == (rows, columns, people)
    cells = list(picture.cells())
    assert len(cells) == rows * columns == of
    assert cells[0] == (0, 0, True) and not any(on for *_, on in cells[1:])  # from the top left


def test_the_svg_is_an_image_with_its_words_as_label_and_title() -> None:
    rate = Rate(affected=40, of=100)
    root = ET.fromstring(risk_picture.svg(rate, "es"))
    words = "A 40 de cada 100 personas les pasa esto. A 60 no."
    assert root.get("role") == "img"
    assert root.get("aria-label") == words
    assert root.find(f"{SVG}title").text == words
    assert root.get("viewBox") == "0 0 100 120"


def test_the_svg_is_the_same_every_time() -> None:
    rate = Rate(affected=14, of=1000)
    assert risk_picture.svg(rate, "en") == risk_picture.svg(Rate(affected=14, of=1000), "en")
    # Dots of 1,000 stay small enough to send with every tap on the risks screen.
    assert len(risk_picture.svg(rate, "en")) < 15_000


@pytest.mark.parametrize(
    ("affected", "of", "english", "spanish"),
    [
        (
            40,
            100,
            "40 out of 100 people get this. 60 do not.",
            "A 40 de cada 100 personas les pasa esto. A 60 no.",
        ),
        (
            1,
            100,
            "1 out of 100 people gets this. 99 do not.",
            "A 1 de cada 100 personas le pasa esto. A 99 no.",
        ),
        (
            14,
            1000,
            "14 out of 1,000 people get this. 986 do not.",
            "A 14 de cada 1000 personas les pasa esto. A 986 no.",
        ),
        (
            3,
            10,
            "3 out of 10 people get this. 7 do not.",
            "A 3 de cada 10 personas les pasa esto. A 7 no.",
        ),
        (10, 10, "10 out of 10 people get this.", "A 10 de cada 10 personas les pasa esto."),
    ],
)
def test_the_words_in_english_and_spanish(
    affected: int, of: int, english: str, spanish: str
) -> None:
    rate = Rate(affected=affected, of=of)
    assert risk_picture.alt_text(rate, "en") == english
    assert risk_picture.alt_text(rate, "es") == spanish


def test_more_affected_than_the_group_is_a_clear_error() -> None:
    with pytest.raises(DomainError, match="cannot be more than 10"):
        risk_picture.svg(Rate(affected=12, of=10), "en")


# --- the take-home sheet ---------------------------------------------------------------------
RATED = {
    "risk_bruise": (40, 100),
    "risk_stain": (20, 100),
    "risk_clot": (3, 1000),
    "risk_ulcer": (1, 10),
}


def _rated_pack(language: str = "en") -> Pack:
    raw = fixture_pack_raw()
    raw["language"] = language
    for section in raw["sections"]:
        for item in section["items"]:
            if item["id"] in RATED:
                affected, of = RATED[item["id"]]
                item["rate"] = {"affected": affected, "of": of}
    return Pack.model_validate(raw)


def _spaced(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split())


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_patient_copy_prints_each_rated_risk_with_its_words(lang: str, tmp_path: Path) -> None:
    pack = _rated_pack(lang)
    sheet = render_patient_copy(pack, CLINIC, VALUES)
    text = _spaced(pdf_text(sheet))
    assert t(lang, "pdf.risk_picture.heading") in text
    for _, item in pack.items():
        if item.rate is not None:
            assert _spaced(risk_picture.alt_text(item.rate, lang)) in text, item.id
            assert _spaced(item.text) in text, item.id
    assert "A severe allergic reaction." not in text  # a risk without a number is not listed
    assert sheet == render_patient_copy(pack, CLINIC, VALUES)
    assert pdfa_id(sheet) == ("2", "B")
    assert qpdf_check(sheet, tmp_path).returncode == 0


def test_the_patient_copy_draws_the_affected_figures_in_the_accent(tmp_path: Path) -> None:
    """Read the drawing back: after each picture's accent colour come its filled figures (one
    moved shape each), after the grey the others."""
    sheet = render_patient_copy(_rated_pack(), CLINIC, VALUES)
    content = b"".join(p.get_contents().get_data() for p in PdfReader(io.BytesIO(sheet)).pages)
    accent = " ".join(f"{c / 255:.3f}" for c in ACCENT) + " rg"
    grey = " ".join(f"{c / 255:.3f}" for c in EMPTY) + " rg"
    pictures = re.findall(
        rf"{accent}\n((?:q 1 0 0 1 [^\n]* f Q\n)*){grey}\n((?:q 1 0 0 1 [^\n]* f Q\n?)*)",
        content.decode("latin-1"),
    )
    counts = [(a.count(" f Q"), b.count(" f Q")) for a, b in pictures]
    # The pack's order: ulcer (1 in 10) comes after bruise and stain, before clot.
    assert counts == [(40, 60), (20, 80), (1, 9), (3, 997)]


def test_a_pack_without_numbers_keeps_a_one_page_sheet() -> None:
    pack = Pack.model_validate(fixture_pack_raw())
    reader = PdfReader(io.BytesIO(render_patient_copy(pack, CLINIC, VALUES)))
    assert len(reader.pages) == 1
    assert t("en", "pdf.risk_picture.heading") not in reader.pages[0].extract_text()


def test_the_shipped_pack_prints_every_rated_risk(shipped_pack: Pack, tmp_path: Path) -> None:
    rated = [i for _, i in shipped_pack.items() if i.rate is not None]
    assert rated, "the active shipped pack (1.3.0 on) has risk numbers"
    sheet = render_patient_copy(shipped_pack, CLINIC, VALUES)
    text = _spaced(pdf_text(sheet))
    for item in rated:
        assert _spaced(risk_picture.alt_text(item.rate, shipped_pack.language)) in text, item.id
    assert pdfa_id(sheet) == ("2", "B")
    assert qpdf_check(sheet, tmp_path).returncode == 0
