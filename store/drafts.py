"""Patient drafts under an opaque resume token (made by the service; no personal data in it).

The state (name, birth date, answers so far) is sealed by ``database.cipher`` when a key is set.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, delete, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from store.tables import drafts
from store.text import reject_nul

if TYPE_CHECKING:
    from store.db import Database


class DraftRepository:
    def __init__(self, conn: Connection, database: Database) -> None:
        self._conn = conn
        self._db = database

    def save(self, token: str, state: dict[str, Any], now: dt.datetime, ttl: dt.timedelta) -> None:
        """Create or replace the draft; each save pushes its expiry to now + ttl.

        A closed draft stays closed (a late save from a second tab cannot reopen it).
        """
        reject_nul(state)
        dialect = postgresql if self._conn.dialect.name == "postgresql" else sqlite
        stmt = dialect.insert(drafts).values(
            token=token,
            state=self._db.cipher.seal_json(state),
            created_at=now,
            updated_at=now,
            expires_at=now + ttl,
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=[drafts.c.token],
            set_={
                "state": stmt.excluded.state,
                "updated_at": stmt.excluded.updated_at,
                "expires_at": stmt.excluded.expires_at,
            },
            where=drafts.c.closed_at.is_(None),
        )
        self._conn.execute(stmt)

    def load(self, token: str, now: dt.datetime) -> dict[str, Any] | None:
        """The saved state, or None when missing, expired or closed."""
        state = self._conn.execute(
            select(drafts.c.state).where(
                drafts.c.token == token, drafts.c.closed_at.is_(None), drafts.c.expires_at > now
            )
        ).scalar_one_or_none()
        return dict(self._db.cipher.open_json(state)) if state is not None else None

    def close(self, token: str, now: dt.datetime) -> None:
        """Mark submitted or abandoned; the answers are dropped (the consent now holds them)."""
        self._conn.execute(
            update(drafts)
            .where(drafts.c.token == token, drafts.c.closed_at.is_(None))
            .values(closed_at=now, updated_at=now, state={})
        )

    def purge_expired(self, now: dt.datetime) -> int:
        """Delete expired and closed drafts; returns how many."""
        result = self._conn.execute(
            delete(drafts).where(or_(drafts.c.expires_at <= now, drafts.c.closed_at.is_not(None)))
        )
        return int(result.rowcount)
