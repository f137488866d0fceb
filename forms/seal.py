"""The clinic's digital seal on consent PDFs: pyHanko PAdES B-B, invisible, over the whole file.

The seal key is either the clinic's own (a PKCS#12 from its CA, ``CONSENT_SEAL_P12_PATH`` and
``CONSENT_SEAL_P12_PASSWORD``) or an EC P-256 key and self-signed certificate generated once in the
data directory (files readable by the owner only). ``verify_pdf`` checks a file the way an auditor
would: the signature is intact, made by a trusted certificate, and covers every byte of the file.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from errors import DomainError

log = logging.getLogger(__name__)

FIELD_NAME = "ConsentSeal"
BYTES_RESERVED = 8192
KEY_FILE = "seal-key.pem"
CERT_FILE = "seal-cert.pem"
SEAL_DIR = "seal"
_DOC_ID = re.compile(rb"consent-document-id:([0-9a-fA-F-]{36})")
_PACK_VERSION = re.compile(rb"pack-version:(\d+(?:\.\d+){1,2})")
_DC_ID = re.compile(rb"<dc:identifier>urn:uuid:([0-9a-fA-F-]{36})</dc:identifier>")
_MARKERS = (b"consent-document-id:", b"<dc:identifier>urn:uuid:", FIELD_NAME.encode("ascii"))


class SealError(DomainError):
    """The seal key cannot be loaded or created; the message says what to fix."""


@dataclass(frozen=True)
class Sealer:
    signer: signers.SimpleSigner
    certificate: asn1_x509.Certificate
    source: str  # "generated" or "pkcs12"
    cert_path: Path | None = None  # the public certificate, to hand to `verify --trust`

    @property
    def subject(self) -> str:
        return self.certificate.subject.human_friendly

    @property
    def fingerprint(self) -> str:
        return self.certificate.sha256.hex()

    def describe(self) -> str:
        """A sentence for the PDF's evidence page."""
        return (
            f"Sealed with a PAdES (B-B) digital signature covering the whole file by "
            f'"{self.subject}" (certificate SHA-256 {self.fingerprint}). '
            "Any change to the file breaks the seal; check it with: python cli.py verify FILE.pdf"
        )


# --- keys ----------------------------------------------------------------------------------
def load_or_create_sealer(settings: Any) -> Sealer:
    """The configured PKCS#12 seal, else the generated key in the data directory (made once)."""
    if settings.seal_p12_path is not None:
        return _load_pkcs12(Path(settings.seal_p12_path), settings.seal_p12_password)
    seal_dir = Path(settings.resolved_data_dir) / SEAL_DIR
    key_path, cert_path = seal_dir / KEY_FILE, seal_dir / CERT_FILE
    if not (key_path.exists() and cert_path.exists()):
        _create_key_and_cert(seal_dir, settings.clinic_name)
    return _load_pem(key_path, cert_path)


def default_cert_path(settings: Any) -> Path | None:
    """The certificate `verify` trusts by default: the generated one, if this clinic has it."""
    path = Path(settings.resolved_data_dir) / SEAL_DIR / CERT_FILE
    return path if path.is_file() else None


def _load_pkcs12(path: Path, password: Any) -> Sealer:
    if not path.is_file():
        raise SealError(f"The seal file {path} (CONSENT_SEAL_P12_PATH) does not exist.")
    secret = password.get_secret_value().encode("utf-8") if password is not None else None
    try:
        signer = signers.SimpleSigner.load_pkcs12(str(path), passphrase=secret)
    except (ValueError, OSError) as exc:
        raise SealError(f"The seal file {path} cannot be opened: {exc}") from None
    if signer is None:
        raise SealError(
            f"The seal file {path} cannot be opened: check CONSENT_SEAL_P12_PASSWORD and that the "
            "file holds a private key and its certificate."
        )
    return Sealer(signer=signer, certificate=signer.signing_cert, source="pkcs12")


