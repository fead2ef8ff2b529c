"""Putting a backup back: the ledger's contents replaced in one transaction, never the file swapped under a writer.

A healthy ledger keeps its file. The restore takes the write lock, backs the ledger up under that
lock, replaces every table's rows with the backup's and commits: a process that has the ledger
open (the tray app, a cron job) sees an ordinary commit, and no write can fall between the backup
and the restore (the 'before-restore' copy holds everything committed until then). The file's
generation (`PRAGMA user_version`) goes up by one, so a process that read the ledger before is told
its view is stale before it writes (`Ledger.writing`). Reminders already shown for a credit that the
backup also has are kept, so a restore never repeats a reminder.

Only a missing or damaged ledger is replaced as a file: the damaged one is set aside first.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ledger.private_files import publish, staging_file
from ledger.storage.backup import (
    STAMP_FORMAT,
    BackupError,
    check_restorable,
    copy_database,
    is_healthy_ledger,
    make_backup,
    prune_backups,
)
from ledger.storage.db import connection_to, describe_failure, migrate, prepare_ledger
from ledger.storage.inspection import LedgerFileError, inspect_revision, quick_check
from ledger.storage.paths import restore_staging_prefix
from ledger.storage.sqlite_files import SIDECARS

if TYPE_CHECKING:
    from ledger.vault.ledger_key import UpgradeKey

# Children after parents: rows are inserted in this order and deleted in the reverse.
# The vault row goes with the codes: it names the key that sealed the backup's codes.
TABLES = ("credit", "entry", "checkout_check", "reminder_sent", "settings", "vault")


@dataclass(frozen=True)
class RestoreReport:
    """What a restore did: the file restored, the copy made of the previous ledger, a damaged file set aside."""

    restored_from: Path
    previous_backup: Path | None
    damaged_copy: Path | None


def restore_backup(ledger_path: Path, source: Path, now: datetime, keep: int) -> RestoreReport:
    """Replace the ledger's contents with a checked backup; the ledger is backed up first (or set aside if damaged)."""
    check_restorable(source, ledger_path)
    if ledger_path.exists() and source.resolve() == ledger_path.resolve():
        raise BackupError(f"{source} is the ledger itself, not a backup of it")
    previous: Path | None = None
    damaged: Path | None = None
    try:
        with staging_file(ledger_path.parent, restore_staging_prefix(ledger_path)) as staged:
            staging = staged.path
            prepare_copy(source, staging)
            if is_healthy_ledger(ledger_path):
                previous = _replace_contents(ledger_path, staging, now)
            else:
                damaged = _replace_file(ledger_path, staging, now)
    except sqlite3.Error as error:
        raise BackupError(f"could not restore {source}: {describe_failure(error)}") from None
    except OSError as error:
        raise BackupError(f"could not restore {source}: {error.strerror or error}; nothing was changed") from None
    prune_backups(ledger_path, keep)
    return RestoreReport(restored_from=source, previous_backup=previous, damaged_copy=damaged)


def prepare_copy(source: Path, staging: Path, vault_key: UpgradeKey | None = None) -> None:
    """Copy the backup to the staging file, check the copy, and bring it to this app's schema.

    Plain claim codes in an old backup are sealed on the way, with `vault_key` when given (else a new key).
    """
    try:
        copy_database(source, staging)
    except (OSError, sqlite3.Error) as error:
        raise BackupError(f"could not copy {source}: {error}; nothing was changed") from None
    problem = quick_check(staging)
    if problem is not None:
        raise BackupError(f"the copy of {source} failed its check ({problem}); nothing was changed")
    try:
        current = inspect_revision(staging)
    except LedgerFileError as error:
        raise BackupError(f"cannot restore from {source}: {error}") from None
    migrate(staging, current, backup=False, vault_key=vault_key)
    # Back to a single still file (the upgrade ran in WAL mode): the copy may become the ledger file itself.
    con = sqlite3.connect(staging)
    try:
        con.execute("PRAGMA journal_mode = DELETE")
    finally:
        con.close()


