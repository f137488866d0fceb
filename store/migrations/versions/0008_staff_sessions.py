"""Staff sessions survive a lost app server (issue #18): sessions and one-time sign-in tickets in the database.

Revision ID: 0008_staff_sessions
Revises: 0007_clinic_identity
Create Date: 2026-12-02

Schema: ``staff_sessions`` is new: one row per staff sign-in (its id is the session id the
audit events already carry), the account, when it began, when it was last seen (saved at most
once a minute), its absolute expiry, and when and why it ended (user, idle, handoff, ...). The
browser keeps a random token in an HttpOnly cookie; only its SHA-256 is stored
(``token_hash``). ``staff_session_tickets`` is new: the SHA-256 of a one-time ticket (about a
minute) the browser trades for that cookie, and when it was used.

Nothing stored before changes. Safe to re-run: each table is created only when missing.
Downgrade drops both (everyone signed in signs in again).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_staff_sessions"
down_revision = "0007_clinic_identity"
branch_labels = None
depends_on = None

SESSIONS = "staff_sessions"
TICKETS = "staff_session_tickets"


def _tables() -> set[str]:
    return set(sa.inspect(op.get_bind()).get_table_names())


def upgrade() -> None:
    tables = _tables()
    if SESSIONS not in tables:
        op.create_table(
            SESSIONS,
            sa.Column("id", sa.String(128), nullable=False),
            sa.Column("token_hash", sa.String(64), nullable=True),
            sa.Column("user_id", sa.Integer(), nullable=False),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
            sa.Column("ended_reason", sa.String(32), nullable=True),
            sa.ForeignKeyConstraint(
                ["user_id"], ["staff_users.id"], name="fk_staff_sessions_user_id_staff_users"
            ),
            sa.PrimaryKeyConstraint("id", name="pk_staff_sessions"),
            sa.UniqueConstraint("token_hash", name="uq_staff_sessions_token_hash"),
        )
        op.create_index("ix_staff_sessions_user_id", SESSIONS, ["user_id"], unique=False)
    if TICKETS not in tables:
        op.create_table(
            TICKETS,
            sa.Column("ticket_hash", sa.String(64), nullable=False),
            sa.Column("session_id", sa.String(128), nullable=False),
            sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
            sa.ForeignKeyConstraint(
                ["session_id"],
                ["staff_sessions.id"],
                name="fk_staff_session_tickets_session_id_staff_sessions",
            ),
            sa.PrimaryKeyConstraint("ticket_hash", name="pk_staff_session_tickets"),
        )
        op.create_index(
            "ix_staff_session_tickets_session_id", TICKETS, ["session_id"], unique=False
        )


def downgrade() -> None:
    tables = _tables()
    if TICKETS in tables:
        op.drop_index("ix_staff_session_tickets_session_id", table_name=TICKETS)
        op.drop_table(TICKETS)
    if SESSIONS in tables:
        op.drop_index("ix_staff_sessions_user_id", table_name=SESSIONS)
        op.drop_table(SESSIONS)
