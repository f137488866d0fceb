"""Search reads indexes alone (issue #17): two indexes gain the consent id.

Revision ID: 0006_search_indexes
Revises: 0005_pack_activations
Create Date: 2026-12-20

Schema: ``ix_consents_name_key`` becomes (name_key, id) and ``ix_search_tags_tag`` becomes
(tag, consent_id), so a name search finds its consent ids in the index without reading the
consent rows (each row holds the whole record) or the tag table.

Nothing stored changes: no record, tag, hash, sealed PDF or audit event; only the two indexes
are rebuilt. Safe to re-run: each index is rebuilt only when it does not have its new columns.
Downgrade puts back the one-column indexes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_search_indexes"
down_revision = "0005_pack_activations"
branch_labels = None
depends_on = None

# index name -> (table, columns before, columns after)
INDEXES = {
    "ix_consents_name_key": ("consents", ["name_key"], ["name_key", "id"]),
    "ix_search_tags_tag": ("search_tags", ["tag"], ["tag", "consent_id"]),
}


def _columns(table: str, name: str) -> list[str] | None:
    for index in sa.inspect(op.get_bind()).get_indexes(table):
        if index["name"] == name:
            return list(index["column_names"])
    return None


def _rebuild(which: int) -> None:
    for name, (table, *shapes) in INDEXES.items():
        wanted = shapes[which]
        present = _columns(table, name)
        if present == wanted:
            continue
        if present is not None:
            op.drop_index(name, table_name=table)
        op.create_index(name, table, wanted, unique=False)


def upgrade() -> None:
    _rebuild(1)


def downgrade() -> None:
    _rebuild(0)
