"""Backups taken before the vault existed hold plain claim codes: when their ledger is upgraded, they are sealed too.

Each such backup is upgraded the way a restore upgrades a copy (`restore.prepare_copy`), with the
ledger's own key, so backup and ledger share one key id; the sealed copy then takes the backup's
name (its date and reason stay), and the old file's bytes are overwritten with zeros before it
goes. A backup that is damaged or not a ledger cannot be opened to seal and is left as it is.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from ledger.private_files import publish, staging_file
from ledger.storage.backup import list_backups
from ledger.storage.inspection import LedgerFileError, inspect_revision
from ledger.storage.paths import backup_staging_prefix, backups_dir
from ledger.storage.restore import prepare_copy
from ledger.storage.schema import holds_plain_codes
from ledger.storage.sqlite_files import connect_readonly

if TYPE_CHECKING:
    from ledger.vault.ledger_key import UpgradeKey

_CHUNK = 1 << 20


def holds_plain_code(path: Path) -> bool:
    """Whether a ledger file (a backup) was written before the vault and still holds a claim code in plain text."""
    try:
        revision = inspect_revision(path)
    except LedgerFileError:
        return False
    if not holds_plain_codes(revision):
        return False
    con = connect_readonly(path)
    try:
        return con.execute("SELECT 1 FROM credit WHERE claim_code != '' LIMIT 1").fetchone() is not None
    finally:
        con.close()


def seal_plain_backups(ledger_path: Path, key: UpgradeKey | None) -> UpgradeKey | None:
    """Seal the codes of every backup of this ledger that holds them in plain text; returns the key used.

    Without a key (the ledger itself had no codes) one new key is made for all of them, only if one is needed.
    """
    for info in list_backups(ledger_path):
        if not holds_plain_code(info.path):
            continue
        if key is None:
            from ledger.vault.ledger_key import key_for_upgrade

            key = key_for_upgrade()
        _seal_backup(ledger_path, info.path, key)
    return key


def _seal_backup(ledger_path: Path, backup: Path, key: UpgradeKey) -> None:
    with staging_file(backups_dir(ledger_path), backup_staging_prefix(ledger_path)) as staged:
        prepare_copy(backup, staged.path, key)
        with open(backup, "r+b") as old:
            publish(staged.path, backup, replace=True)
            _overwrite(old.fileno())


def _overwrite(descriptor: int) -> None:
    """Zeros over a replaced file's bytes, so its plain codes are not left on disk with its name gone."""
    size = os.fstat(descriptor).st_size
    os.lseek(descriptor, 0, os.SEEK_SET)
    zeros = bytes(_CHUNK)
    while size > 0:
        written = os.write(descriptor, zeros[: min(size, _CHUNK)])
        size -= written
    os.fsync(descriptor)
