"""`cli.py sample-pdf` prints what the app records: the clinician attestation, the nurse's and
the interpreter's meanings in a sample are word for word those of a demo-data final PDF (made
through the same services as a real consent), in English and in Spanish."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pdf_helpers import pdf_text

import cli
from forms.records import Status
from services.context import build_context
from services.documents import document_of_record
from settings import get_settings

ROOT = Path(__file__).resolve().parents[2]
OLD_SAMPLE_WORDS = ("Interpreted for the patient", "reviewed the screening answers")


def _demo_final(tmp_path: Path, lang: str) -> tuple[list[str], str]:
    """(the recorded meanings and statement, the PDF text) of an attested demo consent."""
    data = tmp_path / f"demo-{lang}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONSENT_")}
    env |= {"CONSENT_DATA_DIR": str(data), "CONSENT_CLINIC_LANGUAGE": lang}
    done = subprocess.run(
        [sys.executable, "cli.py", "demo-data", "--count", "5", "--seed", "3"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    ctx = build_context(get_settings(data_dir=data, clinic_language=lang))
    try:
        with ctx.database.uow() as uow:
            [c] = [c for c in uow.consents.search(limit=50) if c.status is Status.ATTESTED]
            pdf = document_of_record(ctx, uow, c.id).pdf
    finally:
        ctx.database.dispose()
    assert c.interpreter is not None and c.interpreter.signature is not None
    assert c.nurse_verification is not None and c.attestation is not None
    recorded = [
        c.attestation.statement,
        c.attestation.signature.meaning,
        c.nurse_verification.signature.meaning,
        c.interpreter.signature.meaning,
    ]
    return recorded, pdf_text(pdf)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_sample_pdf_meanings_are_those_of_a_demo_final_pdf(tmp_path: Path, lang: str) -> None:
    recorded, demo_text = _demo_final(tmp_path, lang)
    out = tmp_path / "sample.pdf"
    assert cli.main(["sample-pdf", "--out", str(out), "--lang", lang]) == 0
    sample_text = pdf_text(out.read_bytes())
    for words in recorded:
        words = " ".join(words.split())
        assert words in demo_text, words
        assert words in sample_text, words
    for old in OLD_SAMPLE_WORDS:
        assert old not in sample_text, old
