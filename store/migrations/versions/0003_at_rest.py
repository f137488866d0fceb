"""Personal data encrypted at rest; a blind index for search.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-08

Schema: ``search_tags`` (consent id, HMAC tag; store/blind_index.py) is new; the columns that
hold ciphertext when a key is set become text: ``consents.date_of_birth`` (was a date; the ISO
date is kept, ``YYYY-MM-DD``), ``consents.mrn`` (was 40 characters), ``screening_answers.answer``
and ``.flag`` (were 16). SQLite cannot change a column's type in place: each column is added
anew, copied, the old one dropped and the new one renamed (SQLite 3.35+), because copying the
whole table as Alembic's batch mode does would drop ``consents``, which the foreign keys of every
table pointing at it refuse. PostgreSQL alters the columns.

Data: with CONSENT_ENCRYPTION_KEY set (store.db hands the cipher in through the Alembic config),
every personal value still in clear is encrypted and each consent's search tags are written,
by the same code as ``python cli.py init`` and ``rotate-key`` use (store.rekey, which touches only
columns present since this revision). Without a key nothing is encrypted; set one later and
``python cli.py init`` encrypts what is in clear.

Safe to re-run: each step looks first (the table exists, the column is already text, the value
is already ``enc1:...`` or ``{"enc1": ...}``) and leaves what is done alone.

The consent record's SHA-256 printed in sealed PDFs covers the record's content, not how it is
stored, so encrypting it changes no hash and appends no audit event.

Downgrade turns the columns back (and drops the index) only while nothing is encrypted; with
encrypted rows it stops with a message instead of losing them.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context, op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_TO_TEXT = {
    "consents": ("date_of_birth", "mrn"),
    "screening_answers": ("answer", "flag"),
}
_BACK = {
    ("consents", "date_of_birth"): (sa.Date(), "date_of_birth::date"),
    ("consents", "mrn"): (sa.String(40), None),
    ("screening_answers", "answer"): (sa.String(16), None),
    ("screening_answers", "flag"): (sa.String(16), None),
}


def _column_types(table: str) -> dict[str, sa.types.TypeEngine]:
    return {c["name"]: c["type"] for c in sa.inspect(op.get_bind()).get_columns(table)}


def _is_text(kind: sa.types.TypeEngine) -> bool:
    return isinstance(kind, sa.Text) or (
        isinstance(kind, sa.String) and kind.length is None and not isinstance(kind, sa.Enum)
    )


def _retype_sqlite(table: str, column: str, kind: str, not_null: bool) -> None:
    """SQLite: add the column anew, copy, drop the old one, rename (indexes on it rebuilt).

    Not Alembic's batch copy of the whole table: dropping ``consents`` would be refused by the
    foreign keys of every table pointing at it.
    """
    indexes = [
        ix for ix in sa.inspect(op.get_bind()).get_indexes(table) if column in ix["column_names"]
    ]
    for ix in indexes:
        op.execute(f"DROP INDEX {ix['name']}")
    spare = f"{column}__0003"
    op.execute(
        f"ALTER TABLE {table} ADD COLUMN {spare} {kind}"
        + (" NOT NULL DEFAULT ''" if not_null else "")
    )
    op.execute(f"UPDATE {table} SET {spare} = {column}")
    op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    op.execute(f"ALTER TABLE {table} RENAME COLUMN {spare} TO {column}")
    for ix in indexes:
        cols = ", ".join(ix["column_names"])
        op.execute(f"CREATE INDEX {ix['name']} ON {table} ({cols})")


def _retype(table: str, column: str, kind: sa.types.TypeEngine, using: str | None) -> None:
    existing = _column_types(table)[column]
    if op.get_bind().dialect.name == "sqlite":
        nullable = {c["name"]: c["nullable"] for c in sa.inspect(op.get_bind()).get_columns(table)}
        ddl = kind.compile(dialect=op.get_bind().dialect)
        _retype_sqlite(table, column, ddl, not nullable[column])
        return
    op.alter_column(table, column, type_=kind, existing_type=existing, postgresql_using=using)


def _widen(table: str, columns: tuple[str, ...]) -> None:
    types = _column_types(table)
    for col in columns:
        if not _is_text(types[col]):
            using = f"to_char({col}, 'YYYY-MM-DD')" if col == "date_of_birth" else None
            _retype(table, col, sa.Text(), using)


def upgrade() -> None:
    conn = op.get_bind()
    if "search_tags" not in sa.inspect(conn).get_table_names():
        op.create_table(
            "search_tags",
            sa.Column("consent_id", sa.String(36), nullable=False),
            sa.Column("tag", sa.String(32), nullable=False),
            sa.ForeignKeyConstraint(
                ["consent_id"], ["consents.id"], name="fk_search_tags_consent_id_consents"
            ),
            sa.PrimaryKeyConstraint("consent_id", "tag", name="pk_search_tags"),
        )
        op.create_index("ix_search_tags_tag", "search_tags", ["tag"])
    for table, columns in _TO_TEXT.items():
        _widen(table, columns)

    cipher = context.config.attributes.get("cipher")
    if cipher is not None and cipher.enabled:
        from store.rekey import rekey  # the one home of the stored format (see docstring)

        rekey(conn, cipher, cipher, rotate=False)


def downgrade() -> None:
    conn = op.get_bind()
    encrypted = conn.execute(
        sa.text("SELECT count(*) FROM consents WHERE legal_name LIKE 'enc1:%'")
    ).scalar_one()
    if encrypted:
        raise RuntimeError(
            f"{encrypted} consent(s) are encrypted: revision 0002 cannot read them. "
            "Restore a backup made before 0003 instead of downgrading."
        )
    op.drop_index("ix_search_tags_tag", table_name="search_tags")
    op.drop_table("search_tags")
    for table, columns in _TO_TEXT.items():
        for col in columns:
            kind, using = _BACK[(table, col)]
            _retype(table, col, kind, using)
