"""Mark the file as a Credit Ledger in SQLite's header (`PRAGMA application_id`).

Revision ID: 0004
Revises: 0003

Tools such as `file(1)` can then tell a ledger apart, and the app tells its own files from another
program's SQLite database by the header alone.
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

LEDGER_APPLICATION_ID = 0x43724C67  # the same value as ledger.storage.schema; revisions never import the app


def upgrade() -> None:
    op.execute(f"PRAGMA application_id = {LEDGER_APPLICATION_ID}")
