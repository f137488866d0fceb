"""Checking a sealed consent PDF the way an auditor would: the signature is intact, made by a
trusted certificate, covers every byte of the file, and the file is one of ours (it names its
consent). Integrity comes before trust: an altered file says so and nothing about its signer."""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from forms.seal import FIELD_NAME, Sealer, SealError

_DOC_ID = re.compile(rb"consent-document-id:([0-9a-fA-F-]{36})")
_PACK_VERSION = re.compile(rb"pack-version:(\d+(?:\.\d+){1,2})")
_DC_ID = re.compile(rb"<dc:identifier>urn:uuid:([0-9a-fA-F-]{36})</dc:identifier>")
_MARKERS = (b"consent-document-id:", b"<dc:identifier>urn:uuid:", FIELD_NAME.encode("ascii"))


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
    self_signed: bool = False  # the signer's certificate is its own issuer (no authority)

    @property
    def exit_code(self) -> int:
        return {"valid": 0, "invalid": 1, "unreadable": 2}[self.status]

    @property
    def seal_note(self) -> str | None:
        """The plain sentence every output about a self-signed seal carries."""
        if not self.self_signed:
            return None
        return (
            "The seal's certificate is self-signed (made by this clinic's server, not issued by a "
            "certificate authority): it shows the file is unchanged since it was sealed, not who "
            "sealed it."
        )


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
    self_signed = status.signing_cert is not None and bool(status.signing_cert.self_issued)
    when = status.signer_reported_dt
    padding_clean = _padding_is_clean(pdf, sig)
    kw = dict(
        # Intact: the digest matches AND the seal's own signature verifies; trust is apart.
        intact=bool(status.intact) and bool(status.valid) and padding_clean,
        covers_whole_file=whole,
        trusted=bool(status.trusted),
        signer=signer,
        signing_time=when,
        self_signed=self_signed,
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


# --- the evidence an issued document carries (forms.pdf_evidence writes it) ------------------
_EVIDENCE = {
    name: re.compile(rb"consent:" + name.encode() + rb'="([^"]*)"')
    for name in ("recordSha256", "auditHeadId", "auditHeadHash", "recordParts")
}


@dataclass(frozen=True)
class DocumentEvidence:
    record_sha256: str
    audit_head_id: int
    audit_head_hash: str
    parts: dict[str, str]


def read_evidence(pdf: bytes) -> DocumentEvidence | None:
    """The record hash, part digests and audit head from an issued document's XMP, or None
    (a document issued before they were written, or one that is not ours). Read from the raw
    bytes like the document id: the XMP packet is stored unfiltered. Call it on a document whose
    seal verified: only then are these bytes the ones that were sealed."""
    found: dict[str, str] = {}
    for name, pattern in _EVIDENCE.items():
        values = {m.group(1).decode("ascii", "replace") for m in pattern.finditer(pdf)}
        if len(values) != 1:
            return None
        found[name] = values.pop()
    parts = dict(item.split("=", 1) for item in found["recordParts"].split() if "=" in item)
    hexes = (found["recordSha256"], found["auditHeadHash"], *parts.values())
    if not found["auditHeadId"].isdigit() or not all(re.fullmatch(r"[0-9a-f]+", h) for h in hexes):
        return None
    return DocumentEvidence(
        found["recordSha256"], int(found["auditHeadId"]), found["auditHeadHash"], parts
    )


# --- short statements signed with the seal key (audit checkpoints) -------------------------------
def sign_statement(sealer: Sealer, data: bytes) -> bytes:
    """A signature over ``data`` with the seal's private key (EC or RSA, SHA-256)."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

    key = serialization.load_der_private_key(sealer.signer.signing_key.dump(), password=None)
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return key.sign(data, ec.ECDSA(hashes.SHA256()))
    if isinstance(key, rsa.RSAPrivateKey):
        return key.sign(data, padding.PKCS1v15(), hashes.SHA256())
    raise SealError(f"The seal key ({type(key).__name__}) cannot sign a checkpoint.")


def statement_verifies(certificates: list, data: bytes, signature: bytes) -> bool:
    """Whether ``signature`` over ``data`` was made by the key of one of ``certificates``."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

    for cert in load_trust(certificates):
        public = x509.load_der_x509_certificate(cert.dump()).public_key()
        try:
            if isinstance(public, ec.EllipticCurvePublicKey):
                public.verify(signature, data, ec.ECDSA(hashes.SHA256()))
            elif isinstance(public, rsa.RSAPublicKey):
                public.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
            else:
                continue
        except InvalidSignature:
            continue
        return True
    return False
