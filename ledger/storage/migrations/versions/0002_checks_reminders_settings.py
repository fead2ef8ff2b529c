"""Checkout observations, the reminder log, settings, and per-credit reminder controls.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("credit") as batch:
        batch.add_column(sa.Column("reminders_muted", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("snoozed_until", sa.Date(), nullable=True))
    op.create_table(
        "checkout_check",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("credit_id", sa.Integer(), sa.ForeignKey("credit.id", ondelete="CASCADE"), nullable=False),
        sa.Column("use", sa.String(), nullable=False),
        sa.Column("outcome", sa.String(), nullable=False),
        sa.Column("observed_at", sa.String(), nullable=False),
        sa.Column("note", sa.String(), nullable=False),
    )
    op.create_index("ix_checkout_check_credit_id", "checkout_check", ["credit_id"])
    op.create_table(
        "reminder_sent",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("credit_id", sa.Integer(), sa.ForeignKey("credit.id", ondelete="CASCADE"), nullable=False),
        sa.Column("lead_days", sa.Integer(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.Column("sent_at", sa.String(), nullable=False),
        sa.Column("channel", sa.String(), nullable=False),
        sa.UniqueConstraint("credit_id", "lead_days", "expires_on", name="uq_reminder_once"),
    )
    op.create_index("ix_reminder_sent_credit_id", "reminder_sent", ["credit_id"])
    op.create_table(
        "settings",
        sa.Column("key", sa.String(), primary_key=True),
        sa.Column("value", sa.String(), nullable=False),
    )
