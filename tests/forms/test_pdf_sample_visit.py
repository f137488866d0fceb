"""`cli.py sample-pdf --stage STAGE` and `--visit`: a signed-out consent and a course's visit as
an administrator previews them, `cli.py verify` on the sealed visit, and README's row for
sample-pdf naming every option the command has."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pdf_helpers import pdf_text

import cli
from cli_commands.pdf_sample import SAMPLE_STAGES
from forms.seal import Sealer, load_or_create_sealer
from forms.synthetic_visit import FOAM_REASON
from settings import get_settings

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def clinic_seal() -> Sealer:
    return load_or_create_sealer(get_settings())


def test_a_signed_out_sample_prints_its_sign_out_and_course(
    tmp_path: Path, clinic_seal: Sealer, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "signed-out.pdf"
    assert cli.main(["sample-pdf", "--out", str(out), "--stage", "signed_out"]) == 0
    assert "Wrote a sealed sample consent (" in capsys.readouterr().out
    text = pdf_text(out.read_bytes())
    assert "Procedure sign-out" in text and "Agent and strength polidocanol 1%" in text
    assert "Co-signed by Dr. Ñandú Pérez-García (ID 3)" in text
    settings = get_settings()
    assert f"a course of up to {settings.course_sessions} treatment sessions" in text


def test_a_visit_sample_is_sealed_valid_and_names_its_course(
    tmp_path: Path, clinic_seal: Sealer, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "visit.pdf"
    assert cli.main(["sample-pdf", "--out", str(out), "--visit", "--stage", "filed"]) == 0
    said = capsys.readouterr().out
    assert "Wrote a sealed sample visit re-confirmation (session 2) (" in said and "filed)" in said
    text = pdf_text(out.read_bytes())
    assert "Visit re-confirmation Session 2 of your treatment course" in text
    assert "Course consent 5a3f0000-0000-4000-8000-000000000000" in text
    assert "Yes, something has changed" in text
    assert "Key risks you confirmed again at this visit" in text
    assert "Patient signature for session 2" in text
    assert "Nurse pre-procedure verification" in text and "Time-out before" in text
    assert f"Reason: {FOAM_REASON}" in text and "(severity: mild)" in text
    assert cli.main(["verify", str(out)]) == 0
    report = capsys.readouterr().out
    assert report.splitlines()[0] == "VALID"
    assert "Document id:       5a3f0000-0000-4000-8000-000000010000" in report


def test_declined_and_a_stage_are_one_or_the_other(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exc:
        cli.main(["sample-pdf", "--out", str(tmp_path / "x.pdf"), "--declined", "--stage", "filed"])
    assert exc.value.code == 2
    assert "not allowed with argument --declined" in capsys.readouterr().err


def test_readme_names_every_sample_pdf_option() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    row = next(
        line for line in readme.splitlines() if line.startswith("| `python cli.py sample-pdf")
    )
    parser = cli.build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    options = {
        opt
        for action in sub.choices["sample-pdf"]._actions
        for opt in action.option_strings
        if opt.startswith("--") and opt != "--help"
    }
    usage = re.match(r"\| `([^`]*)`", row)[1]  # the command's code span (it holds a "\|")
    assert options == set(re.findall(r"--[a-z]+", usage))
    for stage in SAMPLE_STAGES:
        assert stage in row
