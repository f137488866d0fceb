"""The treatment course: consents say whether they are a full consent or a visit, and link to
their course and to the consent they replace.

Revision ID: 0004_courses
Revises: 0003
Create Date: 2026-12-15

Schema: ``consents`` gains three listing columns, copies of the record (issue #14):
``kind`` ("consent" | "visit", not null, default "consent"), ``course_id`` (a visit's course
consent id, indexed) and ``replaces_id`` (a re-consent's replaced consent id, indexed). They are
ids and codes, never personal, so they stay in clear with a key. The record JSON stays the
source of truth (store/consents.py writes the columns from ``kind``, ``visit_of.consent_id`` and
``replaces.consent_id``) and this revision does not change it: no record hash and no sealed PDF
changes, no audit event is appended.

Every consent stored before this revision is a full consent: the default gives it
``kind='consent'`` and NULL links. A record that already says otherwise (written by code newer
than its schema, or a database downgraded and upgraded again) gets its columns copied from the
record; with a key its record is opened with the clinic's key (handed in by store.db, as for
0003); a record that cannot be opened keeps the defaults and is named by ``check-all`` as ever.

SQLite adds and drops the columns in place (ALTER TABLE ... ADD/DROP COLUMN, SQLite 3.35+), not
by Alembic's batch copy of the table, for the reason 0003 gives: dropping ``consents`` to copy it
is refused by the foreign keys of every table pointing at it. PostgreSQL alters the table.
Safe to re-run: each step looks first. Downgrade drops the indexes and columns; the records
still hold everything, so upgrading again restores them.
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from alembic import context, op

revision = "0004_courses"
down_revision = "0003"
branch_labels = None
depends_on = None

_INDEXED = ("course_id", "replaces_id")

consents = sa.table(
    "consents",
    sa.column("id", sa.String(36)),
    sa.column("record", sa.Text()),
    sa.column("kind", sa.String(16)),
    sa.column("course_id", sa.String(36)),
    sa.column("replaces_id", sa.String(36)),
)


def _columns() -> set[str]:
    return {c["name"] for c in sa.inspect(op.get_bind()).get_columns("consents")}


def _indexes() -> set[str]:
    return {ix["name"] for ix in sa.inspect(op.get_bind()).get_indexes("consents")}


def _links(record: dict[str, Any]) -> dict[str, Any]:
    """The listing columns as store/consents.py writes them (frozen here)."""
    visit_of, replaces = record.get("visit_of"), record.get("replaces")
    return {
        "kind": record.get("kind") or "consent",
        "course_id": str(visit_of["consent_id"]) if isinstance(visit_of, dict) else None,
        "replaces_id": str(replaces["consent_id"]) if isinstance(replaces, dict) else None,
    }


def _open(raw: Any) -> dict[str, Any] | None:
    cipher = context.config.attributes.get("cipher")
    try:
        value = json.loads(raw) if isinstance(raw, str) else raw
        if cipher is not None and isinstance(value, dict) and list(value) == ["enc1"]:
            value = cipher.open_json(value)
    except Exception:
        return None
    return value if isinstance(value, dict) else None


def _copy_from_records() -> None:
    conn = op.get_bind()
    for row in conn.execute(sa.select(consents.c.id, consents.c.record)).all():
        record = _open(row.record)
        if record is None:
            continue
        links = _links(record)
        if links != {"kind": "consent", "course_id": None, "replaces_id": None}:
            conn.execute(sa.update(consents).where(consents.c.id == row.id).values(**links))


def upgrade() -> None:
    have = _columns()
    if "kind" not in have:
        op.add_column(
            "consents",
            sa.Column("kind", sa.String(16), nullable=False, server_default="consent"),
        )
    for name in _INDEXED:
        if name not in have:
            op.add_column("consents", sa.Column(name, sa.String(36), nullable=True))
    indexes = _indexes()
    for name in _INDEXED:
        if f"ix_consents_{name}" not in indexes:
            op.create_index(f"ix_consents_{name}", "consents", [name])
    _copy_from_records()


def downgrade() -> None:
    indexes = _indexes()
    for name in _INDEXED:
        if f"ix_consents_{name}" in indexes:
            op.drop_index(f"ix_consents_{name}", table_name="consents")
    have = _columns()
    for name in ("replaces_id", "course_id", "kind"):
        if name in have:
            op.execute(f"ALTER TABLE consents DROP COLUMN {name}")
