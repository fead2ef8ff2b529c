"""Opening a ledger file safely: checks, backup, migrations, pragmas, private permissions.

A file that is not a ledger, or a ledger written by a newer app, is refused before
anything writes to it, so it stays byte-for-byte as it was.

The ledger is read and written with the `sqlite3` module (`connect`). SQLAlchemy and Alembic
are loaded only to upgrade an older file (`migrate`) or for an ORM engine (`create_ledger_engine`):
importing them takes longer than everything else a command does.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from ledger.errors import LedgerReplacedError, StorageError
from ledger.storage.backup import make_backup, newest_good_backup, remove_leftovers_of
from ledger.storage.inspection import DamagedLedgerError, LedgerFileError, check_usable, inspect_revision, quick_check
from ledger.storage.schema import alembic_config, head_revision, holds_plain_codes
from ledger.storage.sqlite_files import Identity, hold, identity, release

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.pool import ConnectionPoolEntry

    from ledger.vault.ledger_key import UpgradeKey

T = TypeVar("T")

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


def storage_failure(error: BaseException) -> BaseException | None:
    """The SQLite error behind `error` (raised by sqlite3, or wrapped by SQLAlchemy), or None for anything else.

    SQLAlchemy's errors are only looked for when it is loaded: nothing can have raised one otherwise.
    """
    if isinstance(error, sqlite3.Error):
        return error
    orm_errors = sys.modules.get("sqlalchemy.exc")
    if orm_errors is not None and isinstance(error, orm_errors.DBAPIError):
        cause: BaseException = error.orig or error
        return cause
    return None


@contextmanager
def storage_errors() -> Iterator[None]:
    """Turn a failure of the SQLite file itself into a StorageError that says it in plain words."""
    try:
        yield
    except Exception as error:
        failure = storage_failure(error)
        if failure is None:
            raise
        raise StorageError(describe_failure(failure)) from error


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


def configure(dbapi_connection: sqlite3.Connection) -> None:
    """The ledger's pragmas, on every connection that writes to it."""
    # Transactions are begun explicitly (`begin_write`, the engine's "begin" hook), not by the sqlite3
    # module, so a write can take the lock up front (BEGIN IMMEDIATE) and never deadlock on upgrade.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA synchronous = NORMAL")
    # Deleted credits (and their claim codes) are overwritten, not left readable in free pages.
    cursor.execute("PRAGMA secure_delete = ON")
    cursor.close()


def connect(path: Path) -> tuple[sqlite3.Connection, Identity | None]:
    """A connection to the ledger file with its pragmas (usable from any thread, one at a time), and the
    identity of the file it opened: registered with `hold` until `disconnect`, and what `begin_write` checks."""
    connection = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
    try:
        configure(connection)
    except BaseException:
        connection.close()
        raise
    return connection, hold(path)


def disconnect(connection: sqlite3.Connection, opened: Identity | None) -> None:
    """Close a connection made by `connect`."""
    try:
        connection.close()
    finally:
        release(opened)


@contextmanager
def connection_to(path: Path) -> Iterator[sqlite3.Connection]:
    """A connection (made by `connect`) for the length of a `with` block."""
    connection, opened = connect(path)
    try:
        yield connection
    finally:
        disconnect(connection, opened)


def begin_write(execute: Callable[[str], Any], opened: Identity | None, path: Path) -> None:
    """Begin a write transaction (taking the write lock first), refusing a file replaced since `opened`.

    Checked with the write lock held: nobody can swap the file between this check and the commit
    without that lock (a restore holds it through the swap). `execute` runs one SQL statement on the
    connection (a sqlite3 connection's or an SQLAlchemy connection's).
    """
    execute("BEGIN IMMEDIATE")
    if opened != identity(path):
        execute("ROLLBACK")
        # The old file's write-ahead log may still lie beside the new file, and SQLite would replay
        # it over the new one: fold it into the old file and empty it while this connection can.
        execute("PRAGMA wal_checkpoint(TRUNCATE)")
        raise LedgerReplacedError(path)


