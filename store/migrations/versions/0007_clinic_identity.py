"""One identity for the clinic across app servers (issue #18): the seal the database knows.

Revision ID: 0007_clinic_identity
Revises: 0006_search_indexes
Create Date: 2026-12-02

Schema: ``clinic_seals`` is new: the clinic's seal certificates (SHA-256 fingerprint, where the key
comes from: generated or PKCS#12, the certificate's PEM, when added), one of them current; for a
generated seal in use, its private key (PKCS#8, encrypted under CONSENT_SEAL_KEY_PASSPHRASE when
one is set). Every server seals with the current seal and trusts them all.

No row is written here: the first server to start after the upgrade records its seal, and a
generated key already in its data directory is adopted as it is, so every PDF it sealed before
still verifies. Nothing stored before changes. Safe to re-run: the table is created only when
missing. Downgrade drops the table; a generated key that lived only in it is lost with it, so
back up first (its PDFs keep their seal, but only the certificate in them would remain).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_clinic_identity"
down_revision = "0006_search_indexes"
branch_labels = None
depends_on = None

TABLE = "clinic_seals"


def _exists() -> bool:
    return TABLE in sa.inspect(op.get_bind()).get_table_names()


def upgrade() -> None:
    if _exists():
        return
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer(), sa.Identity(always=False), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("certificate", sa.Text(), nullable=False),
        sa.Column("private_key", sa.LargeBinary(), nullable=True),
        sa.Column("current", sa.Boolean(), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_clinic_seals"),
        sa.UniqueConstraint("fingerprint", name="uq_clinic_seals_fingerprint"),
        sqlite_autoincrement=True,
    )


def downgrade() -> None:
    if _exists():
        op.drop_table(TABLE)
