"""Opening a ledger file safely: checks, backup, migrations, pragmas, private permissions.

A file that is not a ledger, or a ledger written by a newer app, is refused before
anything writes to it, so it stays byte-for-byte as it was.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import URL, Engine, create_engine, event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import ConnectionPoolEntry

from ledger.errors import LedgerReplacedError, StorageError
from ledger.storage.backup import make_backup, newest_good_backup, remove_leftovers_of
from ledger.storage.inspection import DamagedLedgerError, LedgerFileError, check_usable, inspect_revision
from ledger.storage.schema import alembic_config, head_revision, holds_plain_codes
from ledger.storage.sqlite_files import hold, identity, release

BUSY_TIMEOUT_MS = 10_000
WRITE_OPTION = "ledger_write"
_FILE_KEY = "ledger_file"

if TYPE_CHECKING:
    from ledger.vault.ledger_key import UpgradeKey


def _make_private(path: Path) -> None:
    """Create the folder (0700) and the empty file (0600) before SQLite does, so neither is readable by others."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))


@contextmanager
def storage_errors() -> Iterator[None]:
    """Turn a failure of the SQLite file itself into a StorageError that says it in plain words."""
    try:
        yield
    except DBAPIError as error:
        raise StorageError(describe_failure(error.orig or error)) from error
    except sqlite3.Error as error:
        raise StorageError(describe_failure(error)) from error


def describe_failure(error: BaseException) -> str:
    """What went wrong with the ledger file, for a person: busy, full, read-only, damaged or an I/O error."""
    text = str(error)
    if "locked" in text or "busy" in text:
        return "the ledger is busy in another program; nothing was saved. Try again in a moment"
    if "disk is full" in text:
        return "the disk is full; nothing was saved. Free some space and try again"
    if "readonly" in text or "read-only" in text:
        return "the ledger file cannot be written (read-only); nothing was saved"
    if "malformed" in text or "not a database" in text:
        return f"the ledger file is damaged ({text}); nothing was saved. Restore a backup (File → Backups)"
    return f"the ledger file could not be used ({text}); nothing was saved"


def _on_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
    # Transactions are begun by the "begin" hook below, not by the sqlite3 module,
    # so a write can take the lock up front (BEGIN IMMEDIATE) and never deadlock on upgrade.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA synchronous = NORMAL")
    # Deleted credits (and their claim codes) are overwritten, not left readable in free pages.
    cursor.execute("PRAGMA secure_delete = ON")
    cursor.close()


def create_ledger_engine(path: Path) -> Engine:
    """An engine with the ledger's pragmas; pass `execution_options(ledger_write=True)` for writers.

    Each connection remembers which file it opened. A write that finds another file at the path
    (the ledger was replaced behind its back) is refused with LedgerReplacedError, never written
    into the old, deleted file.
    """
    # A path is a path: built as a URL object, `%20` or `?` in it is never decoded or taken as a query.
    url = URL.create("sqlite", database=str(path))
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

    def connected(dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
        _on_connect(dbapi_connection, record)
        record.info[_FILE_KEY] = hold(path)

    def closed(_dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
        release(record.info.pop(_FILE_KEY, None))

    def begun(connection: Any) -> None:
        if not connection.get_execution_options().get(WRITE_OPTION, False):
            connection.exec_driver_sql("BEGIN")
            return
        connection.exec_driver_sql("BEGIN IMMEDIATE")
        # Checked with the write lock held: nobody can swap the file between this check and the commit
        # without that lock (a restore holds it through the swap).
        if connection.info.get(_FILE_KEY) != identity(path):
            connection.exec_driver_sql("ROLLBACK")
            # The old file's write-ahead log may still lie beside the new file, and SQLite would replay
            # it over the new one: fold it into the old file and empty it while this connection can.
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            raise LedgerReplacedError(path)

    event.listen(engine, "connect", connected)
    event.listen(engine, "close", closed)
    event.listen(engine, "begin", begun)
    return engine


def migrate(
    engine: Engine, path: Path, current: str | None, *, backup: bool = True, vault_key: UpgradeKey | None = None
) -> None:
    """Bring the schema to head, after a backup copy of a file that already holds data (unless `backup` is off).

    Plain claim codes are sealed on the way (revision 0006), with `vault_key` when given, else a new key. When the
    ledger itself is upgraded (`backup` on), its backups that still hold plain codes are sealed with the same key
    before the upgrade commits, and the write-ahead log, which still holds the plain pages, is emptied after.
    """
    head = head_revision()
    if current == head:
        return
    if current is not None and backup:
        make_backup(path, f"before-{head}", datetime.now(UTC))
    from alembic import command  # only an upgrade needs Alembic

    config = alembic_config()
    # The upgrade takes the write lock first, so two processes opening an old file never both upgrade it.
    with engine.execution_options(**{WRITE_OPTION: True}).connect() as connection:
        # SQLite's batch migrations copy and drop tables; with foreign keys on, the drop would
        # cascade-delete every entry. The pragma only takes effect outside a transaction.
        raw = connection.connection.dbapi_connection
        assert raw is not None
        raw.execute("PRAGMA foreign_keys = OFF")
        try:
            with connection.begin():
                config.attributes["connection"] = connection
                config.attributes["vault_key"] = vault_key
                command.upgrade(config, "head")
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise LedgerFileError(f"{path}: the upgrade would break {len(broken)} links; nothing was changed")
                if backup and holds_plain_codes(current):
                    from ledger.storage.backup_sealing import seal_plain_backups

                    seal_plain_backups(path, config.attributes.get("vault_key_used"))
        finally:
            raw.execute("PRAGMA foreign_keys = ON")
        if holds_plain_codes(current):
            raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def open_database(path: Path) -> Engine:
    """Check, back up, migrate and open the ledger at `path`, creating it (privately) if new."""
    path = Path(path).expanduser()
    check_usable(path)
    try:
        current = inspect_revision(path)
    except DamagedLedgerError as damage:
        raise DamagedLedgerError(path, damage.problem, newest_good_backup(path)) from None
    try:
        _make_private(path)
        remove_leftovers_of(path)
    except OSError as error:
        raise LedgerFileError(f"cannot create {path}: {error.strerror}") from None
    engine = create_ledger_engine(path)
    try:
        migrate(engine, path, current)
    except Exception:
        engine.dispose()
        raise
    return engine
