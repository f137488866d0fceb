"""Open the database: engine, connection settings, and the schema brought to the newest revision.

SQLite (default): WAL so readers never block the writer, foreign keys on, a busy timeout so a
second writer waits instead of failing, synchronous=FULL so a consent reported as saved survives
a power cut. Every transaction starts with BEGIN IMMEDIATE: it takes the write lock up front, so a
transaction that reads and then writes can never fail half-way with "database is locked"; a
read-only unit of work (one SELECT, e.g. a draft's load) starts none and takes no lock.
The file is created owner-only (store/files.py) and secure_delete is on, so a value replaced by its
ciphertext (migration 0003, ``rotate-key``) does not linger readable in a free page.
PostgreSQL: ``postgresql+psycopg://user:password@host/db``.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import time
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.pool import StaticPool

from errors import DomainError
from store.crypto import BlobCipher
from store.files import private_dir, private_file

if TYPE_CHECKING:
    from settings import Settings
    from store.uow import UnitOfWork

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
BUSY_TIMEOUT_MS = 15_000
_MIGRATION_LOCK = 7_215_001  # pg_advisory_xact_lock key: one migrator at a time
# Marks a unit of work leaves on its pooled connection's ``info`` for the "begin" event (SQLite):
RELAXED = "consent_relaxed"  # a patient's draft step: synchronous=NORMAL (see UnitOfWork)
READ_ONLY = "consent_read_only"  # one SELECT: no BEGIN IMMEDIATE
_SYNC = "consent_synchronous"  # the level the connection has now (set FULL on connect)


@dataclass
class Database:
    engine: Engine
    cipher: BlobCipher
    tz: ZoneInfo  # clinic time zone, for messages and day boundaries

    def uow(self, *, durable: bool = True, read_only: bool = False) -> UnitOfWork:
        """A transaction. ``durable=False`` is for patient draft steps only, ``read_only`` for a
        single SELECT (see UnitOfWork)."""
        from store.uow import UnitOfWork

        return UnitOfWork(self, durable=durable, read_only=read_only)

    def dispose(self) -> None:
        self.engine.dispose()

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @cached_property
    def sqlite_path(self) -> Path | None:
        """The database file, for SQLite files (None for PostgreSQL or in-memory)."""
        if self.dialect != "sqlite":
            return None
        name = self.engine.url.database
        if not name or name == ":memory:" or name.startswith("file:"):
            return None
        return Path(name).resolve()

    def schema_revision(self) -> str | None:
        with self.engine.connect() as conn:
            return current_revision(conn)

    def local_time(self, value: dt.datetime) -> str:
        return value.astimezone(self.tz).strftime("%Y-%m-%d %H:%M %Z")


def alembic_config(
    connection: Connection | None = None, cipher: BlobCipher | None = None
) -> Config:
    """``cipher``: the clinic's key, for a migration that encrypts existing rows (0003)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["connection"] = connection
    cfg.attributes["cipher"] = cipher or BlobCipher(None)
    return cfg


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def known_revisions() -> set[str]:
    return {s.revision for s in ScriptDirectory.from_config(alembic_config()).walk_revisions()}


def current_revision(conn: Connection) -> str | None:
    return MigrationContext.configure(conn).get_current_revision()


def upgrade_schema(engine: Engine, cipher: BlobCipher | None = None) -> None:
    """Create or upgrade to the newest schema; safe to run again, and from two servers at once."""
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _MIGRATION_LOCK})
        command.upgrade(alembic_config(conn, cipher), "head")


def _ensure_wal(dbapi_conn: Any) -> None:
    """Switch a new database file to WAL (persistent, so later connections find it set).

    Switching needs a moment of exclusive access, which SQLite refuses at once (not after the busy
    timeout) while another connection is in a transaction, e.g. a second server migrating; so
    retry until the file is in WAL mode, by our hand or the other's.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        if dbapi_conn.execute("PRAGMA journal_mode").fetchone()[0].lower() == "wal":
            return
        try:
            dbapi_conn.execute("PRAGMA journal_mode = WAL")
        except sqlite3.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _sqlite_engine(url: str) -> Engine:
    parsed = make_url(url)
    memory = parsed.database in (None, "", ":memory:")
    kwargs: dict[str, Any] = {}
    if memory:
        # One shared connection so every uow sees the same in-memory database (tests, demos).
        kwargs = {"poolclass": StaticPool, "connect_args": {"check_same_thread": False}}
    else:
        path = Path(parsed.database).expanduser().resolve()
        private_dir(path.parent)
        if not path.exists():
            private_file(path)  # SQLite gives the -wal and -shm files this file's mode
    engine = create_engine(url, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Take transaction control from the sqlite3 module (it would skip BEGIN before SELECT and
        # DDL); SQLAlchemy's "begin" event below issues it instead.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA foreign_keys = ON")
        if not memory:
            _ensure_wal(dbapi_conn)
        cur.execute("PRAGMA synchronous = FULL")
        cur.execute("PRAGMA secure_delete = ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        info = conn.info  # follows the DBAPI connection through the pool
        if info.get(READ_ONLY):
            return  # a single SELECT is its own snapshot: a read takes no write lock
        level = "NORMAL" if info.get(RELAXED) else "FULL"
        if info.get(_SYNC, "FULL") != level:  # a PRAGMA only when the level changes
            conn.connection.driver_connection.execute(f"PRAGMA synchronous = {level}")
            info[_SYNC] = level
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def create_db_engine(url: str) -> Engine:
    try:
        backend = make_url(url).get_backend_name()
    except ArgumentError as exc:
        raise DomainError(f"The database URL is not valid: {exc}") from exc
    if backend == "sqlite":
        return _sqlite_engine(url)
    if backend == "postgresql":
        if make_url(url).get_driver_name() != "psycopg":
            raise DomainError("Use a URL starting postgresql+psycopg:// for PostgreSQL.")
        return create_engine(url, pool_pre_ping=True)
    raise DomainError("Only SQLite and PostgreSQL (postgresql+psycopg://) databases are supported.")


def open_database(url: str, *, settings: Settings | None = None, upgrade: bool = True) -> Database:
    """Connect; with ``upgrade`` (the default) bring the schema to the newest revision first."""
    key = None
    tz = ZoneInfo("UTC")
    if settings is not None:
        if settings.encryption_key is not None:
            key = settings.encryption_key.get_secret_value()
        tz = settings.tz
    cipher = BlobCipher(key)
    engine = create_db_engine(url)
    if upgrade:
        try:
            upgrade_schema(engine, cipher)
        except OperationalError as exc:
            engine.dispose()
            where = make_url(url).render_as_string(hide_password=True)
            raise DomainError(f"Cannot open the database at {where}: {exc.orig}") from exc
    return Database(engine=engine, cipher=cipher, tz=tz)


# What the command line needs to know of a URL, without importing SQLAlchemy itself.
DatabaseUnavailable = OperationalError  # the driver could not reach or use the database


def display_url(url: str) -> str:
    """The database URL with its password hidden, for messages."""
    return make_url(url).render_as_string(hide_password=True)


def sqlite_file(url: str) -> Path | None:
    """The SQLite file a URL names, or None for another database or an in-memory one."""
    parsed = make_url(url)
    if (
        parsed.get_backend_name() != "sqlite"
        or not parsed.database
        or parsed.database == ":memory:"
    ):
        return None
    return Path(parsed.database).expanduser().resolve()
