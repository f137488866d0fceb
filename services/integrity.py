"""Everything a clinic checks at night (`cli.py check-all`), each finding named by its id.

1. The audit chain, end to end (``store.audit.check_chain``).
2. Every stored document: its SHA-256 (the store re-checks it on reading) and its seal, naming
   its consent (``services.documents.check_seal``, the same check every download uses).
3. Every ``document.issued`` event still has its document, and every document its event.
4. Each consent's stored record against its newest sealed document: the same record hash, or,
   when an audited step changed the record since (verified, held, filed...), the same digest of
   each part that never changes once present (patient identity, answers, each signature with its
   meaning; ``forms.pdf_evidence.record_parts``).
5. The audit trail was not cut short: it reaches every anchor, with the same hash there: the
   head sealed into each document and each signed checkpoint (``services.checkpoints``).
6. Files other users on the host could read: warnings, not findings (the fix is a chmod by the
   host's administrator, and nothing stored is wrong).

It reads through the store's repositories only, so encrypted columns are decrypted the one way
the app does.
"""

from __future__ import annotations

import io
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from errors import DomainError
from forms.pdf_evidence import PART_WORDS, record_parts
from forms.seal_check import DocumentEvidence, read_evidence
from services.checkpoints import (
    Anchor,
    check_anchors,
    checkpoint_path,
    read_checkpoints,
    write_checkpoint,
)
from services.context import AppContext
from services.documents import (
    COPY_MADE,
    DOWNLOADED,
    DocumentRefused,
    check_seal,
    trusted_certificates,
)
from services.ehr_bundle import FHIR_EXPORTED
from services.ehr_push import SEND_FAILED, SENT
from services.staff_views import OPENED
from store.audit import AuditEvent
from store.errors import IntegrityProblem, NotFound

ISSUED = "document.issued"
# Events that read a consent without changing it: they explain no change to a record.
READS = frozenset({OPENED, DOWNLOADED, COPY_MADE, FHIR_EXPORTED, SENT, SEND_FAILED, ISSUED})


@dataclass(frozen=True)
class Finding:
    subject: str  # what it is about, by id: "consent <uuid>", "document 12", "audit event 7"
    problem: str

    def __str__(self) -> str:
        return f"{self.subject}: {self.problem}"


@dataclass
class IntegrityReport:
    findings: list[Finding] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    checked: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.findings

    def fail(self, subject: str, problem: str) -> None:
        self.findings.append(Finding(subject, problem))


@dataclass
class _Sealed:
    """A document whose bytes and seal passed, with what it carries."""

    id: int
    consent_id: str
    kind: str
    evidence: DocumentEvidence | None
    pdf: bytes | None  # kept only for an older document without XMP evidence (text is read)


def check_all(ctx: AppContext, *, checkpoint: bool = True) -> IntegrityReport:
    """Run every check; with ``checkpoint``, a clean run appends a signed checkpoint of the head.

    What must agree is read in one transaction (chain, head, issued events, the list of
    documents); the slow part, checking each document's seal (about 0.1 s each), then reads
    one document per short transaction, so the app keeps writing meanwhile (documents and audit
    events are never changed once written; a consent changed meanwhile has its audit event).
    """
    report = IntegrityReport()
    certs = trusted_certificates(ctx)
    with ctx.database.uow() as uow:
        chain = uow.audit.check_chain()
        head = uow.audit.head()
        issued = _issued_events(report, uow.audit.query(action=ISSUED))
        inventory = uow.documents.inventory()
    report.checked["audit events"] = head.last_id
    if not chain.ok:
        where = f"audit event {chain.first_broken}" if chain.first_broken else "audit trail"
        report.fail(where, chain.message.removeprefix("BROKEN: "))
    sealed = _documents(ctx, report, inventory, issued)
    _records(ctx, report, sealed, issued)
    anchors = [
        Anchor(d.evidence.audit_head_id, d.evidence.audit_head_hash, _doc(d))
        for d in sealed.values()
        if d.evidence is not None
    ]
    path = checkpoint_path(ctx.settings.resolved_data_dir)
    read = read_checkpoints(path, certs)
    for line, why in read.bad:
        report.fail(f"checkpoint {path} line {line}", why)
    anchors += [
        Anchor(c.last_id, c.last_hash, f"the checkpoint signed at {c.at}") for c in read.valid
    ]
    report.checked["checkpoints"] = len(read.valid)
    with ctx.database.uow() as uow:
        check_anchors(uow, report, anchors, head.last_id)
    report.warnings += _wide_files(ctx)
    if ctx.sealer.certificate.self_issued:
        report.notes.append(
            "The seal certificate is self-signed (generated by this server, not issued by a "
            "certificate authority): documents prove they are unchanged, not who sealed them."
        )
    newest_checkpoint = max((c.last_id for c in read.valid), default=0)
    if checkpoint and report.ok and head.last_id > newest_checkpoint:
        write_checkpoint(path, ctx.sealer, head.last_id, head.last_hash, ctx.clock.now())
        report.notes.append(f"Checkpoint written: audit event {head.last_id} ({path}).")
    return report


def _doc(d: _Sealed) -> str:
    return f"document {d.id} ({d.kind}, consent {d.consent_id})"


def _issued_events(report: IntegrityReport, events: list[AuditEvent]) -> dict[int, AuditEvent]:
    by_doc: dict[int, AuditEvent] = {}
    for e in events:
        doc_id = e.new.get("document") if isinstance(e.new, dict) else None
        if not isinstance(doc_id, int):
            report.fail(f"audit event {e.id}", "a document.issued event that names no document")
        elif doc_id in by_doc:
            report.fail(
                f"audit event {e.id}",
                f"document {doc_id} was already issued by event {by_doc[doc_id].id}",
            )
        else:
            by_doc[doc_id] = e
    return by_doc


