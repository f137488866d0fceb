"""The append-only, hash-chained audit trail.

Each event's hash is SHA-256 over the previous event's hash followed by the canonical JSON of the
event's own fields (its position in the chain included), so editing, deleting or reordering any
event breaks the chain from that point. ``audit_head`` holds the last position and hash: an
append first updates that one row, which makes concurrent appends wait for each other (a row lock
on PostgreSQL, the write lock on SQLite) so the chain never forks, and which lets the check notice
a deleted last event. The database refuses UPDATE and DELETE on events (triggers, see migration
0001); the chain is what detects someone who removed those triggers first.

It is over 300 lines because the append, the reads and the chain check share one hashing rule
and must stay beside it: a second copy of the rule could drift from the first.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import hmac
import json
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel
from sqlalchemy import Connection, Row, and_, func, insert, select, update

from forms.record_parts import AuditEntry
from store.tables import GENESIS_HASH, audit_events, audit_head
from store.text import reject_nul

if TYPE_CHECKING:
    from store.db import Database


@dataclass(frozen=True)
class AuditEvent:
    id: int
    at: dt.datetime
    actor_id: str
    actor_role: str
    action: str
    consent_id: str | None
    old: Any
    new: Any
    session_id: str | None
    prev_hash: str
    hash: str

    def entry(self) -> AuditEntry:
        return AuditEntry(at=self.at, actor=self.actor_id, role=self.actor_role, action=self.action)


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    first_broken: int | None
    message: str


@dataclass(frozen=True)
class ChainHead:
    """Where the chain ends: the last event's position and hash (0 and GENESIS_HASH if none)."""

    last_id: int
    last_hash: str


def _jsonable(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, set | frozenset):
        return sorted(value)
    if isinstance(value, bytes):
        return value.hex()
    raise TypeError(f"cannot record a {type(value).__name__} in the audit trail")


def canonical_json(value: Any) -> str | None:
    """Stable JSON text: sorted keys, no spaces. NUL inside strings is escaped by json.dumps."""
    if value is None:
        return None
    return json.dumps(
        value,
        default=_jsonable,
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
    )


def event_hash(
    prev_hash: str,
    *,
    id: int,
    at: dt.datetime,
    actor_id: str,
    actor_role: str,
    action: str,
    consent_id: str | None,
    old: str | None,
    new: str | None,
    session_id: str | None,
) -> str:
    fields = {
        "id": id,
        "at": at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "actor_id": actor_id,
        "actor_role": actor_role,
        "action": action,
        "consent_id": consent_id,
        "old": old,
        "new": new,
        "session_id": session_id,
    }
    payload = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256((prev_hash + payload).encode("utf-8")).hexdigest()


def _row_hash(row: Row[Any]) -> str:
    return event_hash(
        row.prev_hash,
        id=row.id,
        at=row.at,
        actor_id=row.actor_id,
        actor_role=row.actor_role,
        action=row.action,
        consent_id=row.consent_id,
        old=row.old,
        new=row.new,
        session_id=row.session_id,
    )


def _event(row: Row[Any]) -> AuditEvent:
    return AuditEvent(
        id=row.id,
        at=row.at,
        actor_id=row.actor_id,
        actor_role=row.actor_role,
        action=row.action,
        consent_id=row.consent_id,
        old=None if row.old is None else json.loads(row.old),
        new=None if row.new is None else json.loads(row.new),
        session_id=row.session_id,
        prev_hash=row.prev_hash,
        hash=row.hash,
    )


