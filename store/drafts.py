"""Patient drafts under an opaque resume token (made by the service; no personal data in it).

The state (name, birth date, answers so far) is sealed by ``database.cipher`` when a key is set.
A patient's tap is a load (one SELECT by token) and an ``update`` (one UPDATE by token, open
drafts only); both statements are built once here, so a tap compiles nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, bindparam, delete, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from store.tables import drafts
from store.text import reject_nul

if TYPE_CHECKING:
    from store.db import Database


# Built once per process (SQLAlchemy then finds them in its compiled cache by identity).
_LOAD = select(drafts.c.state).where(
    drafts.c.token == bindparam("b_token"),
    drafts.c.closed_at.is_(None),
    drafts.c.expires_at > bindparam("b_now", type_=drafts.c.expires_at.type),
)
_UPDATE = (
    update(drafts)
    .where(drafts.c.token == bindparam("b_token"), drafts.c.closed_at.is_(None))
    .values(
        state=bindparam("b_state", type_=drafts.c.state.type),
        updated_at=bindparam("b_now", type_=drafts.c.updated_at.type),
        expires_at=bindparam("b_expires", type_=drafts.c.expires_at.type),
    )
)
_CREATE = insert(drafts)


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

    def create(
        self, token: str, state: dict[str, Any], now: dt.datetime, ttl: dt.timedelta
    ) -> None:
        """A new draft under a fresh token (one INSERT)."""
        reject_nul(state)
        self._conn.execute(
            _CREATE,
            {
                "token": token,
                "state": self._db.cipher.seal_json(state),
                "created_at": now,
                "updated_at": now,
                "expires_at": now + ttl,
            },
        )

    def update(
        self, token: str, state: dict[str, Any], now: dt.datetime, ttl: dt.timedelta
    ) -> bool:
        """Replace an open draft's state and push its expiry to now + ttl (one UPDATE); False
        when no open draft has this token (closed meanwhile: nothing is written)."""
        reject_nul(state)
        result = self._conn.execute(
            _UPDATE,
            {
                "b_token": token,
                "b_state": self._db.cipher.seal_json(state),
                "b_now": now,
                "b_expires": now + ttl,
            },
        )
        return bool(result.rowcount)

    def load(self, token: str, now: dt.datetime) -> dict[str, Any] | None:
        """The saved state, or None when missing, expired or closed."""
        state = self._conn.execute(_LOAD, {"b_token": token, "b_now": now}).scalar_one_or_none()
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
