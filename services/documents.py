"""Issue the sealed consent PDFs, and find the one document of record every reader uses.

Every signed state is kept: the patient's signature issues a "submitted" (or "refusal") document,
the clinician's attestation a "final" one; each is a separate stored, sealed PDF. The document of
record is the newest of the first kind present in ``RECORD_ORDER``, after re-checking its SHA-256
(the store does), its seal and that it names this consent. The staff download, the patient copy,
the day export and the FHIR export (services/ehr_bundle.py) all go through ``document_of_record``; a document that fails
is never handed out, and each download attempt is audited.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import astuple
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from accounts.staff import Role
from errors import DomainError
from forms.pdf import render_consent_pdf
from forms.pdf_banner import banner_of, document_type
from forms.pdf_evidence import ChainAnchor
from forms.record_parts import AuditEntry, as_consent_id
from forms.records import Consent
from forms.seal import default_cert_path, seal_pdf, seal_reason
from forms.seal_check import VerifyReport, verify_pdf
from services.auth import StaffSession, load_actor
from services.document_names import AFTERCARE, PatientCopy, ServedDocument, file_name, named
from store.errors import IntegrityProblem

if TYPE_CHECKING:
    from services.context import AppContext
    from store.documents import StoredDocument
    from store.uow import UnitOfWork

# The document of record: the newest final, else refusal, else submitted (the one order).
RECORD_ORDER = ("final", "refusal", "submitted")
SYSTEM = "system"
DOWNLOADED = "document.downloaded"
COPY_MADE = "patient_copy.downloaded"
DOWNLOAD_ROLES = (Role.FRONT_DESK, Role.CLINICIAN, Role.NURSE, Role.ADMIN)


class Refusal(StrEnum):
    """Why a consent's document of record was refused (stored in the audit and the manifest)."""

    NOT_ISSUED = "not_issued"
    HASH_MISMATCH = "hash_mismatch"
    UNREADABLE = "unreadable"
    SEAL_INVALID = "seal_invalid"
    OTHER_CONSENT = "other_consent"


NOT_ISSUED = "No document has been issued for this consent yet."
WRONG_RECORD = (
    "The stored document belongs to a different consent record. It is not used (not downloaded, "
    "printed or exported). Tell the clinic's administrator."
)
SEAL_BROKEN = (
    "The stored document's digital seal does not verify ({why}). It may have been altered: it is "
    "not used (not downloaded, printed or exported). Tell the clinic's administrator."
)


class DocumentRefused(DomainError):
    """The consent's document of record failed a check (or there is none): never hand it out.

    ``reason`` is a ``Refusal`` code; ``document`` the stored document's id when one was read.
    """

    def __init__(self, reason: Refusal, message: str, document: int | None = None) -> None:
        super().__init__(message)
        self.reason = reason
        self.document = document


def _actor_label(uow: UnitOfWork, actor_id: str, role: str, names: dict[str, str]) -> str:
    """'Name (#id)' for staff, the id itself for the patient and the system."""
    if actor_id in names:
        return names[actor_id]
    label = actor_id
    if actor_id.isdigit():
        try:
            label = f"{uow.users.get(int(actor_id)).display_name} (#{actor_id})"
        except DomainError:
            label = f"staff #{actor_id}"
    names[actor_id] = label
    return label


def audit_entries(uow: UnitOfWork, consent_id: uuid.UUID | str) -> list[AuditEntry]:
    names: dict[str, str] = {}
    return [
        AuditEntry(
            at=e.at,
            actor=_actor_label(uow, e.actor_id, e.actor_role, names),
            role=e.actor_role,
            action=e.action,
        )
        for e in uow.audit.for_consent(str(consent_id))
    ]


def render_and_seal(ctx: AppContext, consent: Consent, audit, now, anchor=None) -> bytes:
    """The sealed PDF for ``consent`` as it stands (no storing)."""
    pack = ctx.library.get(consent.pack.pack_id, consent.pack.version, consent.pack.language)
    clinic, note = ctx.clinic, ctx.sealer.describe()
    pdf = render_consent_pdf(consent, pack, clinic, now, audit, seal_note=note, anchor=anchor)
    return seal_pdf(pdf, ctx.sealer, reason=seal_reason(clinic.name), location=clinic.address)


def issue_document(
    ctx: AppContext, uow: UnitOfWork, consent: Consent, kind: str, now: dt.datetime
) -> StoredDocument:
    """Render, seal and store the document in ``uow`` (the caller commits); audited. It prints
    the audit head as of rendering (check-all's anchor); the issued event keeps it too."""
    anchor = ChainAnchor(*astuple(uow.audit.head()))
    audit = audit_entries(uow, consent.id)
    sealed = render_and_seal(ctx, consent, audit, now, anchor)
    doc = uow.documents.add(consent.id, kind, sealed, now)
    uow.audit.append(
        at=now,
        actor_id=SYSTEM,
        actor_role=SYSTEM,
        action="document.issued",
        consent_id=str(consent.id),
        new={
            "document": doc.id,
            "kind": kind,
            "sha256": doc.sha256,
            "record_sha256": consent.sha256(),
            # consent or refusal, and its standing (its band): what the file name says
            "type": document_type(consent, banner_of(consent, audit)),
            "audit_head": {"id": anchor.last_id, "hash": anchor.last_hash},
        },
    )
    return doc


