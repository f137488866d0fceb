"""Which content version is active: an admin's activations (the versions page, issue #14).

Revision ID: 0005_pack_activations
Revises: 0004_courses
Create Date: 2026-12-15

Schema: ``pack_activations`` is new: one row each time an admin makes a pack version active for
a language (pack id, language, version, when, the staff member's id and display name). Rows are
only added; the newest per (pack, language) is the active version unless the setting
CONSENT_ACTIVE_VERSIONS pins one. No row exists after the upgrade, so every clinic keeps the
version it ran before (the pinned one, else the newest on disk) until an admin chooses.

Nothing stored before changes: no record, hash, sealed PDF or audit event. Safe to re-run: the
table is created only when missing. Downgrade drops the table (the activations are also in the
audit trail as ``pack.activated``).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_pack_activations"
down_revision = "0004_courses"
branch_labels = None
depends_on = None

TABLE = "pack_activations"


def _exists() -> bool:
    return TABLE in sa.inspect(op.get_bind()).get_table_names()


def upgrade() -> None:
    if _exists():
        return
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer(), sa.Identity(always=False), nullable=False),
        sa.Column("pack_id", sa.String(64), nullable=False),
        sa.Column("language", sa.String(16), nullable=False),
        sa.Column("version", sa.String(32), nullable=False),
        sa.Column("activated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("activated_by_id", sa.Integer(), nullable=False),
        sa.Column("activated_by_name", sa.String(120), nullable=False),
        sa.ForeignKeyConstraint(
            ["activated_by_id"],
            ["staff_users.id"],
            name="fk_pack_activations_activated_by_id_staff_users",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_pack_activations"),
        sqlite_autoincrement=True,  # ids only grow: "newest" is the highest id
    )
    op.create_index(
        "ix_pack_activations_pack_id", TABLE, ["pack_id", "language", "id"], unique=False
    )


def downgrade() -> None:
    if _exists():
        op.drop_index("ix_pack_activations_pack_id", table_name=TABLE)
        op.drop_table(TABLE)