def _utc_bound(value: dt.date | dt.datetime, tz: ZoneInfo, *, end: bool) -> dt.datetime:
    """A datetime is used as given; a date means that whole day in ``tz`` (end: the next midnight)."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise ValueError("audit queries need times that carry a time zone")
        return value.astimezone(dt.UTC)
    day = value + dt.timedelta(days=1) if end else value
    return dt.datetime.combine(day, dt.time(), tzinfo=tz).astimezone(dt.UTC)


# Staff free text an event may carry (hold and error reasons, flag-review notes, the chart
# reference). With encryption on, the audit keeps a keyed digest of it: the words are in the
# encrypted record and its sealed PDF, and the chain's bytes never depend on a key that
# rotate-key replaces.
FREE_TEXT = frozenset({"reason", "note", "chart_reference"})


def _without_free_text(value: Any, key: bytes | None) -> Any:
    if key is None or not isinstance(value, dict):
        return value
    return {
        k: _text_digest(key, v) if k in FREE_TEXT and isinstance(v, str) and v else v
        for k, v in value.items()
    }


def _text_digest(key: bytes, text: str) -> str:
    return "hmac:" + hmac.new(key, b"audit\x1f" + text.encode(), hashlib.sha256).hexdigest()[:32]


class AuditRepository:
    def __init__(self, conn: Connection, database: Database) -> None:
        self._conn = conn
        self._db = database

    def append(
        self,
        *,
        at: dt.datetime,
        actor_id: str,
        actor_role: str,
        action: str,
        consent_id: str | uuid.UUID | None = None,
        old: Any = None,
        new: Any = None,
        session_id: str | None = None,
    ) -> AuditEvent:
        if at.tzinfo is None or at.utcoffset() is None:
            raise ValueError("audit times must carry a time zone")
        at = at.astimezone(dt.UTC)
        cid = None if consent_id is None else str(consent_id)
        reject_nul([actor_id, actor_role, action, cid, session_id])
        keys = self._db.cipher.index_keys if self._db.cipher.enabled else [None]
        old = _without_free_text(old, keys[0])
        new = _without_free_text(new, keys[0])
        old_text, new_text = canonical_json(old), canonical_json(new)
        # Updating the head first takes the chain lock before anything is read from it.
        head = self._conn.execute(
            update(audit_head)
            .where(audit_head.c.id == 1)
            .values(last_id=audit_head.c.last_id + 1)
            .returning(audit_head.c.last_id, audit_head.c.last_hash)
        ).one()
        fields: dict[str, Any] = {
            "id": head.last_id,
            "at": at,
            "actor_id": actor_id,
            "actor_role": actor_role,
            "action": action,
            "consent_id": cid,
            "old": old_text,
            "new": new_text,
            "session_id": session_id,
        }
        digest = event_hash(head.last_hash, **fields)
        self._conn.execute(
            insert(audit_events).values(**fields, prev_hash=head.last_hash, hash=digest)
        )
        self._conn.execute(update(audit_head).where(audit_head.c.id == 1).values(last_hash=digest))
        return AuditEvent(
            **{**fields, "old": old, "new": new}, prev_hash=head.last_hash, hash=digest
        )

    def for_consent(self, consent_id: str | uuid.UUID) -> list[AuditEvent]:
        rows = self._conn.execute(
            select(audit_events)
            .where(audit_events.c.consent_id == str(consent_id))
            .order_by(audit_events.c.id)
        )
        return [_event(r) for r in rows]

    def query(
        self,
        date_from: dt.date | dt.datetime | None = None,
        date_to: dt.date | dt.datetime | None = None,
        actor_id: str | None = None,
        action: str | None = None,
        consent_id: str | uuid.UUID | None = None,
        *,
        tz: ZoneInfo | None = None,
        limit: int | None = None,
    ) -> list[AuditEvent]:
        """Events in chain order. Dates are whole clinic days (date_to inclusive)."""
        zone = tz or self._db.tz
        conditions = []
        if date_from is not None:
            conditions.append(audit_events.c.at >= _utc_bound(date_from, zone, end=False))
        if date_to is not None:
            conditions.append(audit_events.c.at < _utc_bound(date_to, zone, end=True))
        if actor_id is not None:
            conditions.append(audit_events.c.actor_id == actor_id)
        if action is not None:
            conditions.append(audit_events.c.action == action)
        if consent_id is not None:
            conditions.append(audit_events.c.consent_id == str(consent_id))
        stmt = select(audit_events).where(and_(True, *conditions)).order_by(audit_events.c.id)
        if limit is not None:
            stmt = stmt.limit(limit)
        return [_event(r) for r in self._conn.execute(stmt)]

    def count(self) -> int:
        return int(self._conn.execute(select(audit_head.c.last_id)).scalar_one())

    def head(self) -> ChainHead:
        """The chain head as this transaction sees it (sealed PDFs print it as an anchor)."""
        row = self._conn.execute(select(audit_head).where(audit_head.c.id == 1)).one()
        return ChainHead(int(row.last_id), str(row.last_hash))

    def hashes(self, ids: Iterable[int]) -> dict[int, str]:
        """The stored hash of each event in ``ids`` that exists (to check anchors against)."""
        wanted = sorted(set(ids))
        found: dict[int, str] = {}
        for start in range(0, len(wanted), 500):
            rows = self._conn.execute(
                select(audit_events.c.id, audit_events.c.hash).where(
                    audit_events.c.id.in_(wanted[start : start + 500])
                )
            )
            found.update({int(r.id): str(r.hash) for r in rows})
        return found

    def seen_in_session(self, action: str, consent_id: str | uuid.UUID, session_id: str) -> bool:
        """Whether ``session_id`` already has an ``action`` event on this consent (reads are
        audited once per staff session, not once per screen redraw)."""
        found = self._conn.execute(
            select(audit_events.c.id)
            .where(
                audit_events.c.consent_id == str(consent_id),
                audit_events.c.action == action,
                audit_events.c.session_id == session_id,
            )
            .limit(1)
        ).first()
        return found is not None

    def _walk(self, upto: int, batch: int = 1000) -> Iterator[Row[Any]]:
        last = 0
        while True:
            rows = self._conn.execute(
                select(audit_events)
                .where(audit_events.c.id > last, audit_events.c.id <= upto)
                .order_by(audit_events.c.id)
                .limit(batch)
            ).all()
            if not rows:
                return
            yield from rows
            last = rows[-1].id

    def check_chain(self) -> ChainReport:
        """Re-walk the whole chain; name the first event where it breaks.

        The head is read first and only events up to it are walked, so appends committed while
        the check runs (PostgreSQL, other servers) cannot be mistaken for damage.
        """
        head = self._conn.execute(select(audit_head).where(audit_head.c.id == 1)).one_or_none()
        if head is None:
            return _broken(0, None, "the chain head record is missing")
        prev_id, prev_hash, checked = 0, GENESIS_HASH, 0
        for row in self._walk(head.last_id):
            if row.id != prev_id + 1:
                return _broken(
                    checked,
                    row.id,
                    f"{_events(prev_id + 1, row.id - 1)} missing before event {row.id}",
                )
            if row.prev_hash != prev_hash:
                return _broken(
                    checked,
                    row.id,
                    f"event {row.id} does not follow event {prev_id} "
                    "(an earlier event was changed, removed or moved)",
                )
            if _row_hash(row) != row.hash:
                return _broken(checked, row.id, f"event {row.id} was changed after it was written")
            prev_id, prev_hash = row.id, row.hash
            checked += 1
        if prev_id != head.last_id:
            return _broken(
                checked,
                prev_id + 1,
                f"{_events(prev_id + 1, head.last_id)} missing from the end of the trail",
            )
        if head.last_hash != prev_hash:
            return _broken(checked, prev_id, f"event {prev_id} does not match the chain head")
        # One statement, so one snapshot: a legitimate append moves the head in the same commit.
        stray = self._conn.execute(
            select(func.min(audit_events.c.id)).where(
                audit_events.c.id > select(audit_head.c.last_id).scalar_subquery()
            )
        ).scalar_one_or_none()
        if stray is not None:
            return _broken(checked, stray, f"event {stray} was added outside the audit code")
        return ChainReport(True, checked, None, f"OK: {checked} audit events, chain intact")


def _events(first: int, last: int) -> str:
    return f"event {first} is" if first == last else f"events {first}-{last} are"


def _broken(checked: int, event_id: int | None, message: str) -> ChainReport:
    return ChainReport(False, checked, event_id, "BROKEN: " + message)
