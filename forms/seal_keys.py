"""A generated seal key as the database keeps it (issue #18): made, protected, loaded from bytes.

forms/seal.py seals and knows the key files of the data directory; this module is the stored
form every app server reads (services/clinic_seal.py keeps it in the database).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from pyhanko.sign import signers

from forms.seal import (
    CERT_FILE,
    ENCRYPTED_PEM,
    KEY_FILE,
    SEAL_DIR,
    Sealer,
    SealError,
    new_key_and_cert,
    private_key_pem,
)


@dataclass(frozen=True)
class SealKey:
    """A generated seal key as stored: PKCS#8 PEM (encrypted under CONSENT_SEAL_KEY_PASSPHRASE
    when one is set) and its self-signed certificate, PEM."""

    key_pem: bytes
    cert_pem: bytes

    @property
    def encrypted(self) -> bool:
        return self.key_pem.lstrip().startswith(ENCRYPTED_PEM)

    @property
    def certificate(self) -> asn1_x509.Certificate:
        return certificate_from_pem(self.cert_pem)

    @property
    def fingerprint(self) -> str:
        """The certificate's SHA-256, hex: what the database knows each seal by."""
        return self.certificate.sha256.hex()


def certificate_from_pem(pem: bytes) -> asn1_x509.Certificate:
    der = x509.load_pem_x509_certificate(pem).public_bytes(serialization.Encoding.DER)
    return asn1_x509.Certificate.load(der)


def new_seal_key(clinic_name: str, passphrase: bytes | None) -> SealKey:
    key, cert = new_key_and_cert(clinic_name)
    return SealKey(private_key_pem(key, passphrase), cert.public_bytes(serialization.Encoding.PEM))


def protected(key: SealKey, passphrase: bytes | None) -> SealKey:
    """``key`` encrypted under ``passphrase`` if it is in clear and a passphrase is set."""
    if not passphrase or key.encrypted:
        return key
    clear = serialization.load_pem_private_key(key.key_pem, password=None)
    return SealKey(private_key_pem(clear, passphrase), key.cert_pem)


def sealer_from_key(
    key: SealKey,
    passphrase: bytes | None,
    where: str,
    also_trusted: tuple[asn1_x509.Certificate, ...] = (),
) -> Sealer:
    """A Sealer from a stored key; ``where`` names its home in the messages."""
    from pyhanko.keys import load_private_key_from_pemder_data
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    if passphrase is None and key.encrypted:
        raise SealError(f"The seal key in {where} is encrypted: set CONSENT_SEAL_KEY_PASSPHRASE.")
    try:
        private = load_private_key_from_pemder_data(key.key_pem, passphrase=passphrase)
        cert = key.certificate
    except (ValueError, TypeError) as exc:
        raise SealError(
            f"The seal key in {where} cannot be read ({type(exc).__name__}): check "
            "CONSENT_SEAL_KEY_PASSPHRASE, or restore the key from backup."
        ) from None
    signer = signers.SimpleSigner(
        signing_cert=cert, signing_key=private, cert_registry=SimpleCertificateStore()
    )
    return Sealer(signer=signer, certificate=cert, source="generated", also_trusted=also_trusted)


def legacy_key(settings: Any) -> SealKey | None:
    """The generated key a server kept in its data directory before the database held it."""
    seal_dir = Path(settings.resolved_data_dir) / SEAL_DIR
    key_path, cert_path = seal_dir / KEY_FILE, seal_dir / CERT_FILE
    if not (key_path.is_file() and cert_path.is_file()):
        return None
    return SealKey(key_path.read_bytes(), cert_path.read_bytes())
