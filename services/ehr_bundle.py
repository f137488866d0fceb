"""The consent as the EHR files it: a FHIR R4 transaction Bundle (forms/fhir.py) carrying every
sealed PDF of the consent, each checked as a download is (services/documents.py). The download
for the EHR, the day export, ``cli.py fhir`` and the push to an EHR all build it here."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from errors import DomainError
from forms.fhir import consent_bundle_json
from forms.fhir_documents import FhirDocument
from forms.records import Consent
from services.documents import (
    SYSTEM,
    DocumentRefused,
    Refusal,
    audit_entries,
    check_seal,
    document_of_record,
)
from store.errors import IntegrityProblem

if TYPE_CHECKING:
    from services.context import AppContext
    from store.uow import UnitOfWork

FHIR_EXPORTED = "fhir.exported"


def fhir_export(ctx: AppContext, uow: UnitOfWork, consent: Consent, **reader: Any) -> str:
    """The consent as a FHIR R4 transaction Bundle (JSON) carrying every sealed PDF of it, each
    checked as a download is (SHA-256, seal, this consent's): the document of record ``current``,
    earlier ones ``superseded``. A consent with a document that fails gets no bundle. Audited as
    a read in ``uow`` (the caller commits); ``reader``: actor_id, actor_role, session_id."""
    try:
        doc = document_of_record(ctx, uow, consent.id)
        try:
            stored = uow.documents.list(consent.id)
        except IntegrityProblem as exc:
            raise DocumentRefused(Refusal.HASH_MISMATCH, str(exc)) from None
        except DomainError as exc:  # e.g. the encryption key cannot open one
            raise DocumentRefused(Refusal.UNREADABLE, str(exc)) from None
        for other in stored:
            if other.id != doc.id:
                check_seal(ctx, other, consent.id)
    except DocumentRefused as exc:
        raise DocumentRefused(
            exc.reason, f"No FHIR export was made for this consent. {exc}", exc.document
        ) from None
    pack = ctx.library.get(consent.pack.pack_id, consent.pack.version, consent.pack.language)
    papers = [FhirDocument(d.id, d.kind, d.created_at, d.pdf, d.sha256) for d in stored]
    bundle = consent_bundle_json(
        consent,
        pack,
        ctx.clinic,
        documents=papers,
        of_record=doc.id,
        audit=audit_entries(uow, consent.id),
    )
    who = {"actor_id": SYSTEM, "actor_role": SYSTEM, **reader}
    new = {
        "served": True,
        "document": doc.id,
        "sha256": doc.sha256,
        "documents": [d.id for d in stored],
    }
    uow.audit.append(
        at=ctx.clock.now(), action=FHIR_EXPORTED, consent_id=str(consent.id), new=new, **who
    )
    return bundle
