"""The seal: PAdES over the whole file, trusted key, and any change to the file is caught."""

from __future__ import annotations

import datetime as dt
import io
import random
import stat
import zlib
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from pdf_helpers import CLINIC, T0, VALUES, pdf_text, pdfa_id, qpdf_check
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, StreamObject

from forms.pdf import render_consent_pdf, render_patient_copy
from forms.seal import SealError, load_or_create_sealer, seal_pdf, seal_reason
from forms.seal_check import verify_pdf
from forms.synthetic import synthetic_consent
from settings import get_settings

INK = b"0.08 0.12 0.35 RG"


def sealed_consent(pack, consent, audit, sealer) -> bytes:
    pdf = render_consent_pdf(consent, pack, CLINIC, T0, audit, seal_note=sealer.describe())
    return seal_pdf(pdf, sealer, reason=seal_reason(CLINIC.name), location=CLINIC.address)


@pytest.fixture
def sealed(pack, worked, sealer) -> bytes:
    consent, audit = worked
    return sealed_consent(pack, consent, audit, sealer)


def test_pyhanko_validator_says_valid_and_whole_file(sealed: bytes, sealer) -> None:
    sig = PdfFileReader(io.BytesIO(sealed)).embedded_signatures[0]
    status = validate_pdf_signature(sig, ValidationContext(trust_roots=[sealer.certificate]))
    assert status.intact and status.valid and status.trusted
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert sig.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"  # PAdES
    attrs = {a["type"].native for a in sig.signer_info["signed_attrs"]}
    assert "signing_certificate_v2" in attrs and "signing_time" not in attrs  # B-B baseline
    assert sig.sig_object["/Reason"] == f"Consent record sealed by {CLINIC.name}"
    assert sig.sig_object["/Location"] == CLINIC.address
    assert sealer.certificate.public_key.algorithm == "ec"
    assert sealer.certificate.public_key.curve[1] == "secp256r1"


def test_verify_reports_signer_time_id_and_version(sealed: bytes, sealer, worked) -> None:
    consent, _ = worked
    report = verify_pdf(sealed, [sealer.certificate])
    assert report.status == "valid" and report.valid and report.exit_code == 0
    assert report.intact and report.covers_whole_file and report.trusted
    assert (
        report.signer is not None and f"{get_settings().clinic_name} consent seal" in report.signer
    )
    assert report.signing_time is not None
    assert abs(report.signing_time - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=5)
    assert report.document_id == str(consent.id)
    assert report.pack_version == "9.8.7"


def test_sealing_keeps_pdfa_markers_and_passes_qpdf(sealed: bytes, tmp_path: Path) -> None:
    assert pdfa_id(sealed) == ("2", "B")
    assert "consent-document-id:" in PdfReader(io.BytesIO(sealed)).xmp_metadata.pdf_keywords
    result = qpdf_check(sealed, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def _positions(sealed: bytes) -> dict[str, int]:
    sig = PdfFileReader(io.BytesIO(sealed)).embedded_signatures[0]
    _, hole_start, hole_end, _ = (int(v) for v in sig.sig_object["/ByteRange"])
    return {
        "header": 3,
        "first object": 200,
        "page content": len(sealed) // 3,
        "document id in XMP": sealed.index(b"consent-document-id:") + 25,
        "inside the signature value": hole_start + 300,
        "signature padding": hole_end - 10,
        "trailer": len(sealed) - 20,
        "last byte": len(sealed) - 2,
    }


@pytest.mark.parametrize(
    "where",
    [
        "header",
        "first object",
        "page content",
        "document id in XMP",
        "inside the signature value",
        "signature padding",
        "trailer",
        "last byte",
    ],
)
def test_flipping_one_byte_breaks_verification(sealed: bytes, sealer, where: str) -> None:
    pos = _positions(sealed)[where]
    tampered = bytearray(sealed)
    tampered[pos] = ord("1") if tampered[pos] == ord("0") else tampered[pos] ^ 0x01
    report = verify_pdf(bytes(tampered), [sealer.certificate])
    assert report.status == "invalid", (where, report.message)
    assert report.exit_code == 1


def test_flipping_any_of_many_random_bytes_breaks_verification(sealed: bytes, sealer) -> None:
    rng = random.Random(20261123)
    for pos in rng.sample(range(len(sealed)), 40):
        tampered = bytearray(sealed)
        tampered[pos] ^= 1 << rng.randrange(8)
        report = verify_pdf(bytes(tampered), [sealer.certificate])
        assert report.status == "invalid", (pos, report.message)


def test_a_signature_from_another_consent_does_not_verify(pack, sealer) -> None:
    a, a_audit = synthetic_consent(pack, VALUES, T0, seed=1)
    b, _ = synthetic_consent(pack, VALUES, T0, seed=2)
    sealed_a = sealed_consent(pack, a, a_audit, sealer)

    # 1. Paste B's drawn signature into A's sealed file (an incremental update, as an editor would).
    b_pdf = render_consent_pdf(b, pack, CLINIC, T0, [])
    b_ink = _ink_block(b_pdf)
    reader = PdfReader(io.BytesIO(sealed_a))
    writer = PdfWriter(reader, incremental=True)
    for page in writer.pages:
        data = page.get_contents().get_data()
        if INK in data:
            start = data.index(b"q " + INK)
            end = data.index(b"\nQ", start) + 2
            new = StreamObject()
            new.set_data(data[:start] + b_ink + data[end:])
            page[NameObject("/Contents")] = writer._add_object(new)
            break
    out = io.BytesIO()
    writer.write(out)
    report = verify_pdf(out.getvalue(), [sealer.certificate])
    assert report.status == "invalid"
    assert not report.covers_whole_file

    # 2. The record with B's signature is a different record: its SHA-256 differs and shows.
    swapped = a.model_copy(deep=True)
    swapped.patient_signature = b.patient_signature.model_copy(
        update={"printed_name": a.patient_signature.printed_name}
    )
    assert swapped.sha256() != a.sha256()
    text = pdf_text(render_consent_pdf(swapped, pack, CLINIC, T0, a_audit))
    assert swapped.sha256() in text and a.sha256() not in text


def _ink_block(pdf: bytes) -> bytes:
    for page in PdfReader(io.BytesIO(pdf)).pages:
        data = page.get_contents().get_data()
        if INK in data:
            start = data.index(b"q " + INK)
            return data[start : data.index(b"\nQ", start) + 2]
    raise AssertionError("no signature ink found")


def test_untrusted_or_missing_trust_is_invalid(sealed: bytes, tmp_path: Path) -> None:
    other = load_or_create_sealer(get_settings(data_dir=tmp_path / "other-clinic"))
    report = verify_pdf(sealed, [other.certificate])
    assert report.status == "invalid" and report.intact and not report.trusted
    assert "not trusted" in report.message
    assert "--trust" in verify_pdf(sealed, None).message


def test_not_our_document_or_not_a_pdf_is_unreadable(pack, sealer) -> None:
    assert verify_pdf(b"hello, not a pdf").status == "unreadable"
    sheet = render_patient_copy(pack, CLINIC, VALUES)  # a PDF, but not a consent record
    report = verify_pdf(sheet, [sealer.certificate])
    assert report.status == "unreadable" and report.exit_code == 2


def test_unsealed_consent_is_invalid(pack, worked, sealer) -> None:
    consent, audit = worked
    report = verify_pdf(render_consent_pdf(consent, pack, CLINIC, T0, audit), [sealer.certificate])
    assert report.status == "invalid" and "no seal" in report.message


def test_generated_key_is_private_and_reused(tmp_path: Path) -> None:
    settings = get_settings()
    first = load_or_create_sealer(settings)
    seal_dir = settings.resolved_data_dir / "seal"
    for name in ("seal-key.pem", "seal-cert.pem"):
        assert stat.S_IMODE((seal_dir / name).stat().st_mode) == 0o600
    again = load_or_create_sealer(settings)
    assert again.fingerprint == first.fingerprint
    assert first.subject.endswith(f"Common Name: {settings.clinic_name} consent seal")


def _p12(path: Path, password: bytes) -> x509.Certificate:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Clinic CA issued seal")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(7)
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    path.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"seal", key, cert, None, serialization.BestAvailableEncryption(password)
        )
    )
    return cert


