"""Credits from files: reading them safely, and inserts of many rows in one statement.

Imports write through the session's own connection with `executemany`, so 100,000 rows cost
about what plain sqlite3 costs; building one ORM object per row would be many times slower.
"""

from __future__ import annotations

import gc
import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy.dialects.sqlite import dialect as sqlite_dialect
from sqlmodel import Session

from ledger.errors import LedgerError
from ledger.file_reading import Refusal, UnreadableFile, read_regular_file
from ledger.storage.backup import backup_now
from ledger.storage.models import Categories, TermsByUse, UTCDateTime
from ledger.storage.settings import load_settings
from ledger.storage.sqlite_files import held_here
from ledger.storage.store import Ledger
from ledger.validation import CheckedCredit

MAX_IMPORT_BYTES = 50_000_000

CREDIT_COLUMNS = (
    "id",
    "uid",
    "merchant",
    "region",
    "source",
    "title",
    "currency",
    "amount_minor",
    "received_on",
    "expires_on",
    "reference",
    "terms",
    "terms_url",
    "categories",
    "terms_by_use",
    "claim_code_sealed",
    "notes",
    "archived",
    "reminders_muted",
    "snoozed_until",
    "created_at",
    "updated_at",
)
ENTRY_COLUMNS = ("credit_id", "kind", "amount_minor", "occurred_on", "note", "created_at")
CHECK_COLUMNS = ("credit_id", "use", "outcome", "observed_at", "note")
REMINDER_COLUMNS = ("credit_id", "lead_days", "expires_on", "sent_at", "channel")

# The column types' own encoders, so stored text matches what the ORM writes byte for byte.
_TIMESTAMP = UTCDateTime()
_CATEGORIES = Categories()
_TERMS_BY_USE = TermsByUse()
_SQLITE = sqlite_dialect()


def timestamp_text(moment: datetime) -> str:
    """An aware timestamp as the ledger stores it (ISO 8601, UTC, microseconds)."""
    text = _TIMESTAMP.process_bind_param(moment, _SQLITE)
    assert text is not None
    return text


@lru_cache(maxsize=8192)
def _day_text(day: date) -> str:
    return day.isoformat()


@lru_cache(maxsize=1024)
def categories_text(categories: tuple[str, ...]) -> str:
    """Categories as the ledger stores them (a JSON array)."""
    text = _CATEGORIES.process_bind_param(list(categories), _SQLITE)
    assert text is not None
    return text


def terms_by_use_text(said: dict[str, str]) -> str:
    """What the terms say per use, as the ledger stores it (a JSON object)."""
    return _TERMS_BY_USE.process_bind_param(said, _SQLITE)


def terms_by_use_from_text(text: str | None) -> dict[str, str]:
    """What the terms say per use, as stored (a JSON object), decoded as the ORM decodes it."""
    return _TERMS_BY_USE.process_result_value(text, _SQLITE)


def new_uids(count: int) -> list[str]:
    """`count` fresh random credit uids (32 hex digits, as `models.new_uid`), from one call to the OS's generator."""
    blob = os.urandom(16 * count).hex()
    return [blob[start : start + 32] for start in range(0, 32 * count, 32)]


def credit_row(
    credit: CheckedCredit,
    credit_id: int,
    uid: str,
    created_at: str,
    updated_at: str,
    *,
    archived: bool = False,
    reminders_muted: bool = False,
    snoozed_until: date | None = None,
    claim_code_sealed: bytes | None = None,
) -> tuple[Any, ...]:
    """The values of one `credit` row, in CREDIT_COLUMNS order; timestamps already as stored text.

    The claim code goes in only sealed (ledger.vault.codes.sealed_code): `credit.claim_code` is never stored.
    """
    expires_on = credit.expires_on
    return (
        credit_id,
        uid,
        credit.merchant,
        credit.region,
        credit.source,
        credit.title,
        credit.currency,
        credit.amount_minor,
        _day_text(credit.received_on),
        None if expires_on is None else _day_text(expires_on),
        credit.reference,
        credit.terms,
        credit.terms_url,
        categories_text(credit.categories),
        terms_by_use_text(credit.terms_by_use),
        claim_code_sealed,
        credit.notes,
        int(archived),
        int(reminders_muted),
        None if snoozed_until is None else snoozed_until.isoformat(),
        created_at,
        updated_at,
    )


def categories_from_text(text: str | None) -> list[str]:
    """Categories as stored (a JSON array), decoded as the ORM decodes them."""
    return _CATEGORIES.process_result_value(text, _SQLITE)


def next_credit_id(session: Session) -> int:
    """The first id above every stored credit; safe to count on inside a `Ledger.writing()` session."""
    row = session.connection().exec_driver_sql("SELECT COALESCE(MAX(id), 0) FROM credit").fetchone()
    return int(row[0] if row is not None else 0) + 1


def credit_count(session: Session) -> int:
    """How many credits the ledger holds."""
    row = session.connection().exec_driver_sql("SELECT COUNT(*) FROM credit").fetchone()
    return int(row[0] if row is not None else 0)


def insert_rows(
    session: Session,
    *,
    credits: Sequence[tuple[Any, ...]] = (),
    entries: Sequence[tuple[Any, ...]] = (),
    checks: Sequence[tuple[Any, ...]] = (),
    reminders: Sequence[tuple[Any, ...]] = (),
) -> None:
    """Insert prepared rows with one `executemany` per table, inside the session's transaction."""
    driver: Any = session.connection().connection.driver_connection
    assert isinstance(driver, sqlite3.Connection)
    for table, columns, rows in (
        ("credit", CREDIT_COLUMNS, credits),
        ("entry", ENTRY_COLUMNS, entries),
        ("checkout_check", CHECK_COLUMNS, checks),
        ("reminder_sent", REMINDER_COLUMNS, reminders),
    ):
        if rows:
            marks = ", ".join("?" for _ in columns)
            driver.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)


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
