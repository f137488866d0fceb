"""Issue and serve the sealed consent PDFs.

Every signed state is kept: the patient's signature issues a "submitted" (or "refusal") document,
the clinician's attestation a "final" one; each is a separate stored, sealed PDF. Serving picks the
latest final, else refusal, else submitted, and re-checks both its SHA-256 (the store does) and its
seal before handing it out; every attempt is audited.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING, Any

from accounts.staff import Role
from errors import DomainError
from forms.pdf import render_consent_pdf
from forms.records import AuditEntry, Consent, as_consent_id
from forms.seal import default_cert_path, seal_pdf, seal_reason, verify_pdf
from services.auth import StaffSession, load_actor

if TYPE_CHECKING:
    from services.context import AppContext
    from store.documents import StoredDocument
    from store.uow import UnitOfWork

SERVE_ORDER = ("final", "refusal", "submitted")
SYSTEM = "system"
NOT_ISSUED = "No document has been issued for this consent yet."
WRONG_RECORD = (
    "The stored document belongs to a different consent record. It was not served. Tell the "
    "clinic's administrator."
)
SEAL_BROKEN = (
    "The stored document's digital seal does not verify ({why}). It may have been altered: it was "
    "not served. Tell the clinic's administrator."
)


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


def render_and_seal(
    ctx: AppContext, consent: Consent, audit: list[AuditEntry], now: dt.datetime
) -> bytes:
    """The sealed PDF for ``consent`` as it stands (no storing)."""
    pack = ctx.library.get(consent.pack.pack_id, consent.pack.version, consent.pack.language)
    clinic = ctx.clinic
    pdf = render_consent_pdf(consent, pack, clinic, now, audit, seal_note=ctx.sealer.describe())
    return seal_pdf(pdf, ctx.sealer, reason=seal_reason(clinic.name), location=clinic.address)


def issue_document(
    ctx: AppContext, uow: UnitOfWork, consent: Consent, kind: str, now: dt.datetime
) -> StoredDocument:
    """Render, seal and store the document in ``uow`` (the caller commits); audited."""
    sealed = render_and_seal(ctx, consent, audit_entries(uow, consent.id), now)
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
        },
    )
    return doc


def trusted_certificates(ctx: AppContext) -> list[Any]:
    """The seal certificates this clinic trusts: the current one and the generated one if any."""
    certs: list[Any] = [ctx.sealer.certificate]
    generated = default_cert_path(ctx.settings)
    if generated is not None and generated != ctx.sealer.cert_path:
        certs.append(generated)
    return certs


def serve_document(
    ctx: AppContext,
    uow: UnitOfWork,
    consent_id: uuid.UUID | str,
    *,
    actor_id: str,
    actor_role: str,
    session_id: str | None = None,
) -> StoredDocument:
    """The latest final/refusal/submitted PDF after re-checking its hash and seal; audited.

    A refused download is audited too; the caller commits in both cases.
    """
    now = ctx.clock.now()

    def audit(new: dict[str, Any]) -> None:
        uow.audit.append(
            at=now,
            actor_id=actor_id,
            actor_role=actor_role,
            action="document.downloaded",
            consent_id=str(consent_id),
            new=new,
            session_id=session_id,
        )

    doc = None
    try:
        for kind in SERVE_ORDER:
            doc = uow.documents.latest(consent_id, kind)
            if doc is not None:
                break
    except DomainError as exc:  # the store found the bytes no longer match their SHA-256
        audit({"served": False, "problem": "hash mismatch"})
        raise DomainError(str(exc)) from None
    if doc is None:
        raise DomainError(NOT_ISSUED)
    report = verify_pdf(doc.pdf, trusted_certificates(ctx))
    if not report.valid:
        audit({"served": False, "document": doc.id, "problem": "seal does not verify"})
        raise DomainError(
            SEAL_BROKEN.format(why=report.message.removeprefix("INVALID: ").rstrip("."))
        )
    if report.document_id != str(consent_id):  # a genuine document, but another patient's
        audit({"served": False, "document": doc.id, "problem": "belongs to another consent"})
        raise DomainError(WRONG_RECORD)
    audit({"served": True, "document": doc.id, "kind": doc.kind, "sha256": doc.sha256})
    return doc


def fhir_export(ctx: AppContext, uow: UnitOfWork, consent: Consent) -> str:
    """The consent as FHIR R4 JSON (Bundle): the same facts as its latest PDF, whose SHA-256 it names."""
    from forms.fhir import consent_bundle_json

    pack = ctx.library.get(consent.pack.pack_id, consent.pack.version, consent.pack.language)
    latest = None
    for kind in SERVE_ORDER:
        latest = uow.documents.latest(consent.id, kind)
        if latest is not None:
            break
    return consent_bundle_json(
        consent,
        pack,
        ctx.clinic,
        audit=audit_entries(uow, consent.id),
        pdf_sha256=latest.sha256 if latest else None,
    )


# --- downloads from the staff screens -----------------------------------------------------
def download_pdf(ctx: AppContext, staff: StaffSession | None, consent_id):
    """The latest final (or refusal, or submitted) PDF, its hash and seal re-checked; audited."""
    with ctx.database.uow() as uow:
        user, role = load_actor(uow, staff, Role.FRONT_DESK, Role.CLINICIAN, Role.NURSE, Role.ADMIN)
        assert staff is not None
        try:
            doc = serve_document(
                ctx,
                uow,
                as_consent_id(consent_id),
                actor_id=str(user.id),
                actor_role=role.value,
                session_id=staff.session_id,
            )
        except DomainError:
            uow.commit()  # keep the audit event of the refused download
            raise
        uow.commit()
        return doc


def patient_copy(ctx: AppContext, staff: StaffSession | None, consent_id) -> bytes:
    """The one-page aftercare and warning-signs sheet in the patient's language."""
    from forms.pdf import render_patient_copy
    from services.staff import open_consent

    view = open_consent(ctx, staff, consent_id)
    return render_patient_copy(view.pack, ctx.clinic, view.consent.pack.placeholder_values)
