"""`cli.py sample-pdf` and `cli.py verify`: what an administrator types and sees, and exit codes.

verify: 0 VALID, 1 ALTERED, 2 UNREADABLE, 3 UNTRUSTED; an altered document's report leads with
ALTERED and says nothing of trust.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pdf_helpers import pdf_text
from pyhanko.pdf_utils.reader import PdfFileReader

import cli
from forms.seal import Sealer, load_or_create_sealer
from settings import get_settings


@pytest.fixture
def clinic_seal() -> Sealer:
    """The clinic's own seal, as the app makes it on first start."""
    return load_or_create_sealer(get_settings())


@pytest.fixture
def sample(tmp_path: Path, clinic_seal: Sealer) -> Path:
    out = tmp_path / "sample.pdf"
    assert cli.main(["sample-pdf", "--out", str(out)]) == 0
    return out


def _tampered(sample: Path, tmp_path: Path, pos: int) -> Path:
    data = bytearray(sample.read_bytes())
    data[pos] = ord("1") if data[pos] == ord("0") else data[pos] ^ 0x01
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(bytes(data))
    return bad


def test_sample_says_it_used_the_clinics_seal(
    tmp_path: Path, clinic_seal: Sealer, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "preview" / "sample.pdf"
    assert cli.main(["sample-pdf", "--out", str(out)]) == 0
    said = capsys.readouterr().out
    assert f"to {out.resolve()} (" in said
    assert f"Sealed with the clinic's seal key in {clinic_seal.cert_path.parent}" in said
    assert "demo" not in said and not list(out.parent.glob("*.pem"))
    assert f"Check it with: python cli.py verify {out.resolve()}\n" in said


def test_sample_uses_the_seal_the_clinics_database_keeps(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from services.context import build_context

    ctx = build_context(get_settings())  # the app's first start: the seal goes to the database
    ctx.database.dispose()
    out = tmp_path / "sample.pdf"
    assert cli.main(["sample-pdf", "--out", str(out)]) == 0
    said = capsys.readouterr().out
    assert (
        f"the clinic's seal kept in its database (certificate SHA-256 {ctx.sealer.fingerprint})"
        in said
    )
    assert "demo" not in said and not list(tmp_path.glob("*.pem"))
    assert cli.main(["verify", str(out)]) == 0


def test_sample_without_a_clinic_seal_uses_a_one_off_demo_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir = get_settings().resolved_data_dir
    out = tmp_path / "sample.pdf"
    assert cli.main(["sample-pdf", "--out", str(out)]) == 0
    said = capsys.readouterr().out
    cert = tmp_path / "sample-seal-cert.pem"
    assert "a new self-signed demo seal key made for this sample only" in said
    assert f"no seal key yet in its database or in {data_dir / 'seal'}" in said
    assert str(cert) in said
    assert not (
        data_dir / "seal"
    ).exists()  # the clinic's key is the app's to make, not a preview's
    assert cert.read_bytes().startswith(b"-----BEGIN CERTIFICATE-----")
    assert f"python cli.py verify {out} --trust {cert}" in said

    assert cli.main(["verify", str(out)]) == 3  # nothing trusted here yet
    report = capsys.readouterr().out
    assert report.startswith("UNTRUSTED\n") and "Trusted signer:    no" in report
    assert "(sample only) consent seal" in report  # never taken for the clinic's own
    assert cli.main(["verify", str(out), "--trust", str(cert)]) == 0
    assert not (data_dir / "seal").exists()


def test_sample_then_verify_says_valid(sample: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert cli.main(["verify", str(sample)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "VALID"
    assert "consent seal" in out  # the signer
    assert "Pack version:      1.3.0" in out  # the sample is made on the newest content
    assert "Covers whole file: yes" in out
    assert "Document id:       5a3f0000-" in out
    assert "Signing time:      20" in out and ("EST" in out or "EDT" in out)
    text = pdf_text(sample.read_bytes())
    assert "Zoë O'Brien-Łukasz" in text and "Nguyễn Thị Hương" in text
    # The newest content checks understanding: one question missed twice, cleared by the nurse.
    assert "Check of understanding" in text and text.count("RE-EXPLAIN") == 1
    assert "Explained again and cleared by nurse Nguyễn Thị Hương" in text
    assert text.count("Understood: right the first time.") >= 1


def test_one_changed_byte_says_altered_and_nothing_of_trust(
    sample: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = _tampered(sample, tmp_path, sample.stat().st_size // 2)
    capsys.readouterr()
    assert cli.main(["verify", str(bad)]) == 1
    out = capsys.readouterr().out
    assert out.startswith("ALTERED: the integrity check failed.")
    assert "changed after it was sealed" in out and "Intact:            no" in out
    assert "Document id:       5a3f0000-" in out  # to find the stored original
    assert "Trusted" not in out and "trusted" not in out and "Signer" not in out


def test_a_broken_signature_value_is_altered_not_untrusted(
    sample: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The digest still matches, but the seal's own signature does not: that is tampering."""
    sig = PdfFileReader(io.BytesIO(sample.read_bytes())).embedded_signatures[0]
    _, hole_start, _, _ = (int(v) for v in sig.sig_object["/ByteRange"])
    der = bytes(sig.sig_object["/Contents"])
    used = 4 + int.from_bytes(der[2:4], "big")  # SEQUENCE with a two-byte length
    assert der[1] == 0x82 and used < len(der)
    # A hex digit of the ECDSA value near the end of the CMS structure (after "<").
    bad = _tampered(sample, tmp_path, hole_start + 1 + 2 * (used - 10))
    capsys.readouterr()
    assert cli.main(["verify", str(bad)]) == 1
    out = capsys.readouterr().out
    assert out.startswith("ALTERED") and "Trusted" not in out


def test_another_clinics_certificate_is_untrusted_exit_3(
    sample: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = load_or_create_sealer(get_settings(data_dir=tmp_path / "other"))
    capsys.readouterr()
    assert cli.main(["verify", str(sample), "--trust", str(other.cert_path)]) == 3
    out = capsys.readouterr().out
    assert out.startswith("UNTRUSTED\n") and "Intact:            yes" in out
    assert "Trusted signer:    no" in out and "not trusted here" in out
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