def _write_private(path: Path, data: bytes) -> None:
    """Create ``path`` readable by the owner only; never replace an existing file."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)


def _create_key_and_cert(seal_dir: Path, clinic_name: str) -> None:
    seal_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, f"{clinic_name} consent seal"[:64]),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, clinic_name[:64]),
        ]
    )
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        # Records are kept for decades and this seal has no timestamp authority.
        .not_valid_after(now + dt.timedelta(days=365 * 50))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    try:
        _write_private(seal_dir / KEY_FILE, key_pem)
        _write_private(seal_dir / CERT_FILE, cert.public_bytes(serialization.Encoding.PEM))
    except FileExistsError:
        pass  # another process made them first; load theirs
    log.info("Created a new consent seal key and certificate in %s", seal_dir)


def _load_pem(key_path: Path, cert_path: Path) -> Sealer:
    try:
        signer = signers.SimpleSigner.load(str(key_path), str(cert_path))
    except (ValueError, OSError) as exc:
        raise SealError(f"The seal key in {key_path.parent} cannot be read: {exc}") from None
    if signer is None:
        raise SealError(
            f"The seal key in {key_path.parent} cannot be read. Restore it from backup."
        )
    return Sealer(
        signer=signer, certificate=signer.signing_cert, source="generated", cert_path=cert_path
    )


# --- sealing -------------------------------------------------------------------------------
def seal_pdf(pdf: bytes, sealer: Sealer, *, reason: str, location: str) -> bytes:
    """Append an invisible PAdES B-B signature covering the whole file."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        reason=reason,
        location=location,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
    )
    pdf_signer = signers.PdfSigner(
        meta, signer=sealer.signer, new_field_spec=fields.SigFieldSpec(sig_field_name=FIELD_NAME)
    )
    out = pdf_signer.sign_pdf(writer, bytes_reserved=BYTES_RESERVED)
    return out.getvalue()


def seal_reason(clinic_name: str) -> str:
    return f"Consent record sealed by {clinic_name}"


# --- verifying -----------------------------------------------------------------------------
VerifyStatus = Literal["valid", "invalid", "unreadable"]


@dataclass(frozen=True)
class VerifyReport:
    status: VerifyStatus
    valid: bool
    intact: bool
    covers_whole_file: bool
    trusted: bool
    signer: str | None
    signing_time: dt.datetime | None
    document_id: str | None
    pack_version: str | None
    message: str

    @property
    def exit_code(self) -> int:
        return {"valid": 0, "invalid": 1, "unreadable": 2}[self.status]


def _as_certificate(item: Any) -> asn1_x509.Certificate:
    if isinstance(item, asn1_x509.Certificate):
        return item
    if isinstance(item, x509.Certificate):
        return asn1_x509.Certificate.load(item.public_bytes(serialization.Encoding.DER))
    if isinstance(item, str | Path):
        return load_cert_from_pemder(str(item))
    if isinstance(item, bytes):
        if item.lstrip().startswith(b"-----BEGIN"):
            item = x509.load_pem_x509_certificate(item).public_bytes(serialization.Encoding.DER)
        return asn1_x509.Certificate.load(item)
    raise TypeError(f"cannot use {type(item).__name__} as a trusted certificate")


def load_trust(items: list | None) -> list[asn1_x509.Certificate]:
    """Certificates from paths, PEM/DER bytes or certificate objects; bad input -> SealError."""
    certs = []
    for item in items or []:
        try:
            certs.append(_as_certificate(item))
        except (ValueError, OSError, TypeError) as exc:
            raise SealError(f"The trusted certificate {item!s:.80} cannot be read: {exc}") from None
    return certs


def _ours(pdf: bytes) -> tuple[bool, str | None, str | None]:
    """(looks like one of our consent documents, document id, pack version) from the raw bytes.

    The XMP packet is stored unfiltered (PDF/A), so the identifiers are plain text; several
    markers are accepted so that damage to one of them still counts as "ours, but altered".
    """
    doc = _DOC_ID.search(pdf) or _DC_ID.search(pdf)
    version = _PACK_VERSION.search(pdf)
    ours = doc is not None or any(marker in pdf for marker in _MARKERS)
    return (
        ours,
        doc.group(1).decode("ascii") if doc else None,
        version.group(1).decode("ascii") if version else None,
    )


