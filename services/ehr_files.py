"""The consent as a FHIR file for a person at a screen: "Download for the EHR (FHIR)".

The same people who may download the sealed PDF (``documents.DOWNLOAD_ROLES``) may download its
FHIR bundle; the bundle is built by ``ehr_bundle.fhir_export`` (the document of record checked as
for the PDF, the read audited as ``fhir.exported``) and saved under the PDF's own file name with
``-fhir.json`` in place of ``.pdf`` (``services.document_names``: one naming rule, no patient name).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from forms.record_parts import as_consent_id
from services import documents, ehr_bundle
from services.auth import StaffSession, load_actor
from services.document_names import named

if TYPE_CHECKING:
    from services.context import AppContext
    from store.uow import UnitOfWork

FHIR_MIME = "application/fhir+json"
FHIR_SUFFIX = "-fhir.json"


@dataclass(frozen=True)
class ServedBundle:
    """A consent's FHIR bundle as handed to a person: the bytes and the name to save them under."""

    filename: str
    data: bytes
    mime: str = FHIR_MIME


def bundle_file_name(pdf_filename: str) -> str:
    """The bundle's name: its document of record's name, ``.pdf`` replaced by ``-fhir.json``."""
    return pdf_filename.removesuffix(".pdf") + FHIR_SUFFIX


def download_fhir(ctx: AppContext, staff: StaffSession | None, consent_id) -> ServedBundle:
    """The consent's FHIR bundle for ``staff`` (a role that may download the PDF), named.

    Audited in either case: ``fhir.exported`` when served; a refused document keeps its refused
    event and its words reach the screen (``DocumentRefused``, a DomainError).
    """
    cid = as_consent_id(consent_id)
    with ctx.database.uow() as uow:
        user, role = load_actor(uow, staff, *documents.DOWNLOAD_ROLES)
        assert staff is not None
        reader = {"actor_id": str(user.id), "actor_role": role.value}
        reader["session_id"] = staff.session_id
        consent = uow.consents.get(cid)
        before = uow.audit.head().last_id
        try:
            text = ehr_bundle.fhir_export(ctx, uow, consent, **reader)
        except documents.DocumentRefused as exc:
            _keep_refusal(ctx, uow, cid, exc, reader, after=before)
            uow.commit()  # keep the audit event of the refused download
            raise
        # The bundle was just built from this document (same transaction): its name is the PDF's.
        doc = documents.document_of_record(ctx, uow, cid)
        filename = bundle_file_name(named(uow, consent, doc).filename)
        uow.commit()
    return ServedBundle(filename, text.encode("utf-8"))


def _keep_refusal(
    ctx: AppContext,
    uow: UnitOfWork,
    consent_id,
    exc: documents.DocumentRefused,
    reader: dict[str, Any],
    *,
    after: int,
) -> None:
    """A refused FHIR download is audited as a refused PDF download is (``serve_document``):
    ``served: False`` and the problem, nothing when no document was issued yet. Written here
    only if ``fhir_export`` did not already write one (an event after audit id ``after``)."""
    if exc.reason is documents.Refusal.NOT_ISSUED:
        return
    written = uow.audit.for_consent(str(consent_id))
    if any(e.id > after and e.action == ehr_bundle.FHIR_EXPORTED for e in written):
        return
    refused: dict[str, Any] = {"served": False, "problem": exc.reason.value}
    if exc.document is not None:
        refused["document"] = exc.document
    uow.audit.append(
        at=ctx.clock.now(),
        action=ehr_bundle.FHIR_EXPORTED,
        consent_id=str(consent_id),
        new=refused,
        **reader,
    )
