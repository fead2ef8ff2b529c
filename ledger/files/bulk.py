"""Credits from files: reading them safely, and inserts of many rows in one statement.

Imports write with `executemany` on the ledger's connection, so 100,000 rows cost about what
plain sqlite3 costs; building one ORM object per row would be many times slower.
"""

from __future__ import annotations

import gc
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from ledger.errors import LedgerError
from ledger.file_reading import Refusal, UnreadableFile, read_regular_file
from ledger.storage.backup import backup_now
from ledger.storage.rows import (
    CHECK_COLUMNS,
    CREDIT_COLUMNS,
    ENTRY_COLUMNS,
    REMINDER_COLUMNS,
    categories_from_text,
    categories_text,
    credit_row,
    insert_sql,
    new_uids,
    terms_by_use_from_text,
    terms_by_use_text,
    timestamp_text,
)
from ledger.storage.settings import load_settings
from ledger.storage.sqlite_files import held_here
from ledger.storage.store import Ledger

__all__ = [
    "ImportReport",
    "categories_from_text",
    "categories_text",
    "credit_count",
    "credit_row",
    "insert_rows",
    "new_uids",
    "next_credit_id",
    "terms_by_use_from_text",
    "terms_by_use_text",
    "timestamp_text",
]

MAX_IMPORT_BYTES = 50_000_000


def next_credit_id(connection: sqlite3.Connection) -> int:
    """The first id above every stored credit; safe to count on inside a `Ledger.transaction()`."""
    row = connection.execute("SELECT COALESCE(MAX(id), 0) FROM credit").fetchone()
    return int(row[0] if row is not None else 0) + 1


def credit_count(connection: sqlite3.Connection) -> int:
    """How many credits the ledger holds."""
    row = connection.execute("SELECT COUNT(*) FROM credit").fetchone()
    return int(row[0] if row is not None else 0)


def insert_rows(
    connection: sqlite3.Connection,
    *,
    credits: Sequence[tuple[Any, ...]] = (),
    entries: Sequence[tuple[Any, ...]] = (),
    checks: Sequence[tuple[Any, ...]] = (),
    reminders: Sequence[tuple[Any, ...]] = (),
) -> None:
    """Insert prepared rows with one `executemany` per table, inside the connection's transaction."""
    for table, columns, rows in (
        ("credit", CREDIT_COLUMNS, credits),
        ("entry", ENTRY_COLUMNS, entries),
        ("checkout_check", CHECK_COLUMNS, checks),
        ("reminder_sent", REMINDER_COLUMNS, reminders),
    ):
        if rows:
            connection.executemany(insert_sql(table, columns), rows)


@dataclass(frozen=True)
class ImportReport:
    """What an import did (or, for a dry run, would do)."""

    format: str
    added: int
    skipped: int = 0
    spends: int = 0
    dry_run: bool = False
    backup: Path | None = None


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector during a bulk import.

    Rows of plain values make no reference cycles, but the collector would rescan them again and
    again while 100,000 of them pile up: that alone doubled the import time.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def read_import_file(path: Path) -> bytes:
    """The bytes of a file to import: a regular file only, never more than MAX_IMPORT_BYTES read.

    A pipe, a device (/dev/zero, /dev/urandom) or a folder is refused without reading: opening
    does not wait for a pipe's writer, and the size is checked on the opened file itself.
    """
    path = Path(path).expanduser()
    if held_here(path):
        # Reading it would close a descriptor of a file SQLite has open here, which drops its locks.
        raise LedgerError(f"{path} is the ledger itself (or its journal), not a file to import")
    try:
        return read_regular_file(path, MAX_IMPORT_BYTES)
    except UnreadableFile as refused:
        if refused.refusal is Refusal.FOLDER:
            raise LedgerError(f"{path} is a folder, not a file to import") from None
        if refused.refusal is Refusal.SPECIAL:
            raise LedgerError(
                f"{path} is not a regular file (a device or a pipe?); give the path of a .csv or .json file"
            ) from None
        if refused.refusal is Refusal.TOO_LARGE:
            size = refused.size
            shown = f"{size / 1_000_000:.1f} MB" if size else f"more than {MAX_IMPORT_BYTES // 1_000_000} MB"
            raise LedgerError(_too_big(path, shown)) from None
        raise LedgerError(f"cannot read {path}: {refused}") from None


def _too_big(path: Path, size: str) -> str:
    return (
        f"{path.name} is {size}; at most {MAX_IMPORT_BYTES // 1_000_000} MB can be imported at once: "
        "split it into smaller files"
    )


def backup_before_import(ledger: Ledger, now: datetime) -> Path | None:
    """The copy taken before an import writes anything (kept within the backups-to-keep setting)."""
    if ledger.path is None or not ledger.path.is_file():
        return None
    return backup_now(ledger.path, "before-import", now, load_settings(ledger).backups_to_keep)
