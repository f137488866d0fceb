"""Pack activations: which content version an admin made active, and when; rows are only added.

Also the count of records signed on each version, for the versions page: it reads the listing
columns of ``consents`` (pack version and language, kind, status), never a record.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import Connection, func, insert, select

from forms.status import Status
from store.tables import consents, pack_activations, signatures
from store.text import reject_nul

if TYPE_CHECKING:
    from store.db import Database


@dataclass(frozen=True)
class Activation:
    id: int
    pack_id: str
    language: str
    version: str
    activated_at: dt.datetime
    activated_by_id: int
    activated_by_name: str


class PackActivationRepository:
    def __init__(self, conn: Connection, database: Database) -> None:
        self._conn = conn
        self._db = database

    def add(
        self,
        pack_id: str,
        language: str,
        version: str,
        *,
        at: dt.datetime,
        by_id: int,
        by_name: str,
    ) -> Activation:
        reject_nul([pack_id, language, version, by_name])
        values = {
            "pack_id": pack_id,
            "language": language,
            "version": version,
            "activated_at": at,
            "activated_by_id": by_id,
            "activated_by_name": by_name,
        }
        new_id = self._conn.execute(
            insert(pack_activations).values(**values).returning(pack_activations.c.id)
        ).scalar_one()
        return Activation(int(new_id), pack_id, language, version, at, by_id, by_name)

    def current(self) -> dict[tuple[str, str], str]:
        """The newest activation's version per (pack id, language): one small query for all."""
        newest = (
            select(func.max(pack_activations.c.id))
            .group_by(pack_activations.c.pack_id, pack_activations.c.language)
            .scalar_subquery()
        )
        rows = self._conn.execute(
            select(
                pack_activations.c.pack_id, pack_activations.c.language, pack_activations.c.version
            ).where(pack_activations.c.id.in_(newest))
        )
        return {(r.pack_id, r.language): r.version for r in rows}

    def history(self, pack_id: str) -> list[Activation]:
        """Every activation of ``pack_id``, oldest first."""
        rows = self._conn.execute(
            select(pack_activations)
            .where(pack_activations.c.pack_id == pack_id)
            .order_by(pack_activations.c.id)
        )
        return [
            Activation(
                int(r.id),
                r.pack_id,
                r.language,
                r.version,
                r.activated_at,
                int(r.activated_by_id),
                r.activated_by_name,
            )
            for r in rows
        ]

    def signed_counts(self, pack_id: str) -> dict[tuple[str, str, str], int]:
        """How many records were signed on each version: (version, language, kind) -> count,
        kind "consent" or "visit". A record counts once past draft with the patient's signature:
        a signed refusal too, and one later entered in error (it was signed on that version);
        not a draft that was entered in error before anyone signed."""
        signed = (
            select(signatures.c.id)
            .where(signatures.c.consent_id == consents.c.id, signatures.c.slot == "patient")
            .exists()
        )
        rows = self._conn.execute(
            select(
                consents.c.pack_version,
                consents.c.pack_language,
                consents.c.kind,
                func.count().label("n"),
            )
            .where(
                consents.c.pack_id == pack_id,
                consents.c.status != Status.DRAFT.value,
                signed,
            )
            .group_by(consents.c.pack_version, consents.c.pack_language, consents.c.kind)
        )
        return {(r.pack_version, r.pack_language, r.kind): int(r.n) for r in rows}
