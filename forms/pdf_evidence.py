"""The consent document's last page: which record it was made from, the audit trail, the seal.

An issued document also carries, in its XMP metadata (read back by ``forms.seal_check`` without
text extraction) and on this page, what ``cli.py check-all`` compares the stored data against:
the record's SHA-256, a digest of each part of the record that never changes once present
(``record_parts``), and the audit chain's head when it was rendered (``ChainAnchor``). The seal
covers them, so someone holding only the database can neither cut the audit trail below that
head nor rewrite a patient's name without it showing.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from forms.pdf_document import DocumentBase
from forms.pdf_layout import INK, MUTED, PT
from forms.records import Consent

# XMP: our own namespace, declared with a PDF/A extension schema as PDF/A-2 requires.
EVIDENCE_NS = "http://ns.sclerotherapy-econsent.example/evidence/1.0/"
EVIDENCE_PREFIX = "consent"
# What each part covers, in the words check-all names a difference with.
PART_WORDS = {
    "patient": "the patient's identity (name, date of birth, MRN)",
    "content": "what the patient was shown (content pack, procedure, site)",
    "answers": "the patient's answers (acknowledgements, screening, photographs, decision)",
    "interpreter": "the interpreter's details",
    "sig.patient": "the patient's signature (name, time, meaning)",
    "sig.interpreter": "the interpreter's signature (name, time, meaning)",
    "nurse": "the nurse's verification and signature (name, time, meaning)",
    "timeout": "the time-out",
    "clinician": "the clinician's attestation and signature (name, time, meaning)",
    "filing": "the filing",
    "course": "the course the consent covers (sessions, valid until)",
    "visit_of": "the course consent this visit continues",
    "replaces": "the consent this one replaces, and why",
    "sign_out": "the signed procedure sign-out",
    "understanding": "the patient's check of understanding (each answer and its time)",
}


@dataclass(frozen=True)
class ChainAnchor:
    """The audit chain's head when a document was rendered: event ``last_id`` has ``last_hash``."""

    last_id: int
    last_hash: str


