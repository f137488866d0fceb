"""`cli.py sample-pdf` and `cli.py verify`: what an administrator types and sees, and exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest
from pdf_helpers import pdf_text

import cli
from forms.seal import load_or_create_sealer
from settings import get_settings


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    out = tmp_path / "sample.pdf"
    assert cli.main(["sample-pdf", "--out", str(out)]) == 0
    return out


def test_sample_then_verify_says_valid(sample: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert cli.main(["verify", str(sample)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "VALID"
    assert "consent seal" in out  # the signer
    assert "Pack version:      1.0.0" in out
    assert "Covers whole file: yes" in out
    assert "Document id:       5a3f0000-" in out
    assert "Signing time:      20" in out and ("EST" in out or "EDT" in out)
    text = pdf_text(sample.read_bytes())
    assert "Zoë O'Brien-Łukasz" in text and "Nguyễn Thị Hương" in text


def test_one_changed_byte_says_invalid(
    sample: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = bytearray(sample.read_bytes())
    data[len(data) // 2] ^= 0x20
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(bytes(data))
    capsys.readouterr()
    assert cli.main(["verify", str(bad)]) == 1
    assert capsys.readouterr().out.startswith("INVALID")


def test_another_clinics_certificate_is_not_trusted(
    sample: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = load_or_create_sealer(get_settings(data_dir=tmp_path / "other"))
    assert cli.main(["verify", str(sample), "--trust", str(other.cert_path)]) == 1
    own = load_or_create_sealer(get_settings())
    assert cli.main(["verify", str(sample), "--trust", str(own.cert_path)]) == 0


def test_unreadable_files_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = tmp_path / "notes.pdf"
    text.write_bytes(b"just some text")
    assert cli.main(["verify", str(text)]) == 2
    assert cli.main(["verify", str(tmp_path / "missing.pdf")]) == 2
    out = capsys.readouterr().out
    assert "UNREADABLE" in out and "Traceback" not in out


def test_a_bad_trust_file_is_a_clear_message(
    sample: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    junk = tmp_path / "cert.pem"
    junk.write_text("not a certificate")
    capsys.readouterr()
    assert cli.main(["verify", str(sample), "--trust", str(junk)]) == 2
    assert "cannot be read" in capsys.readouterr().out


def test_sample_refusal_and_unknown_language(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "refusal.pdf"
    assert cli.main(["sample-pdf", "--out", str(out), "--declined"]) == 0
    assert "Informed refusal" in pdf_text(out.read_bytes())
    assert cli.main(["sample-pdf", "--out", str(tmp_path / "x.pdf"), "--lang", "zz"]) == 2
    assert "Languages available" in capsys.readouterr().out