def create_ledger_engine(path: Path) -> Engine:
    """An engine with the ledger's pragmas; pass `execution_options(ledger_write=True)` for writers.

    Each connection remembers which file it opened. A write that finds another file at the path
    (the ledger was replaced behind its back) is refused with LedgerReplacedError, never written
    into the old, deleted file.
    """
    from sqlalchemy import URL, create_engine, event  # loaded only for an ORM engine

    # A path is a path: built as a URL object, `%20` or `?` in it is never decoded or taken as a query.
    url = URL.create("sqlite", database=str(path))
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

    def connected(dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
        configure(dbapi_connection)
        record.info[_FILE_KEY] = hold(path)

    def closed(_dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
        release(record.info.pop(_FILE_KEY, None))

    def begun(connection: Any) -> None:
        if not connection.get_execution_options().get(WRITE_OPTION, False):
            connection.exec_driver_sql("BEGIN")
            return
        begin_write(connection.exec_driver_sql, connection.info.get(_FILE_KEY), path)

    event.listen(engine, "connect", connected)
    event.listen(engine, "close", closed)
    event.listen(engine, "begin", begun)
    return engine


def migrate(path: Path, current: str | None, *, backup: bool = True, vault_key: UpgradeKey | None = None) -> None:
    """Bring the schema to head, after a backup copy of a file that already holds data (unless `backup` is off).

    A file already at head is left alone without loading SQLAlchemy or Alembic. Plain claim codes are sealed
    on the way (revision 0006), with `vault_key` when given, else a new key. When the ledger itself is upgraded
    (`backup` on), its backups that still hold plain codes are sealed with the same key before the upgrade
    commits, and the write-ahead log, which still holds the plain pages, is emptied after.
    """
    head = head_revision()
    if current == head:
        return
    if current is not None and backup:
        make_backup(path, f"before-{head}", datetime.now(UTC))
    from alembic import command  # only an upgrade needs Alembic

    config = alembic_config()
    engine = create_ledger_engine(path)
    try:
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
                        raise LedgerFileError(
                            f"{path}: the upgrade would break {len(broken)} links; nothing was changed"
                        )
                    if backup and holds_plain_codes(current):
                        from ledger.storage.backup_sealing import seal_plain_backups

                        seal_plain_backups(path, config.attributes.get("vault_key_used"))
            finally:
                raw.execute("PRAGMA foreign_keys = ON")
            if holds_plain_codes(current):
                raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        engine.dispose()


def prepare_ledger(path: Path, *, checked: bool = False) -> Path:
    """Check, back up and migrate the ledger at `path`, creating it (privately) if new; returns the path to open.

    `checked`: SQLite's integrity check of the file has just passed (`read_while_checking`); not run again.
    """
    path = Path(path).expanduser()
    check_usable(path)
    current = _inspect(path, integrity=not checked)
    try:
        _make_private(path)
        remove_leftovers_of(path)
    except OSError as error:
        raise LedgerFileError(f"cannot create {path}: {error.strerror}") from None
    migrate(path, current)
    return path


def _inspect(path: Path, *, integrity: bool) -> str | None:
    try:
        return inspect_revision(path, integrity=integrity)
    except DamagedLedgerError as damage:
        raise DamagedLedgerError(path, damage.problem, newest_good_backup(path)) from None


def read_while_checking(path: Path, read: Callable[[], T]) -> T | None:
    """Run `read` (reads only) on a ledger at this app's schema while SQLite checks every page of the file.

    The check runs on another thread: it is SQLite's work, done without Python's lock, so on a machine
    with two cores it costs the window nothing (at 100,000 credits it takes as long as a tenth of the
    table's loading). What was read is only returned once the check has passed; a damaged file raises
    DamagedLedgerError as opening it would, and nothing read from it is used. None (nothing read) when
    the file is new or must be upgraded first: open it, then read.
    """
    path = Path(path).expanduser()
    check_usable(path)
    # The header is read here, before any SQLite connection of this process has the file open.
    if _inspect(path, integrity=False) != head_revision():
        return None
    found: list[str | None] = []
    checking = threading.Thread(target=lambda: found.append(quick_check(path)), name="ledger-check", daemon=True)
    checking.start()
    try:
        value = read()
    except Exception:
        checking.join()
        _raise_if_damaged(path, found)  # reading a damaged file may fail: the damage is what to report
        raise
    checking.join()
    _raise_if_damaged(path, found)
    return value


def _raise_if_damaged(path: Path, found: list[str | None]) -> None:
    problem = found[0] if found else "the check did not finish"
    if problem is not None:
        raise DamagedLedgerError(path, problem, newest_good_backup(path))


def open_database(path: Path) -> Engine:
    """Check, back up, migrate and open the ledger at `path` as an SQLAlchemy engine (loads SQLAlchemy)."""
    return create_ledger_engine(prepare_ledger(path))
