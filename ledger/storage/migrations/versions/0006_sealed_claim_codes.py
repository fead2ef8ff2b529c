"""Claim codes sealed by the vault (`credit.claim_code_sealed`); the plain `claim_code` column is gone.

Revision ID: 0006
Revises: 0005

Adds the `vault` table (the ledger's key id, where the key is kept, a check; never the key in the
clear) and seals every plain code with AES-GCM under the ledger's new data key (ledger.vault), then
drops the plain column. With `PRAGMA secure_delete` on (every connection has it), SQLite overwrites
the old cells and the freed pages with zeros; the caller then empties the write-ahead log.

An upgrade runs when a ledger is opened (by the window, by any command, by cron) and cannot ask
anyone for a passphrase. So it never needs one: the new key goes into the OS keyring when one
answers, and otherwise into a private key file in the user's config folder (0600, never beside the
ledger or its backups) until the next unlock moves it into the keyring or under a passphrase the
user chooses. Either way, after the upgrade no code is readable from the ledger file or its
backups alone, and none is lost: the key that opens them is kept before the upgrade commits.
Choosing instead to keep plain codes until someone could be asked would leave them readable
for as long as nobody opens the window; refusing to upgrade would stop reminders from cron.

A caller may hand over a key instead (`config.attributes["vault_key"]`, an UpgradeKey): the
ledger's backups are upgraded with the ledger's own key, so a backup and its ledger share one key
id. The key used is left in `config.attributes["vault_key_used"]`. A ledger without plain codes
gets no key at all: one is made when the first code is stored.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context, op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "vault",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key_id", sa.String(), nullable=False),
        sa.Column("keeper", sa.String(), nullable=False),
        sa.Column("wrapped_key", sa.LargeBinary(), nullable=True),
        sa.Column("key_check", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.String(), nullable=False),
        sa.CheckConstraint("id = 1", name="ck_vault_one_key"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key_id"),
    )
    with op.batch_alter_table("credit") as batch:
        batch.add_column(sa.Column("claim_code_sealed", sa.LargeBinary(), nullable=True))
    bind = op.get_bind()
    plain = bind.execute(sa.text("SELECT id, uid, claim_code FROM credit WHERE claim_code != '' ORDER BY id")).all()
    if plain:
        from ledger.vault.ledger_key import insert_row, key_for_upgrade

        attributes = context.config.attributes
        upgrade_key = attributes.get("vault_key") or key_for_upgrade()
        insert_row(bind.exec_driver_sql, upgrade_key.row)
        bind.execute(
            sa.text("UPDATE credit SET claim_code_sealed = :sealed, claim_code = '' WHERE id = :id"),
            [{"sealed": upgrade_key.key.seal_code(code, uid), "id": credit_id} for credit_id, uid, code in plain],
        )
        attributes["vault_key_used"] = upgrade_key
    with op.batch_alter_table("credit") as batch:
        batch.drop_column("claim_code")