def trusted_certificates(ctx: AppContext, uow: UnitOfWork | None = None) -> list[Any]:
    """The seal certificates this clinic trusts: the current one, every other seal its database
    knows (any server's, services/clinic_seal.py; re-read through ``uow`` now and then, so one
    another server records after this one started counts too) and the data directory's if any."""
    certs: list[Any] = [ctx.sealer.certificate, *ctx.sealer.also_trusted]
    certs += ctx.seal_trust.certificates(uow)
    generated = default_cert_path(ctx.settings)
    if generated is not None and generated != ctx.sealer.cert_path:
        certs.append(generated)
    return certs


def document_of_record(
    ctx: AppContext, uow: UnitOfWork, consent_id: uuid.UUID | str
) -> StoredDocument:
    """The consent's newest document in ``RECORD_ORDER``, its SHA-256, seal and consent checked.

    Raises ``DocumentRefused`` (a DomainError with a ``Refusal`` code) when there is none or it
    fails a check. An older document is never offered in place of a failing newer one.
    """
    doc = None
    try:
        for kind in RECORD_ORDER:
            doc = uow.documents.latest(consent_id, kind)
            if doc is not None:
                break
    except IntegrityProblem as exc:  # the bytes no longer match their SHA-256
        raise DocumentRefused(Refusal.HASH_MISMATCH, str(exc)) from None
    except DomainError as exc:  # e.g. the encryption key cannot open it
        raise DocumentRefused(Refusal.UNREADABLE, str(exc)) from None
    if doc is None:
        raise DocumentRefused(Refusal.NOT_ISSUED, NOT_ISSUED)
    check_seal(ctx, doc, consent_id, uow)
    return doc


def check_seal(
    ctx: AppContext, doc: StoredDocument, consent_id, uow: UnitOfWork | None = None
) -> VerifyReport:
    """The one seal check: valid, trusted, naming ``consent_id`` (else ``DocumentRefused``)."""
    report = verify_pdf(doc.pdf, trusted_certificates(ctx, uow))
    if not report.valid:
        why = report.message.removeprefix("INVALID: ").rstrip(".")
        raise DocumentRefused(Refusal.SEAL_INVALID, SEAL_BROKEN.format(why=why), doc.id)
    if report.document_id != str(consent_id):  # a genuine document, but another patient's
        raise DocumentRefused(Refusal.OTHER_CONSENT, WRONG_RECORD, doc.id)
    return report


def serve_document(
    ctx: AppContext,
    uow: UnitOfWork,
    consent_id: uuid.UUID | str,
    *,
    actor_id: str,
    actor_role: str,
    session_id: str | None = None,
    action: str = DOWNLOADED,
) -> StoredDocument:
    """The document of record for a person at a screen; the attempt is audited as ``action``.

    A refused download is audited too (except when nothing was issued yet); the caller commits
    in both cases.
    """

    def audit(new: dict[str, Any]) -> None:
        uow.audit.append(
            at=ctx.clock.now(),
            actor_id=actor_id,
            actor_role=actor_role,
            action=action,
            consent_id=str(consent_id),
            new=new,
            session_id=session_id,
        )

    try:
        doc = document_of_record(ctx, uow, consent_id)
    except DocumentRefused as exc:
        if exc.reason is not Refusal.NOT_ISSUED:
            refused: dict[str, Any] = {"served": False, "problem": exc.reason.value}
            if exc.document is not None:
                refused["document"] = exc.document
            audit(refused)
        raise
    audit({"served": True, "document": doc.id, "kind": doc.kind, "sha256": doc.sha256})
    return doc


# --- downloads from the staff screens -----------------------------------------------------
def _served(
    ctx: AppContext, staff: StaffSession | None, consent_id: uuid.UUID, action: str
) -> ServedDocument:
    """The document of record for ``staff``, named; the attempt is audited either way."""
    with ctx.database.uow() as uow:
        user, role = load_actor(uow, staff, *DOWNLOAD_ROLES)
        assert staff is not None
        try:
            doc = serve_document(
                ctx,
                uow,
                consent_id,
                actor_id=str(user.id),
                actor_role=role.value,
                session_id=staff.session_id,
                action=action,
            )
        except DomainError:
            uow.commit()  # keep the audit event of the refused download
            raise
        result = named(uow, uow.consents.get(consent_id), doc)
        uow.commit()
        return result


def download_pdf(ctx: AppContext, staff: StaffSession | None, consent_id) -> ServedDocument:
    """The document of record (hash, seal and consent re-checked), named; audited."""
    return _served(ctx, staff, as_consent_id(consent_id), DOWNLOADED)


def patient_copy(ctx: AppContext, staff: StaffSession | None, consent_id) -> PatientCopy:
    """The one-page aftercare and warning-signs sheet in the patient's language, named.

    Only for a consent whose document of record passes its checks (audited like a download):
    a sheet must not go home with a patient whose signed record is in doubt.
    """
    from forms.pdf import render_patient_copy
    from services.staff_views import open_consent

    view = open_consent(ctx, staff, consent_id, audited=False)  # the copy's own event below
    try:
        doc = _served(ctx, staff, view.consent.id, COPY_MADE)
    except DocumentRefused as exc:
        raise DocumentRefused(
            exc.reason, f"{exc} No patient copy was made.", exc.document
        ) from None
    pdf = render_patient_copy(view.pack, ctx.clinic, view.consent.pack.placeholder_values)
    return PatientCopy(pdf, file_name(view.consent, doc, AFTERCARE))
