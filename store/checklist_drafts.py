"""A staff checklist's answers before it is submitted (issue #18), one row per consent and
checklist, so they outlive the app server that took them.

The answers are sealed by ``database.cipher`` when a key is set (a note may name a medicine or a
person). An answer is one statement: an INSERT that replaces the row when there is one (built
once per dialect); the page's first look is one SELECT joined to the answering account's name.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Insert, bindparam, delete, select
from sqlalchemy.dialects import postgresql, sqlite

from store.tables import checklist_drafts as table
from store.tables import staff_users
from store.text import reject_nul

if TYPE_CHECKING:
    from store.db import Database


@dataclass(frozen=True)
class StoredChecklistDraft:
    answers: dict[str, Any]
    by_id: int
    by_name: str
    created_at: dt.datetime
    updated_at: dt.datetime


def _upsert(dialect: Any) -> Insert:
    stmt = dialect.insert(table).values(
        consent_id=bindparam("b_consent"),
        checklist=bindparam("b_checklist"),
        answers=bindparam("b_answers", type_=table.c.answers.type),
        by_id=bindparam("b_by"),
        created_at=bindparam("b_now", type_=table.c.created_at.type),
        updated_at=bindparam("b_now", type_=table.c.updated_at.type),
    )
    return stmt.on_conflict_do_update(
        index_elements=[table.c.consent_id, table.c.checklist],
        set_={
            "answers": stmt.excluded.answers,
            "by_id": stmt.excluded.by_id,
            "updated_at": stmt.excluded.updated_at,
        },
    )


# Built once per process (SQLAlchemy then finds them in its compiled cache by identity).
_SAVE = {"postgresql": _upsert(postgresql), "sqlite": _upsert(sqlite)}
_LOAD = (
    select(
        table.c.answers,
        table.c.by_id,
        staff_users.c.display_name,
        table.c.created_at,
        table.c.updated_at,
    )
    .join(staff_users, staff_users.c.id == table.c.by_id)
    .where(
        table.c.consent_id == bindparam("b_consent"),
        table.c.checklist == bindparam("b_checklist"),
        table.c.updated_at > bindparam("b_since", type_=table.c.updated_at.type),
    )
)


class ChecklistDraftRepository:
    def __init__(self, conn: Connection, database: Database) -> None:
        self._conn = conn
        self._db = database

    def save(
        self, consent_id: str, checklist: str, answers: dict[str, Any], by_id: int, now: dt.datetime
    ) -> None:
        """Create or replace the draft of this consent's checklist (one statement)."""
        reject_nul(answers)
        self._conn.execute(
            _SAVE[self._conn.dialect.name],
            {
                "b_consent": consent_id,
                "b_checklist": checklist,
                "b_answers": self._db.cipher.seal_json(answers),
                "b_by": by_id,
                "b_now": now,
            },
        )

    def load(
        self, consent_id: str, checklist: str, since: dt.datetime
    ) -> StoredChecklistDraft | None:
        """The draft last changed after ``since``, or None."""
        row = self._conn.execute(
            _LOAD, {"b_consent": consent_id, "b_checklist": checklist, "b_since": since}
        ).one_or_none()
        if row is None:
            return None
        return StoredChecklistDraft(
            answers=dict(self._db.cipher.open_json(row.answers)),
            by_id=row.by_id,
            by_name=row.display_name,
            created_at=row.created_at,
            updated_at=row.updated_at,
        )

    def clear(self, consent_id: str, checklist: str) -> None:
        """Drop the draft: the checklist was submitted (the record now holds the answers)."""
        self._conn.execute(
            delete(table).where(table.c.consent_id == consent_id, table.c.checklist == checklist)
        )

    def purge_older_than(self, cutoff: dt.datetime) -> int:
        """Delete drafts nobody has touched since ``cutoff``; returns how many."""
        return int(self._conn.execute(delete(table).where(table.c.updated_at <= cutoff)).rowcount)
