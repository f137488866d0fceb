"""Unit of work: one connection, one transaction, every repository sharing it.

with database.uow() as uow:
    uow.consents.add(consent, draft_token=token)
    uow.documents.add(consent.id, "submitted", pdf, now)
    uow.audit.append(...)
    uow.commit()          # leaving the block without commit rolls everything back
"""

from __future__ import annotations

from types import TracebackType
from typing import TYPE_CHECKING

from sqlalchemy import Connection

from store.audit import AuditRepository
from store.consents import ConsentRepository
from store.documents import DocumentRepository
from store.drafts import DraftRepository
from store.pack_activations import PackActivationRepository
from store.users import UserRepository

if TYPE_CHECKING:
    from store.db import Database


class UnitOfWork:
    consents: ConsentRepository
    drafts: DraftRepository
    documents: DocumentRepository
    audit: AuditRepository
    users: UserRepository
    pack_activations: PackActivationRepository

    def __init__(self, database: Database, *, durable: bool = True) -> None:
        self.database = database
        self.durable = durable
        self._conn: Connection | None = None

    def __enter__(self) -> UnitOfWork:
        # The connection begins a transaction by itself at the first statement (autobegin).
        conn = self.database.engine.connect()
        self._conn = conn
        if not self.durable:
            self._set_sqlite_sync(conn, "NORMAL")
        self.consents = ConsentRepository(conn, self.database)
        self.drafts = DraftRepository(conn, self.database)
        self.documents = DocumentRepository(conn, self.database)
        self.audit = AuditRepository(conn, self.database)
        self.users = UserRepository(conn, self.database)
        self.pack_activations = PackActivationRepository(conn, self.database)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            if conn.in_transaction():
                conn.rollback()
        finally:
            if not self.durable:
                self._set_sqlite_sync(conn, "FULL")  # the pooled connection goes back as it came
            conn.close()

    def _set_sqlite_sync(self, conn: Connection, level: str) -> None:
        """A patient's draft step may trade durability for speed; consents never do.

        In WAL mode synchronous=NORMAL cannot corrupt the file; a power cut may lose the last
        commits. For a draft that is the last tap or two, which the patient redoes; it saves about
        11 ms per tap on this disk (bench/flow.py). Set on the raw connection, outside any
        transaction, so SQLAlchemy's autobegin is not triggered.
        """
        if self.database.dialect == "sqlite" and self.database.sqlite_path is not None:
            conn.connection.driver_connection.execute(f"PRAGMA synchronous = {level}")

    @property
    def connection(self) -> Connection:
        if self._conn is None:
            raise RuntimeError("use the unit of work inside a `with` block")
        return self._conn

    def commit(self) -> None:
        self.connection.commit()

    def rollback(self) -> None:
        self.connection.rollback()
