"""The clinic's seals, as the database knows them (issue #18): one current, all trusted.

Read and changed only under ``lock()``, so two app servers starting together on one database
never both make a seal key: PostgreSQL takes a transaction-level advisory lock, SQLite already
holds the write lock (every unit of work begins with BEGIN IMMEDIATE, store/db.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, insert, select, update

from store.crypto import is_sealed_json
from store.locks import lock_key
from store.tables import clinic_seals, consents

SEAL_LOCK = "clinic-seal"


@dataclass(frozen=True)
class StoredSeal:
    fingerprint: str
    source: str  # "generated" or "pkcs12"
    certificate_pem: bytes
    private_key: bytes | None  # PKCS#8 PEM of the generated seal in use; None otherwise
    current: bool
    added_at: dt.datetime


class ClinicSeals:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def lock(self) -> None:
        """Serialise seal changes with every other server (held until the transaction ends)."""
        if self._conn.dialect.name == "postgresql":
            key = lock_key(self._conn, SEAL_LOCK)
            self._conn.exec_driver_sql("SELECT pg_advisory_xact_lock(%s)", (key,))
        else:  # the first statement takes SQLite's write lock (BEGIN IMMEDIATE)
            self._conn.execute(select(clinic_seals.c.id).limit(1)).all()

    def all(self) -> list[StoredSeal]:
        rows = self._conn.execute(select(clinic_seals).order_by(clinic_seals.c.id)).all()
        return [
            StoredSeal(
                fingerprint=r.fingerprint,
                source=r.source,
                certificate_pem=r.certificate.encode("ascii"),
                private_key=bytes(r.private_key) if r.private_key is not None else None,
                current=bool(r.current),
                added_at=r.added_at,
            )
            for r in rows
        ]

    def add(
        self,
        fingerprint: str,
        source: str,
        certificate_pem: bytes,
        private_key: bytes | None,
        *,
        current: bool,
        at: dt.datetime,
    ) -> None:
        if current:
            self._retire_current()
        self._conn.execute(
            insert(clinic_seals).values(
                fingerprint=fingerprint,
                source=source,
                certificate=certificate_pem.decode("ascii"),
                private_key=private_key,
                current=current,
                added_at=at,
            )
        )

    def make_current(self, fingerprint: str) -> None:
        self._retire_current()
        self._conn.execute(
            update(clinic_seals)
            .where(clinic_seals.c.fingerprint == fingerprint)
            .values(current=True)
        )

    def replace_key(self, fingerprint: str, private_key: bytes) -> None:
        """The same key stored anew (encrypted under a passphrase set after it was made)."""
        self._conn.execute(
            update(clinic_seals)
            .where(clinic_seals.c.fingerprint == fingerprint)
            .values(private_key=private_key)
        )

    def _retire_current(self) -> None:
        # A seal no longer in use keeps its certificate (its PDFs still verify), not its key.
        self._conn.execute(
            update(clinic_seals)
            .where(clinic_seals.c.current.is_(True))
            .values(current=False, private_key=None)
        )


def newest_sealed_record(conn: Connection) -> Any | None:
    """The newest consent's record as stored, if it is encrypted: what this server's key must
    open for it to share the database with the servers that wrote it."""
    value = conn.execute(
        select(consents.c.record).order_by(consents.c.created_at.desc()).limit(1)
    ).scalar_one_or_none()
    return value if is_sealed_json(value) else None