def _documents(
    ctx: AppContext,
    report: IntegrityReport,
    inventory: list[tuple[int, str, str, str]],
    issued: dict[int, AuditEvent],
) -> dict[int, _Sealed]:
    """Check each stored document; return the ones whose bytes and seal passed."""
    sealed: dict[int, _Sealed] = {}
    report.checked["documents"] = len(inventory)
    stored = set()
    for doc_id, consent_id, kind, sha256 in inventory:
        stored.add(doc_id)
        subject = f"document {doc_id} ({kind}, consent {consent_id})"
        event = issued.get(doc_id)
        if event is None:
            report.fail(subject, "no document.issued audit event names it (added outside the app)")
        elif (event.consent_id, event.new.get("kind"), event.new.get("sha256")) != (
            consent_id,
            kind,
            sha256,
        ):
            report.fail(
                subject,
                f"does not match its document.issued audit event {event.id} (consent, kind or SHA-256 differ)",
            )
        try:
            with ctx.database.uow() as uow:
                doc = uow.documents.get(doc_id)
            if doc is None:
                report.fail(subject, "was deleted while the check ran")
                continue
            check_seal(ctx, doc, consent_id)
        except IntegrityProblem:
            report.fail(
                subject, "its bytes no longer match their SHA-256 (the stored PDF was altered)"
            )
            continue
        except DocumentRefused as exc:
            report.fail(subject, str(exc))
            continue
        except DomainError as exc:  # e.g. the encryption key cannot open it
            report.fail(subject, f"cannot be read: {exc}")
            continue
        evidence = read_evidence(doc.pdf)
        kept = doc.pdf if evidence is None else None
        sealed[doc_id] = _Sealed(doc_id, consent_id, kind, evidence, kept)
    for doc_id, event in sorted(issued.items()):
        if doc_id not in stored:
            kind = event.new.get("kind", "?")
            report.fail(
                f"consent {event.consent_id}",
                f"its {kind} document {doc_id} (issued by audit event {event.id}) is missing from the database",
            )
    return sealed


def _records(
    ctx: AppContext,
    report: IntegrityReport,
    sealed: dict[int, _Sealed],
    issued: dict[int, AuditEvent],
) -> None:
    """Each consent's stored record against its newest sealed document."""
    newest: dict[str, _Sealed] = {}
    for d in sealed.values():
        if d.consent_id not in newest or d.id > newest[d.consent_id].id:
            newest[d.consent_id] = d
    report.checked["consents"] = len(newest)
    for consent_id, doc in sorted(newest.items()):
        subject = f"consent {consent_id}"
        event = issued.get(doc.id)
        since = event.id if event is not None else 0
        try:
            with ctx.database.uow() as uow:  # the record and its events: one snapshot
                consent = uow.consents.get(consent_id)
                events = uow.audit.for_consent(consent_id)
        except NotFound:
            report.fail(subject, f"its record is missing, though {_doc(doc)} was issued for it")
            continue
        except Exception as exc:  # an unreadable row must not stop the night's check
            report.fail(subject, f"its record cannot be read ({type(exc).__name__})")
            continue
        changed = [e for e in events if e.id > since and e.action not in READS]
        if doc.evidence is None:  # issued before documents carried their evidence in XMP
            if not consent.known_sha256s() & _printed_hashes(doc.pdf or b"") and not changed:
                report.fail(
                    subject,
                    f"its record no longer matches the record SHA-256 printed in document {doc.id}, and no audited step changed it since",
                )
            continue
        if doc.evidence.record_sha256 in consent.known_sha256s():  # as sealed, by any release
            continue
        now = record_parts(consent)
        differs = [n for n, digest in doc.evidence.parts.items() if now.get(n) != digest]
        for name in differs:
            words = PART_WORDS.get(name, name)
            report.fail(subject, f"{words} no longer matches sealed document {doc.id}")
        if not differs and not changed:
            report.fail(
                subject,
                f"its record differs from the one sealed in document {doc.id} and no audited step changed it since (audit event {since})",
            )


def _printed_hashes(pdf: bytes) -> set[str]:
    """The 64-digit hex numbers on an older document's last page (its record SHA-256 among them)."""
    from pypdf import PdfReader

    try:
        text = PdfReader(io.BytesIO(pdf)).pages[-1].extract_text() or ""
    except Exception:
        return set()
    return set(re.findall(r"\b[0-9a-f]{64}\b", text))


def _wide_files(ctx: AppContext) -> list[str]:
    from store.db import sqlite_file

    data = Path(ctx.settings.resolved_data_dir)
    paths: list[Path] = [data, *sorted(data.rglob("*"))] if data.is_dir() else []
    db = sqlite_file(ctx.settings.resolved_database_url)
    if db is not None:
        beside = [db, Path(f"{db}-wal"), Path(f"{db}-shm"), Path(f"{db}-journal")]
        paths += [p for p in beside if p not in paths]
    try:
        from store.files import wide_modes  # the at-rest rule (0600 files, 0700 folders)
    except ImportError:  # until store/files.py lands: the same rule, by os.stat
        return [
            f"{p} is mode {stat.S_IMODE(p.stat().st_mode):04o}; other users on this host may read it"
            for p in paths
            if p.exists() and stat.S_IMODE(p.stat().st_mode) & 0o077
        ]
    return wide_modes(paths)
