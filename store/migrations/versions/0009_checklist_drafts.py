"""The nurse's unsaved checklist answers kept as a draft (issue #18).

Revision ID: 0009_checklist_drafts
Revises: 0008_staff_sessions
Create Date: 2026-12-02

Schema: ``checklist_drafts`` is new: one row per consent and staff checklist (``verify``,
``timeout``, ``sign_out``) holding the answers given so far (codes, and the notes typed; a JSON
value sealed as ``{"enc1": token}`` with a key), who answered last (a staff id) and when. A
row is written at each answer and deleted in the transaction that submits the checklist, so a
nurse whose app server goes away finds her answers on the next one. It is not the record: the
PDF, FHIR and the audit chain never read it.

Nothing stored before changes. Safe to re-run: the table is created only when missing.
Downgrade drops the table (only unsubmitted answers are lost).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_checklist_drafts"
down_revision = "0008_staff_sessions"
branch_labels = None
depends_on = None

TABLE = "checklist_drafts"
INDEX = "ix_checklist_drafts_updated_at"


def _exists() -> bool:
    return TABLE in sa.inspect(op.get_bind()).get_table_names()


def upgrade() -> None:
    if _exists():
        return
    op.create_table(
        TABLE,
        sa.Column("consent_id", sa.String(36), nullable=False),
        sa.Column("checklist", sa.String(16), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["consent_id"], ["consents.id"], name="fk_checklist_drafts_consent_id_consents"
        ),
        sa.ForeignKeyConstraint(
            ["by_id"], ["staff_users.id"], name="fk_checklist_drafts_by_id_staff_users"
        ),
        sa.PrimaryKeyConstraint("consent_id", "checklist", name="pk_checklist_drafts"),
    )
    op.create_index(INDEX, TABLE, ["updated_at"], unique=False)


def downgrade() -> None:
    if _exists():
        op.drop_index(INDEX, table_name=TABLE)
        op.drop_table(TABLE)
