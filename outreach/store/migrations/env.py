"""Alembic environment for the local store.

Migrations only ever run programmatically, on the connection that
`outreach.store.database` hands over in `config.attributes["connection"]`,
one transaction per step together with the schema number (PRAGMA user_version).
"""

from __future__ import annotations

from typing import Any

from alembic import context


def _run(config: Any) -> None:
    context.configure(
        connection=config.attributes["connection"],
        target_metadata=None,
        transaction_per_migration=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


_config: Any
try:
    _config = context.config
except AttributeError:  # imported outside a migration run (e.g. a check that imports every module)
    _config = None
if _config is not None:
    _run(_config)
