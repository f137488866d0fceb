"""Helpers for the PDF and seal tests: a realistic pack of our own, text extraction, rendering."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from checklist.models import Pack
from forms.clinic import ClinicInfo

T0 = dt.datetime(2026, 11, 23, 14, 0, tzinfo=dt.UTC)  # 09:00 EST
CLINIC = ClinicInfo(
    name="Clínica Venosa Ñandú",
    address="100 Example Street, Springfield",
    phone="555-0100",
    timezone="America/New_York",
)
VALUES = {"compression_days": "7", "clinic_phone": "555-0100", "walk_minutes": "15 to 20"}


def _items(prefix: str, texts: list[str], **extra: Any) -> list[dict[str, Any]]:
    return [{"id": f"{prefix}_{i}", "text": text, **extra} for i, text in enumerate(texts)]


def fixture_pack_raw() -> dict[str, Any]:
    """A pack independent of the shipped content, with every section kind and awkward text."""
    return {
        "id": "sclerotherapy",
        "procedure": "Ultrasound-guided sclerotherapy",
        "title": "Consent for vein injections (test pack)",
        "version": "9.8.7",
        "language": "en",
        "effective_date": "2026-10-01",
        "approved_by": "Test approver, MD",
        "sections": [
            {
                "id": "about",
                "kind": "about",
                "title": "About the treatment",
                "intro": "Read each point.",
                "items": _items(
                    "about",
                    [
                        "A doctor injects a medicine into the vein with a very fine needle.",
                        "An ultrasound scan shows the veins under the skin (Ñandú ¿? test).",
                        "Each session takes about 30 to 60 minutes; you go home the same day.",
                        "Brackets (like these) and back\\slashes must print as typed: ✓ done.",
                    ],
                ),
            },
            {
                "id": "benefits",
                "kind": "benefits",
                "title": "What it can do",
                "items": _items(
                    "benefits",
                    [
                        "Veins can fade over weeks to months.",
                        "Aching and heaviness often get better.",
                    ],
                ),
            },
            {
                "id": "alternatives",
                "kind": "alternatives",
                "title": "Other choices",
                "items": _items(
                    "alternatives",
                    [
                        "You can choose no treatment at all.",
                        "Compression stockings can ease symptoms.",
                        "Laser or surgery may suit some veins.",
                    ],
                ),
            },
            {
                "id": "risks",
                "kind": "risks",
                "title": "Risks",
                "items": [
                    {
                        "id": "risk_bruise",
                        "text": "Bruising where the needle went in.",
                        "frequency": "very_common",
                    },
                    {
                        "id": "risk_stain",
                        "text": "Brown streaks along the treated vein that fade slowly.",
                        "frequency": "common",
                        "figure": "about 1 in 5 people",
                    },
                    {
                        "id": "risk_matting",
                        "text": "Fine red veins near the treated area.",
                        "frequency": "common",
                    },
                    {
                        "id": "risk_ulcer",
                        "text": "A small skin sore that heals over weeks.",
                        "frequency": "uncommon",
                    },
                    {
                        "id": "risk_clot",
                        "text": "A blood clot in a deep vein.",
                        "frequency": "rare",
                    },
                    {
                        "id": "risk_allergy",
                        "text": "A severe allergic reaction.",
                        "frequency": "very_rare",
                    },
                    {
                        "id": "risk_stroke",
                        "text": "A stroke-like event after foam.",
                        "frequency": "very_rare",
                    },
                ],
            },
            {
                "id": "preparation",
                "kind": "preparation",
                "title": "Before",
                "items": _items(
                    "prep",
                    [
                        "Bring your compression stockings.",
                        "Do not put lotion on your legs that day.",
                    ],
                ),
            },
            {
                "id": "aftercare",
                "kind": "aftercare",
                "title": "After",
                "items": _items(
                    "after",
                    [
                        "Walk for {walk_minutes} minutes right after the treatment.",
                        "Wear your stockings for {compression_days} days.",
                        "Avoid hot baths for a few days.",
                    ],
                ),
            },
            {
                "id": "warning_signs",
                "kind": "warning_signs",
                "title": "When to get help",
                "items": [
                    {
                        "id": "warn_chest",
                        "text": "Call 911 if you have chest pain.",
                        "urgency": "emergency",
                    },
                    {
                        "id": "warn_calf",
                        "text": "Call {clinic_phone} if your calf swells.",
                        "urgency": "clinic",
                    },
                ],
            },
            {
                "id": "rights",
                "kind": "rights",
                "title": "Your rights",
                "items": _items(
                    "rights",
                    [
                        "You can ask questions at any time.",
                        "You can say no, or stop at any time.",
                        "More than one session may be needed; results are not guaranteed.",
                    ],
                ),
            },
        ],
        "screening": {
            "title": "Health questions",
            "intro": "Answer each question.",
            "questions": [
                {"id": "allergy", "text": "Have you had an allergic reaction to a vein medicine?"},
                {"id": "pregnant", "text": "Are you pregnant, or could you be?"},
                {"id": "clot", "text": "Have you ever had a blood clot?"},
                {"id": "thinner", "text": "Do you take a blood thinner?"},
            ],
            "rules": [
                {
                    "question": "allergy",
                    "flag": "stop",
                    "reason": "Sclerosant allergy - clinician review",
                },
                {"question": "pregnant", "flag": "stop", "reason": "Pregnancy - no treatment"},
                {"question": "clot", "flag": "review", "reason": "Prior VTE - nurse review"},
                {"question": "thinner", "flag": "review", "reason": "Anticoagulant - check plan"},
            ],
        },
        "photo_consent": {
            "id": "photos",
            "title": "Photos (your choice)",
            "text": "We would like to take photos of your legs for your record.",
        },
        "certification": "I have read this form and my questions were answered.",
        "refusal_statement": "I was told about the treatment and I choose not to have it.",
        "nurse_checklist": _items(
            "nc",
            [
                "Identity checked with two identifiers.",
                "Procedure and site confirmed.",
                "Allergies checked.",
                "Duplex map available.",
            ],
        ),
        "timeout": _items(
            "to", ["Correct patient.", "Correct site.", "Everyone agrees to proceed."]
        ),
    }


def fixture_pack() -> Pack:
    return Pack.model_validate(fixture_pack_raw())


def pdf_text(pdf: bytes) -> str:
    """All text of the document, whitespace collapsed to single spaces."""
    reader = PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() or "" for page in reader.pages))


def squash(text: str) -> str:
    """Text with every whitespace removed (line wrapping may split a long word)."""
    return re.sub(r"\s+", "", text)


def qpdf_or_skip() -> str:
    path = shutil.which("qpdf")
    if path is None:
        pytest.skip("qpdf not installed: apt-get install -y qpdf (README: Testing)")
    return path


def qpdf_check(pdf: bytes, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "check.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        [qpdf_or_skip(), "--check", str(path)], capture_output=True, text=True, check=False
    )


PDFAID = "http://www.aiim.org/pdfa/ns/id/"


def pdfa_id(pdf: bytes) -> tuple[str | None, str | None]:
    """(part, conformance) from the XMP packet, as elements (fpdf2) or attributes (pyHanko)."""
    root = PdfReader(io.BytesIO(pdf)).xmp_metadata.rdf_root

    def value(name: str) -> str | None:
        for node in root.getElementsByTagNameNS(PDFAID, name):
            return node.firstChild.data
        for node in root.getElementsByTagNameNS(RDF, "Description"):
            if node.hasAttributeNS(PDFAID, name):
                return node.getAttributeNS(PDFAID, name)
        return None

    return value("part"), value("conformance")


RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


# --- a pack with a check of understanding (teach-back, issue #15) -------------------------------
TEACH_BACK: dict[str, list[dict[str, Any]]] = {
    "en": [
        {
            "id": "chest",
            "topic": "Chest pain or trouble breathing",
            "question": "What do you do if you get chest pain after the treatment?",
            "choices": [
                {"id": "wait", "text": "Wait to see if it goes away"},
                {"id": "call", "text": "Call 911 right away"},
                {"id": "rest", "text": "Lie down and rest"},
            ],
            "answer": "call",
            "explain": "Chest pain can mean a clot in the lungs. Call 911 at once, day or night.",
        },
        {
            "id": "stockings",
            "topic": "Wearing the stockings",
            "question": "How long do you wear the stockings?",
            "choices": [
                {"id": "one_day", "text": "One day"},
                {"id": "days", "text": "{compression_days} days"},
                {"id": "nights", "text": "Only at night"},
            ],
            "answer": "days",
            "explain": "Wear them day and night for {compression_days} days.",
        },
    ],
    "es": [
        {
            "id": "chest",
            "topic": "Dolor de pecho o falta de aire",
            "question": "¿Qué hace si tiene dolor de pecho después del tratamiento?",
            "choices": [
                {"id": "wait", "text": "Espero a ver si se pasa"},
                {"id": "call", "text": "Llamo al 911 enseguida"},
                {"id": "rest", "text": "Me acuesto a descansar"},
            ],
            "answer": "call",
            "explain": "El dolor de pecho puede ser un coágulo en los pulmones. Llame al 911 enseguida.",
        },
        {
            "id": "stockings",
            "topic": "Usar las medias",
            "question": "¿Cuánto tiempo usa las medias?",
            "choices": [
                {"id": "one_day", "text": "Un día"},
                {"id": "days", "text": "{compression_days} días"},
                {"id": "nights", "text": "Solo de noche"},
            ],
            "answer": "days",
            "explain": "Úselas de día y de noche durante {compression_days} días.",
        },
    ],
}


def with_teach_back(pack: Pack) -> Pack:
    """``pack`` with two checks of understanding in its language, each tied to a pack item."""
    from checklist.models import TeachBack

    first = next(item.id for _section, item in pack.items())
    questions = tuple(
        TeachBack.model_validate({**q, "checks": [first]}) for q in TEACH_BACK[pack.language]
    )
    return pack.model_copy(update={"teach_back": questions})
