"""One identity for the clinic across app servers (issue #18): the seal the database knows.

Revision ID: 0007_clinic_identity
Revises: 0006_search_indexes
Create Date: 2026-12-02

PLACEHOLDER while issue #18 is built: its owner fills in the schema change and this docstring.
"""

from __future__ import annotations

revision = "0007_clinic_identity"
down_revision = "0006_search_indexes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
