"""A self-signed seal is allowed, but every `verify` of an intact document says so plainly."""

from __future__ import annotations

from pathlib import Path

import pytest

import cli
from forms.seal import load_or_create_sealer
from forms.seal_check import verify_pdf
from settings import get_settings

SAID = "The seal's certificate is self-signed (made by this clinic's server, not issued by a "


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    load_or_create_sealer(get_settings())  # the clinic's own, generated: self-signed
    out = tmp_path / "sample.pdf"
    assert cli.main(["sample-pdf", "--out", str(out)]) == 0
    return out


def test_valid_says_the_seal_is_self_signed(sample: Path, capsys) -> None:
    capsys.readouterr()
    assert cli.main(["verify", str(sample)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "VALID"
    assert "  Self-signed seal:  yes" in out
    assert SAID in out


def test_untrusted_says_it_too(sample: Path, tmp_path: Path, capsys) -> None:
    other = load_or_create_sealer(get_settings(data_dir=tmp_path / "other"))
    capsys.readouterr()
    assert cli.main(["verify", str(sample), "--trust", str(other.cert_path)]) == 3
    out = capsys.readouterr().out
    assert out.startswith("UNTRUSTED\n") and SAID in out


def test_the_report_carries_it(sample: Path) -> None:
    sealer = load_or_create_sealer(get_settings())
    report = verify_pdf(sample.read_bytes(), [sealer.certificate])
    assert report.valid and report.self_signed
    assert report.seal_note is not None and report.seal_note.startswith(SAID)
