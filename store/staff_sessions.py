"""Staff sessions and their one-time sign-in tickets (issue #18). Only hashes of the secrets are
passed in and stored; the rules (expiry, idle, account checks) are services.staff_sessions'."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Row, delete, insert, or_, select, update

from store.tables import staff_session_tickets as tickets
from store.tables import staff_sessions as sessions

if TYPE_CHECKING:
    from store.db import Database


@dataclass(frozen=True)
class SessionRow:
    id: str
    user_id: int
    created_at: dt.datetime
    last_seen_at: dt.datetime
    expires_at: dt.datetime
    ended_at: dt.datetime | None
    ended_reason: str | None


def _row(row: Row[Any]) -> SessionRow:
    return SessionRow(
        id=row.id,
        user_id=int(row.user_id),
        created_at=row.created_at,
        last_seen_at=row.last_seen_at,
        expires_at=row.expires_at,
        ended_at=row.ended_at,
        ended_reason=row.ended_reason,
    )


class StaffSessionRepository:
    def __init__(self, conn: Connection, database: Database) -> None:
        self._conn = conn
        self._db = database

    def add(self, session_id: str, user_id: int, *, at: dt.datetime, expires_at: dt.datetime):
        self._conn.execute(
            insert(sessions).values(
                id=session_id,
                user_id=user_id,
                created_at=at,
                last_seen_at=at,
                expires_at=expires_at,
            )
        )

    def add_ticket(self, ticket_hash: str, session_id: str, *, expires_at: dt.datetime) -> None:
        self._conn.execute(
            insert(tickets).values(
                ticket_hash=ticket_hash, session_id=session_id, expires_at=expires_at
            )
        )

    def use_ticket(self, ticket_hash: str, *, at: dt.datetime) -> str | None:
        """Mark the ticket used and return its session id; None if unknown, used or expired.
        One UPDATE with the conditions in its WHERE, so two requests racing cannot both win."""
        result = self._conn.execute(
            update(tickets)
            .where(
                tickets.c.ticket_hash == ticket_hash,
                tickets.c.used_at.is_(None),
                tickets.c.expires_at > at,
            )
            .values(used_at=at)
            .returning(tickets.c.session_id)
        )
        found = result.scalar_one_or_none()
        return None if found is None else str(found)

    def set_token(self, session_id: str, token_hash: str) -> None:
        self._conn.execute(
            update(sessions).where(sessions.c.id == session_id).values(token_hash=token_hash)
        )

    def get(self, session_id: str) -> SessionRow | None:
        row = self._conn.execute(select(sessions).where(sessions.c.id == session_id)).one_or_none()
        return None if row is None else _row(row)

    def by_token(self, token_hash: str) -> SessionRow | None:
        row = self._conn.execute(
            select(sessions).where(sessions.c.token_hash == token_hash)
        ).one_or_none()
        return None if row is None else _row(row)

    def seen(self, session_id: str, *, at: dt.datetime) -> None:
        self._conn.execute(
            update(sessions).where(sessions.c.id == session_id).values(last_seen_at=at)
        )

    def end(self, session_id: str, *, at: dt.datetime, reason: str) -> bool:
        """End an open session; False if there is none (already ended, or never stored)."""
        result = self._conn.execute(
            update(sessions)
            .where(sessions.c.id == session_id, sessions.c.ended_at.is_(None))
            .values(ended_at=at, ended_reason=reason[:32])
        )
        return result.rowcount == 1

    def purge(self, *, before: dt.datetime) -> None:
        """Forget tickets and sessions over since ``before`` (the audit trail keeps the story)."""
        self._conn.execute(delete(tickets).where(tickets.c.expires_at < before))
        old = select(sessions.c.id).where(
            or_(sessions.c.expires_at < before, sessions.c.ended_at < before)
        )
        self._conn.execute(delete(tickets).where(tickets.c.session_id.in_(old)))
        self._conn.execute(delete(sessions).where(sessions.c.id.in_(old)))
