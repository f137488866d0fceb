"""Helpers for store tests: tampering with the audit trail the way an attacker with file or
owner access could, after removing the append-only triggers (which refuse it otherwise)."""

from __future__ import annotations

from sqlalchemy import Connection, text

from store.db import Database


def drop_append_only_guard(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        conn.execute(text("ALTER TABLE audit_events DISABLE TRIGGER USER"))
    else:
        conn.execute(text("DROP TRIGGER audit_events_no_update"))
        conn.execute(text("DROP TRIGGER audit_events_no_delete"))


def tamper(db: Database, *statements: str) -> None:
    with db.engine.begin() as conn:
        drop_append_only_guard(conn)
        for sql in statements:
            conn.execute(text(sql))


def count_rows(db: Database, table: str) -> int:
    with db.engine.connect() as conn:
        return int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())
