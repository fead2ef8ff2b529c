"""What a credit's own terms say about each use (`credit.terms_by_use`), as the user recorded it.

Revision ID: 0005
Revises: 0004

A JSON object such as {"amazon_gift_cards": "forbid"}; a use the terms are silent on has no key.
Additive: every existing credit starts with nothing recorded ('{}'), so its answers do not change.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("credit") as batch:
        batch.add_column(sa.Column("terms_by_use", sa.Text(), nullable=False, server_default=sa.text("'{}'")))
