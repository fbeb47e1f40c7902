"""${message}

Revision ID: ${up_revision}
Revises: ${down_revision | comma,n}
"""

from alembic import op

revision = ${repr(up_revision)}
down_revision = ${repr(down_revision)}
branch_labels = None
depends_on = None

# The schema number this step leads to (PRAGMA user_version); bump it by one.
SCHEMA_NUMBER = 0


def upgrade() -> None:
    ${upgrades if upgrades else "pass"}
    op.execute(f"PRAGMA user_version = {SCHEMA_NUMBER}")