def _replace_contents(ledger_path: Path, staging: Path, now: datetime) -> Path:
    """Back up the ledger and replace its rows with the staging copy's, all under one write lock."""
    # Brings an older ledger to this app's schema first.
    with connection_to(prepare_ledger(ledger_path)) as raw:
        # A plain file name (not a URI) is taken literally by SQLite, whatever characters it holds.
        raw.execute("ATTACH DATABASE ? AS restored", (str(staging),))
        try:
            return _copy_rows(raw, ledger_path, now)
        finally:
            raw.execute("DETACH DATABASE restored")


def _copy_rows(raw: sqlite3.Connection, ledger_path: Path, now: datetime) -> Path:
    raw.execute("BEGIN IMMEDIATE")
    try:
        # Taken while this connection holds the write lock: nothing can be committed between this
        # copy and the restore, so every write anyone was told was saved is in the copy.
        previous = make_backup(ledger_path, "before-restore", now)
        raw.execute("PRAGMA defer_foreign_keys = ON")
        raw.execute(
            "CREATE TEMP TABLE shown_reminders AS SELECT c.uid, r.lead_days, r.expires_on, r.sent_at, r.channel"
            " FROM main.reminder_sent r JOIN main.credit c ON c.id = r.credit_id"
        )
        for table in reversed(TABLES):
            raw.execute(f"DELETE FROM main.{table}")
        for table in TABLES:
            columns = ", ".join(f'"{row[1]}"' for row in raw.execute(f"PRAGMA main.table_info({table})"))
            raw.execute(f"INSERT INTO main.{table} ({columns}) SELECT {columns} FROM restored.{table}")
        raw.execute(
            "INSERT OR IGNORE INTO main.reminder_sent (credit_id, lead_days, expires_on, sent_at, channel)"
            " SELECT c.id, s.lead_days, s.expires_on, s.sent_at, s.channel"
            " FROM temp.shown_reminders s JOIN main.credit c ON c.uid = s.uid"
        )
        raw.execute("DROP TABLE temp.shown_reminders")
        generation = raw.execute("PRAGMA main.user_version").fetchone()[0]
        raw.execute(f"PRAGMA main.user_version = {int(generation) + 1}")
        broken = raw.execute("PRAGMA main.foreign_key_check").fetchall()
        if broken:
            raise BackupError(
                f"the backup's rows do not fit together ({len(broken)} broken links); nothing was changed"
            )
        raw.execute("COMMIT")
    except BaseException:
        raw.execute("ROLLBACK")
        raise
    return previous


def _replace_file(ledger_path: Path, staging: Path, now: datetime) -> Path | None:
    """Put the staging copy in place of a missing, empty or damaged ledger (a damaged one is set aside first)."""
    damaged = None
    if ledger_path.exists() and ledger_path.stat().st_size > 0:
        damaged = _set_aside(ledger_path, now)
    # Journal files of a ledger that is gone would be replayed over the restored file.
    for sidecar in _sidecars(ledger_path):
        if sidecar.exists():
            os.replace(sidecar, sidecar.with_name(sidecar.name + f".stale-{_stamp(now)}"))
    # Over an empty file (nothing in it to keep), else only where nothing holds the name.
    publish(staging, ledger_path, replace=ledger_path.exists())
    return damaged


def _stamp(now: datetime) -> str:
    return now.astimezone(UTC).strftime(STAMP_FORMAT)


def _sidecars(path: Path) -> list[Path]:
    return [path.with_name(path.name + suffix) for suffix in SIDECARS]


def _set_aside(ledger_path: Path, now: datetime) -> Path:
    """Move a damaged ledger and its journal files beside it under a `.damaged-<stamp>` name."""
    aside = ledger_path.with_name(f"{ledger_path.name}.damaged-{_stamp(now)}")
    for original in [ledger_path, *_sidecars(ledger_path)]:
        if original.exists():
            os.replace(original, aside.with_name(aside.name + original.name[len(ledger_path.name) :]))
    return aside
