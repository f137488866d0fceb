"""Issued PDFs: bytes with their SHA-256, encrypted at rest when a key is set."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Row, insert, select

from errors import DomainError
from store.errors import IntegrityProblem
from store.tables import documents

if TYPE_CHECKING:
    from store.db import Database

KINDS = ("submitted", "refusal", "final")
ALTERED = (
    "The stored document no longer matches its fingerprint (SHA-256): it may have been altered. "
    "Do not use it; tell the clinic's administrator."
)


@dataclass(frozen=True)
class StoredDocument:
    id: int
    consent_id: str
    kind: str
    sha256: str
    created_at: dt.datetime
    size: int
    pdf: bytes


class DocumentRepository:
    def __init__(self, conn: Connection, database: Database) -> None:
        self._conn = conn
        self._db = database

    def add(
        self, consent_id: str | uuid.UUID, kind: str, pdf: bytes, created_at: dt.datetime
    ) -> StoredDocument:
        if kind not in KINDS:
            raise DomainError(
                f"Unknown document kind {kind!r}; expected one of {', '.join(KINDS)}."
            )
        digest = hashlib.sha256(pdf).hexdigest()
        blob, encrypted = self._db.cipher.seal(pdf)
        values = {
            "consent_id": str(consent_id),
            "kind": kind,
            "sha256": digest,
            "size": len(pdf),
            "encrypted": encrypted,
            "blob": blob,
            "created_at": created_at,
        }
        new_id = self._conn.execute(
            insert(documents).values(**values).returning(documents.c.id)
        ).scalar_one()
        return StoredDocument(
            id=new_id,
            consent_id=str(consent_id),
            kind=kind,
            sha256=digest,
            created_at=created_at.astimezone(dt.UTC),
            size=len(pdf),
            pdf=bytes(pdf),
        )

    def latest(self, consent_id: str | uuid.UUID, kind: str | None = None) -> StoredDocument | None:
        stmt = select(documents).where(documents.c.consent_id == str(consent_id))
        if kind is not None:
            stmt = stmt.where(documents.c.kind == kind)
        row = self._conn.execute(stmt.order_by(documents.c.id.desc()).limit(1)).one_or_none()
        return None if row is None else self._document(row)

    def list(self, consent_id: str | uuid.UUID) -> list[StoredDocument]:
        rows = self._conn.execute(
            select(documents)
            .where(documents.c.consent_id == str(consent_id))
            .order_by(documents.c.id)
        )
        return [self._document(r) for r in rows]

    def inventory(self) -> list[tuple[int, str, str, str]]:
        """(id, consent id, kind, sha256) of every stored document, oldest first; no bytes read
        (check-all walks them one at a time with ``get``)."""
        rows = self._conn.execute(
            select(
                documents.c.id, documents.c.consent_id, documents.c.kind, documents.c.sha256
            ).order_by(documents.c.id)
        )
        return [(r.id, r.consent_id, r.kind, r.sha256) for r in rows]

    def get(self, document_id: int) -> StoredDocument | None:
        """One document by id, its bytes checked against their SHA-256 (IntegrityProblem)."""
        row = self._conn.execute(
            select(documents).where(documents.c.id == document_id)
        ).one_or_none()
        return None if row is None else self._document(row)

    def _document(self, row: Row[Any]) -> StoredDocument:
        pdf = self._db.cipher.open(row.blob, row.encrypted)
        if len(pdf) != row.size or hashlib.sha256(pdf).hexdigest() != row.sha256:
            raise IntegrityProblem(ALTERED)
        return StoredDocument(
            id=row.id,
            consent_id=row.consent_id,
            kind=row.kind,
            sha256=row.sha256,
            created_at=row.created_at,
            size=row.size,
            pdf=pdf,
        )
