"""The one name a stored document is saved under, wherever it goes: the staff download, the
patient copy and the day export all call ``file_name`` (through ``named``):
``consent-<short id>_<pack>-<version>-<lang>_<type>_<UTC time issued>.pdf`` (a course's visit:
``visit-<short id>_...``). The type is consent, refusal or visit and its standing
(``forms.pdf_banner.document_type``) as recorded when the document was issued, e.g.
``consent-3f2a9c1b_sclerotherapy-1.1.0-en_consent-entered-in-error_20261123T161502Z.pdf``,
``visit-7c01d2e4_sclerotherapy-1.2.0-en_visit_20261228T143002Z.pdf``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from forms.pdf_banner import document_type
from forms.records import Consent
from store.documents import StoredDocument

if TYPE_CHECKING:
    from store.uow import UnitOfWork

ISSUED = "document.issued"
AFTERCARE = "aftercare"  # the patient copy's type in its file name


@dataclass(frozen=True)
class ServedDocument(StoredDocument):
    """A document of record as handed to a person: the stored document, its type (consent,
    refusal or visit and its standing, ``forms.pdf_banner.document_type``) and its file name."""

    type: str = ""
    filename: str = ""


class PatientCopy(bytes):
    """The patient copy's PDF bytes, with the name to save them under."""

    filename: str

    def __new__(cls, pdf: bytes, filename: str) -> PatientCopy:
        copy = super().__new__(cls, pdf)
        copy.filename = filename
        return copy


def issued_type(uow: UnitOfWork, consent: Consent, doc: StoredDocument) -> str:
    """The document's type as recorded when it was issued (its ``document.issued`` event);
    a document issued before types were recorded is the plain consent or refusal."""
    for event in uow.audit.for_consent(str(consent.id)):
        new = event.new or {}
        if event.action == ISSUED and new.get("document") == doc.id and new.get("type"):
            return str(new["type"])
    return document_type(consent, None)


def file_name(consent: Consent, doc: StoredDocument, type_code: str) -> str:
    """The one name of a stored document, wherever it is saved."""
    ref = consent.pack
    issued = doc.created_at.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    pack = _SAFE.sub("-", f"{ref.pack_id}-{ref.version}-{ref.language}")
    record = "visit" if consent.is_visit else "consent"  # a course's later session says so
    return f"{record}-{str(consent.id)[:8]}_{pack}_{_SAFE.sub('-', type_code)}_{issued}.pdf"


_SAFE = re.compile(r"[^A-Za-z0-9.-]+")  # what a file name may hold on every system


def named(uow: UnitOfWork, consent: Consent, doc: StoredDocument) -> ServedDocument:
    """``doc`` with its type and file name."""
    type_code = issued_type(uow, consent, doc)
    fields = {f.name: getattr(doc, f.name) for f in dataclasses.fields(doc)}
    return ServedDocument(**fields, type=type_code, filename=file_name(consent, doc, type_code))
