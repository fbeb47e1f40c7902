"""Alembic migrations of the local store, run by `outreach.store.database` when it opens a store."""
