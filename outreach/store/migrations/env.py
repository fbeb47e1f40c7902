"""Alembic environment for the local store.

Migrations only ever run programmatically, on the connection that
`outreach.store.database.migrate` hands over in `config.attributes["connection"]`,
inside one transaction per step together with the schema number (PRAGMA user_version).
"""

from __future__ import annotations

from alembic import context

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=None,
    transaction_per_migration=True,
    render_as_batch=True,
)
with context.begin_transaction():
    context.run_migrations()
