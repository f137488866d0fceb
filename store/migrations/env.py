"""Alembic environment. Configured in code by store.db (no alembic.ini needed).

store.db passes an open connection (already inside a transaction, and on PostgreSQL holding an
advisory lock so two app servers starting together do not both migrate).
"""

from __future__ import annotations

from alembic import context

from store.tables import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through store.db.open_database or `python cli.py init`")

context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite cannot ALTER most things
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
