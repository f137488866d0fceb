"""Staff sessions survive a lost app server (issue #18): sessions and one-time sign-in tickets in the database.

Revision ID: 0008_staff_sessions
Revises: 0007_clinic_identity
Create Date: 2026-12-02

PLACEHOLDER while issue #18 is built: its owner fills in the schema change and this docstring.
"""

from __future__ import annotations

revision = "0008_staff_sessions"
down_revision = "0007_clinic_identity"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
