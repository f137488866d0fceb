"""The clinic's digital seal on consent PDFs: pyHanko PAdES B-B, invisible, over the whole file.

The seal key is either the clinic's own (a PKCS#12 from its CA, ``CONSENT_SEAL_P12_PATH`` and
``CONSENT_SEAL_P12_PASSWORD``) or an EC P-256 key and self-signed certificate generated once. The
app keeps a generated key in the database, so every server seals with the same one
(services/clinic_seal.py; its stored form is forms/seal_keys.py). This module still knows the
files in the data directory where the key lived before (readable by the owner only), for
adopting them and for the tools that seal without a database (sample PDFs, benchmarks, tests).
``forms.seal_check.verify_pdf`` checks a file the way an auditor would: the signature is intact,
made by a trusted certificate, and covers every byte of the file.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers

from errors import DomainError

log = logging.getLogger(__name__)

FIELD_NAME = "ConsentSeal"
BYTES_RESERVED = 8192
KEY_FILE = "seal-key.pem"
CERT_FILE = "seal-cert.pem"
SEAL_DIR = "seal"


class SealError(DomainError):
    """The seal key cannot be loaded or created; the message says what to fix."""


@dataclass(frozen=True)
class Sealer:
    signer: signers.SimpleSigner
    certificate: asn1_x509.Certificate
    source: str  # "generated" or "pkcs12"
    cert_path: Path | None = None  # the public certificate, to hand to `verify --trust`
    # The clinic's other seals (an earlier key, another server's before they shared one): a PDF
    # they sealed still verifies here. Never used to seal.
    also_trusted: tuple[asn1_x509.Certificate, ...] = ()

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


def passphrase_of(settings: Any) -> bytes | None:
    secret = settings.seal_key_passphrase
    return secret.get_secret_value().encode("utf-8") if secret is not None else None


# --- keys ----------------------------------------------------------------------------------
def pkcs12_sealer(settings: Any) -> Sealer | None:
    """The configured PKCS#12 seal (every server is given the same file), or None."""
    if settings.seal_p12_path is None:
        return None
    return _load_pkcs12(Path(settings.seal_p12_path), settings.seal_p12_password)


def load_or_create_sealer(settings: Any) -> Sealer:
    """The configured PKCS#12 seal, else the generated key in the data directory (made once).

    For what seals without a database; the app's servers use services.clinic_seal."""
    if (p12 := pkcs12_sealer(settings)) is not None:
        return p12
    seal_dir = Path(settings.resolved_data_dir) / SEAL_DIR
    key_path, cert_path = seal_dir / KEY_FILE, seal_dir / CERT_FILE
    passphrase = passphrase_of(settings)
    if not (key_path.exists() and cert_path.exists()):
        _create_key_and_cert(seal_dir, settings.clinic_name, passphrase)
    elif passphrase and not _is_encrypted(key_path):
        _encrypt_key_in_place(key_path, passphrase)  # a passphrase set after the key was made
    return _load_pem(key_path, cert_path, passphrase)


ENCRYPTED_PEM = b"-----BEGIN ENCRYPTED PRIVATE KEY-----"


def _is_encrypted(key_path: Path) -> bool:
    return key_path.read_bytes().lstrip().startswith(ENCRYPTED_PEM)


def private_key_pem(key: Any, passphrase: bytes | None) -> bytes:
    protection = (
        serialization.BestAvailableEncryption(passphrase)
        if passphrase
        else serialization.NoEncryption()
    )
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, protection
    )


def _encrypt_key_in_place(key_path: Path, passphrase: bytes) -> None:
    """Rewrite a clear seal key encrypted under ``passphrase``; atomic, the file stays 0600."""
    key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    fresh = key_path.with_name(key_path.name + ".new")
    fresh.unlink(missing_ok=True)
    _write_private(fresh, private_key_pem(key, passphrase))
    os.replace(fresh, key_path)
    log.info("Encrypted the consent seal key in %s with CONSENT_SEAL_KEY_PASSPHRASE", key_path)


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


def _create_key_and_cert(seal_dir: Path, clinic_name: str, passphrase: bytes | None) -> None:
    seal_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    key, cert = new_key_and_cert(clinic_name)
    try:
        _write_private(seal_dir / KEY_FILE, private_key_pem(key, passphrase))
        _write_private(seal_dir / CERT_FILE, cert.public_bytes(serialization.Encoding.PEM))
    except FileExistsError:
        pass  # another process made them first; load theirs
    log.info("Created a new consent seal key and certificate in %s", seal_dir)


def new_key_and_cert(clinic_name: str) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
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
    return key, cert


def _load_pem(key_path: Path, cert_path: Path, passphrase: bytes | None = None) -> Sealer:
    if passphrase is None and key_path.is_file() and _is_encrypted(key_path):
        raise SealError(
            f"The seal key in {key_path.parent} is encrypted: set CONSENT_SEAL_KEY_PASSPHRASE."
        )
    try:
        signer = signers.SimpleSigner.load(str(key_path), str(cert_path), key_passphrase=passphrase)
    except (ValueError, OSError) as exc:
        raise SealError(f"The seal key in {key_path.parent} cannot be read: {exc}") from None
    if signer is None:
        raise SealError(
            f"The seal key in {key_path.parent} cannot be read: check "
            "CONSENT_SEAL_KEY_PASSPHRASE, or restore the key from backup."
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
