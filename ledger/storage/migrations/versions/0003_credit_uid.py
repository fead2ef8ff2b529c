"""A stable random identity for every credit (`credit.uid`), used by JSON exports and merges.

Revision ID: 0003
Revises: 0002

Existing credits get a fresh uuid4 each; the column is then made NOT NULL and UNIQUE. Credits
inserted without a uid (raw SQL) get one from SQLite's own random generator.
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

UID_SQL_DEFAULT = "(lower(hex(randomblob(16))))"


def upgrade() -> None:
    with op.batch_alter_table("credit") as batch:
        batch.add_column(sa.Column("uid", sa.String(), nullable=True))
    bind = op.get_bind()
    ids = [row[0] for row in bind.execute(sa.text("SELECT id FROM credit ORDER BY id"))]
    if ids:
        bind.execute(
            sa.text("UPDATE credit SET uid = :uid WHERE id = :id"),
            [{"uid": uuid.uuid4().hex, "id": credit_id} for credit_id in ids],
        )
    with op.batch_alter_table("credit") as batch:
        batch.alter_column("uid", existing_type=sa.String(), nullable=False, server_default=sa.text(UID_SQL_DEFAULT))
        batch.create_index("ix_credit_uid", ["uid"], unique=True)
