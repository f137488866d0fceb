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
from store.checklist_drafts import ChecklistDraftRepository
from store.consents import ConsentRepository
from store.db import READ_ONLY, RELAXED
from store.documents import DocumentRepository
from store.drafts import DraftRepository
from store.pack_activations import PackActivationRepository
from store.staff_sessions import StaffSessionRepository
from store.users import UserRepository

if TYPE_CHECKING:
    from store.db import Database


class UnitOfWork:
    consents: ConsentRepository
    drafts: DraftRepository
    checklist_drafts: ChecklistDraftRepository
    documents: DocumentRepository
    audit: AuditRepository
    users: UserRepository
    pack_activations: PackActivationRepository
    staff_sessions: StaffSessionRepository

    def __init__(
        self, database: Database, *, durable: bool = True, read_only: bool = False
    ) -> None:
        self.database = database
        self.durable = durable
        self.read_only = read_only
        self._conn: Connection | None = None

    def __enter__(self) -> UnitOfWork:
        # The connection begins a transaction by itself at the first statement (autobegin);
        # store.db's "begin" event reads these marks (SQLite), each cleared on the way out.
        #
        # durable=False: a patient's draft step trades durability for speed; consents never do.
        # In WAL mode synchronous=NORMAL cannot corrupt the file and a killed process loses
        # nothing; a power cut may lose the last commits: for a draft, the last tap or two, which
        # the patient redoes. The PRAGMA runs only when a connection changes level.
        # read_only: one SELECT (a draft's load) runs without BEGIN IMMEDIATE, so reading
        # never waits for, or blocks, another tablet's write; commit is refused.
        conn = self.database.engine.connect()
        self._conn = conn
        if not self.durable:
            conn.info[RELAXED] = True
        if self.read_only:
            conn.info[READ_ONLY] = True
        self.consents = ConsentRepository(conn, self.database)
        self.drafts = DraftRepository(conn, self.database)
        self.checklist_drafts = ChecklistDraftRepository(conn, self.database)
        self.documents = DocumentRepository(conn, self.database)
        self.audit = AuditRepository(conn, self.database)
        self.users = UserRepository(conn, self.database)
        self.pack_activations = PackActivationRepository(conn, self.database)
        self.staff_sessions = StaffSessionRepository(conn, self.database)
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
            conn.info.pop(RELAXED, None)  # the pooled connection goes back durable
            conn.info.pop(READ_ONLY, None)
            conn.close()

    @property
    def connection(self) -> Connection:
        if self._conn is None:
            raise RuntimeError("use the unit of work inside a `with` block")
        return self._conn

    def commit(self) -> None:
        if self.read_only:
            raise RuntimeError("a read-only unit of work cannot commit")
        self.connection.commit()

    def rollback(self) -> None:
        self.connection.rollback()