def verify_pdf(pdf: bytes, trust: list | None = None) -> VerifyReport:
    """Check the seal. ``trust``: certificates (paths, bytes or objects) the signer must chain to.

    ``status`` is "valid" (intact, trusted, covers the whole file), "invalid" (one of our consent
    documents, but altered, unsigned or signed by someone untrusted) or "unreadable" (not a PDF,
    or not one of our consent documents).
    """
    ours, document_id, pack_version = _ours(pdf)

    def report(status: VerifyStatus, message: str, **kw: Any) -> VerifyReport:
        fields_ = dict(
            valid=False,
            intact=False,
            covers_whole_file=False,
            trusted=False,
            signer=None,
            signing_time=None,
        )
        fields_.update(kw)
        return VerifyReport(
            status=status,
            document_id=document_id,
            pack_version=pack_version,
            message=message,
            **fields_,
        )

    if not ours:
        if not pdf.startswith(b"%PDF-"):
            return report("unreadable", "This file is not a PDF.")
        return report(
            "unreadable", "This PDF is not one of this system's consent documents (no document id)."
        )
    roots = load_trust(trust)
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = reader.embedded_signatures
    except Exception as exc:
        return report(
            "invalid",
            f"The document is damaged and cannot be read as a PDF ({type(exc).__name__}).",
        )
    if not signatures:
        return report(
            "invalid", "The document carries no seal: it is not an authentic issued copy."
        )
    if len(signatures) != 1:
        return report(
            "invalid",
            f"The document carries {len(signatures)} signatures; an issued copy has exactly one.",
        )
    sig = signatures[0]
    try:
        context = ValidationContext(trust_roots=roots, allow_fetching=False)
        status = validate_pdf_signature(sig, context)
    except Exception as exc:
        return report(
            "invalid", f"The seal cannot be checked: it is damaged ({type(exc).__name__})."
        )
    return _judge(pdf, sig, status, roots, report)


def _judge(pdf: bytes, sig: Any, status: Any, roots: list, report: Any) -> VerifyReport:
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    signer = status.signing_cert.subject.human_friendly if status.signing_cert is not None else None
    when = status.signer_reported_dt
    padding_clean = _padding_is_clean(pdf, sig)
    kw = dict(
        # Intact: the digest matches AND the seal's own signature verifies; trust is apart.
        intact=bool(status.intact) and bool(status.valid) and padding_clean,
        covers_whole_file=whole,
        trusted=bool(status.trusted),
        signer=signer,
        signing_time=when,
    )
    problems = []
    if not status.intact or not status.valid:
        problems.append("the document was changed after it was sealed (the seal no longer matches)")
    if not padding_clean:
        problems.append("the seal's signature field was altered")
    if not whole:
        problems.append("the seal does not cover the whole file (content was added after sealing)")
    if status.intact and status.valid and not status.trusted:
        problems.append(
            "the seal was made by a certificate that is not trusted here"
            + ("" if roots else " (no trusted certificate given: use --trust CERT)")
        )
    if problems:
        return report("invalid", "INVALID: " + "; ".join(problems) + ".", **kw)
    return report(
        "valid", "The seal is intact, trusted and covers the whole file.", valid=True, **kw
    )


def _padding_is_clean(pdf: bytes, sig: Any) -> bool:
    """The reserved space after the CMS signature must be untouched zeros.

    The signature value is DER inside a fixed-size hex field; a DER parser reads its length and
    stops, so a changed digit in the unused padding would otherwise go unnoticed.
    """
    try:
        _, start, end, _ = (int(v) for v in sig.sig_object["/ByteRange"])
        value = bytes.fromhex(pdf[start:end].strip(b"<> \r\n").decode("ascii"))
    except (KeyError, ValueError, TypeError, UnicodeDecodeError):
        return False
    if len(value) < 2 or value[0] != 0x30:
        return False
    first = value[1]
    if first < 0x80:
        used = 2 + first
    else:
        n = first & 0x7F
        used = 2 + n + int.from_bytes(value[2 : 2 + n], "big")
    return used <= len(value) and not value[used:].strip(b"\x00")