def _canonical(value: Any) -> str:
    if isinstance(value, BaseModel):
        # Defaults left out: a field added to the record later does not change an old digest.
        value = value.model_dump(mode="json", exclude_defaults=True)
    elif isinstance(value, dict):
        value = {k: _plain(v) for k, v in value.items()}
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _plain(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", exclude_defaults=True)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def record_parts(c: Consent) -> dict[str, str]:
    """A digest of each part of the record that, once present, never changes (``PART_WORDS``).

    Each is salted with the patient's signature (its ink), so a digest in the metadata cannot
    be matched against guessed names and dates of birth.
    """
    salt = hashlib.sha256((str(c.id) + _canonical(c.patient_signature)).encode("utf-8")).hexdigest()
    interpreter = c.interpreter.model_copy(update={"signature": None}) if c.interpreter else None
    parts: dict[str, Any] = {
        "patient": c.patient,
        "content": {"pack": c.pack, "procedure": c.procedure, "site": c.site},
        "answers": {
            "acknowledgements": c.acknowledgements,
            "screening": c.screening,
            "photo_consent": c.photo_consent,
            "certified_at": c.certified_at,
            "decision": c.decision,
        },
        "interpreter": interpreter,
        "sig.patient": c.patient_signature,
        "sig.interpreter": c.interpreter.signature if c.interpreter else None,
        "nurse": c.nurse_verification,
        "timeout": c.timeout,
        "clinician": c.attestation,
        "filing": c.filing,
        "course": c.course,
        "visit_of": c.visit_of,
        "replaces": c.replaces,
        # An entry still being filled in changes; once the clinician signs it, it never does.
        "sign_out": c.sign_out if c.sign_out is not None and c.sign_out.signed else None,
        # The patient's teach-back answers; a re-explain clearance is a staff addition after
        # signing (like a flag review): the record's SHA-256 covers it, no part of its own.
        "understanding": {"teach_back": c.teach_back} if c.teach_back else None,
    }
    return {
        name: hashlib.sha256((salt + _canonical(value)).encode("utf-8")).hexdigest()[:32]
        for name, value in parts.items()
        if value is not None
    }


def evidence_xmp(c: Consent, anchor: ChainAnchor | None) -> tuple[str, str]:
    """(attributes for the rdf:Description, the extension schema element); empty without anchor."""
    if anchor is None:
        return "", ""
    parts = " ".join(f"{k}={v}" for k, v in record_parts(c).items())
    p = EVIDENCE_PREFIX
    attributes = (
        f'\n    xmlns:{p}="{EVIDENCE_NS}" {p}:recordSha256="{c.sha256()}"'
        f'\n    {p}:auditHeadId="{anchor.last_id}" {p}:auditHeadHash="{anchor.last_hash}"'
        f'\n    {p}:recordParts="{parts}"'
    )
    props = (
        ("recordSha256", "SHA-256 of the consent record this document was made from"),
        ("auditHeadId", "Audit trail length (last event id) when this document was made"),
        ("auditHeadHash", "Hash of that last audit event"),
        ("recordParts", "Digests of the record's parts that never change once present"),
    )
    rows = "".join(
        '      <rdf:li rdf:parseType="Resource"><pdfaProperty:name>'
        f"{name}</pdfaProperty:name><pdfaProperty:valueType>"
        f"{'Integer' if name == 'auditHeadId' else 'Text'}</pdfaProperty:valueType>"
        "<pdfaProperty:category>internal</pdfaProperty:category><pdfaProperty:description>"
        f"{words}</pdfaProperty:description></rdf:li>\n"
        for name, words in props
    )
    schema = (
        '   <pdfaExtension:schemas xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"'
        ' xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#"'
        ' xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#"><rdf:Bag>\n'
        '    <rdf:li rdf:parseType="Resource">\n'
        "     <pdfaSchema:schema>Consent record evidence</pdfaSchema:schema>\n"
        f"     <pdfaSchema:namespaceURI>{EVIDENCE_NS}</pdfaSchema:namespaceURI>\n"
        f"     <pdfaSchema:prefix>{p}</pdfaSchema:prefix>\n"
        f"     <pdfaSchema:property><rdf:Seq>\n{rows}     </rdf:Seq></pdfaSchema:property>\n"
        "    </rdf:li>\n"
        "   </rdf:Bag></pdfaExtension:schemas>\n"
    )
    return attributes, schema


class EvidenceParts(DocumentBase):
    anchor: ChainAnchor | None = None  # set by render_consent_pdf for an issued document

    def _evidence(self) -> None:
        pdf, c = self.pdf, self.c
        pdf.new_page()
        st = self.st
        pdf.paragraph(st("pdf.staff.evidence.heading"), size=15, bold=True, after=1.5)
        pdf.paragraph(st("pdf.staff.evidence.intro"), size=8.5, color=MUTED)
        pdf.heading(st("pdf.staff.evidence.record"))
        status = st(f"pdf.staff.status.{c.status.value}")
        rows = (
            ("document_id", str(c.id), 9.0),
            ("record_sha", c.sha256(), 8.0),
            ("pack_fingerprint", c.pack.fingerprint, 8.0),
            (
                "status",
                st("pdf.staff.evidence.status_value", status=status, version=c.version),
                9.0,
            ),
            ("created", self.when(c.created_at), 9.0),
            ("generated", self.when(self.generated_at), 9.0),
            ("time_zone", self.clinic.timezone, 9.0),
        )
        if self.anchor is not None:
            rows += (
                ("audit_head", str(self.anchor.last_id), 9.0),
                ("audit_head_sha", self.anchor.last_hash, 8.0),
            )
        w = self._label_w(st(f"pdf.staff.evidence.{key}") for key, _, _ in rows)
        for key, value, size in rows:
            pdf.label_value(st(f"pdf.staff.evidence.{key}"), value, size=size, label_w=w)
        pdf.heading(st("pdf.staff.evidence.audit"), keep=20)
        self._audit_table()
        pdf.heading(st("pdf.staff.evidence.seal"), keep=12)
        pdf.paragraph(self.seal_note or st("pdf.staff.evidence.seal_note"), size=8.5)

    def _audit_table(self) -> None:
        pdf = self.pdf
        if not self.audit:
            pdf.paragraph(self.st("pdf.staff.evidence.no_audit"), size=8.5, color=MUTED)
            return
        cols = (48.0, 62.0)  # time, actor; action takes the rest
        labels = [self.st(f"pdf.staff.evidence.{k}") for k in ("time", "actor", "action")]
        size = 8.0
        line_h = size * 1.3 * PT

        def head() -> None:
            pdf.font(7.5, True, MUTED)
            x = pdf.l_margin
            for label, w in zip(labels, (*cols, 0), strict=True):
                pdf.put(x, pdf.y + 2.6, label)
                x += w
            pdf.y += 3.8
            pdf.rule(gap=1.0)

        head()
        for e in self.audit:
            pdf.font(size)
            actor = pdf.wrap(f"{e.actor} ({e.role})", cols[1] - 3)
            action = pdf.wrap(e.action, pdf.width - sum(cols))
            rows = max(len(actor), len(action), 1)
            if pdf.y + rows * line_h > pdf.bottom:
                pdf.new_page()
                head()
            pdf.font(size, False, INK)
            base = pdf.y + size * 0.95 * PT
            pdf.put(pdf.l_margin, base, self.when(e.at))
            for i, line in enumerate(actor):
                pdf.put(pdf.l_margin + cols[0], base + i * line_h, line)
            for i, line in enumerate(action):
                pdf.put(pdf.l_margin + sum(cols), base + i * line_h, line)
            pdf.y += rows * line_h + 0.6
