"""PostgreSQL advisory locks by name, for work that must run on one app server at a time.

A lock's key is derived from its name and the connection's schema: one clinic per database (or
schema), and two clinics, or two test schemas, on one server never wait for each other.
Migrations keep their own fixed key (store/db.py ``_MIGRATION_LOCK``).
SQLite needs none of this: one server by definition, and its write lock serialises the rest.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine


def lock_key(conn: Connection, name: str) -> int:
    """A signed 64-bit advisory lock key for ``name`` in this connection's schema."""
    schema = conn.exec_driver_sql("SELECT current_schema()").scalar_one()
    digest = hashlib.sha256(f"consent:{schema}:{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


@contextmanager
def job_lock(engine: Engine, name: str) -> Iterator[bool]:
    """Yield whether this process holds the job's lock: False while another server runs it.

    PostgreSQL: ``pg_try_advisory_lock`` on a connection of its own, held for the whole job (the
    job's transactions use other connections), released at the end or when the process dies.
    SQLite: always True.
    """
    if engine.dialect.name != "postgresql":
        yield True
        return
    with engine.connect() as conn:
        key = lock_key(conn, name)
        held = bool(conn.exec_driver_sql("SELECT pg_try_advisory_lock(%s)", (key,)).scalar_one())
        conn.commit()  # no transaction left open while the job runs
        try:
            yield held
        finally:
            if held:
                conn.exec_driver_sql("SELECT pg_advisory_unlock(%s)", (key,))
                conn.commit()