def test_a_configured_pkcs12_is_used(pack, worked, tmp_path: Path) -> None:
    cert = _p12(tmp_path / "seal.p12", b"s3cret")
    settings = get_settings(seal_p12_path=tmp_path / "seal.p12", seal_p12_password="s3cret")
    sealer = load_or_create_sealer(settings)
    assert sealer.source == "pkcs12" and "Clinic CA issued seal" in sealer.subject
    assert not (settings.resolved_data_dir / "seal").exists()  # no key generated
    consent, audit = worked
    report = verify_pdf(sealed_consent(pack, consent, audit, sealer), [cert])
    assert report.status == "valid"


def test_a_wrong_pkcs12_password_is_a_clear_error(tmp_path: Path) -> None:
    _p12(tmp_path / "seal.p12", b"right")
    settings = get_settings(seal_p12_path=tmp_path / "seal.p12", seal_p12_password="wrong")
    with pytest.raises(SealError, match="cannot be opened"):
        load_or_create_sealer(settings)
    with pytest.raises(SealError, match="does not exist"):
        load_or_create_sealer(get_settings(seal_p12_path=tmp_path / "missing.p12"))


def test_fonts_are_subset_to_the_glyphs_used(sealed: bytes) -> None:
    reader = PdfReader(io.BytesIO(sealed))
    for font in reader.pages[0]["/Resources"]["/Font"].values():
        descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
        data = descriptor["/FontFile2"].get_object().get_data()
        assert len(zlib.compress(data)) < 40_000  # the whole face would be 300+ KB
    assert len(sealed) < 120_000


def test_the_generated_seal_key_is_encrypted_with_the_passphrase(
    monkeypatch: pytest.MonkeyPatch, pack
) -> None:
    data = get_settings().resolved_data_dir
    key_file = data / "seal" / "seal-key.pem"
    load_or_create_sealer(get_settings())  # made in clear first (a demo clinic)
    assert b"BEGIN PRIVATE KEY" in key_file.read_bytes()
    monkeypatch.setenv("CONSENT_SEAL_KEY_PASSPHRASE", "river seal passphrase")
    sealer = load_or_create_sealer(get_settings())  # encrypted in place at the next start
    pem = key_file.read_bytes()
    assert pem.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    with pytest.raises(TypeError):
        serialization.load_pem_private_key(pem, password=None)
    consent, audit = synthetic_consent(pack, VALUES, T0)
    sealed = seal_pdf(
        render_consent_pdf(consent, pack, CLINIC, T0, audit),
        sealer,
        reason=seal_reason(CLINIC.name),
        location=CLINIC.address,
    )
    assert verify_pdf(sealed, [sealer.certificate]).valid
    monkeypatch.setenv("CONSENT_SEAL_KEY_PASSPHRASE", "a wrong passphrase")
    with pytest.raises(SealError, match="CONSENT_SEAL_KEY_PASSPHRASE"):
        load_or_create_sealer(get_settings())
    monkeypatch.delenv("CONSENT_SEAL_KEY_PASSPHRASE")
    with pytest.raises(SealError, match="is encrypted: set CONSENT_SEAL_KEY_PASSPHRASE"):
        load_or_create_sealer(get_settings())
