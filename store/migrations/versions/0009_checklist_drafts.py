"""The nurse's unsaved checklist answers kept as a draft (issue #18).

Revision ID: 0009_checklist_drafts
Revises: 0008_staff_sessions
Create Date: 2026-12-02

PLACEHOLDER while issue #18 is built: its owner fills in the schema change and this docstring.
"""

from __future__ import annotations

revision = "0009_checklist_drafts"
down_revision = "0008_staff_sessions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
