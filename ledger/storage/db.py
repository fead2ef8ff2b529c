"""Opening a ledger file safely: checks, backup, migrations, pragmas, private permissions.

A file that is not a ledger, or a ledger written by a newer app, is refused before
anything writes to it, so it stays byte-for-byte as it was.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alembic import command
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.pool import ConnectionPoolEntry

from ledger.storage.backup import backup_copy, newest_good_backup
from ledger.storage.inspection import DamagedLedgerError, LedgerFileError, check_usable, inspect_revision
from ledger.storage.paths import backups_dir
from ledger.storage.schema import alembic_config, head_revision

BUSY_TIMEOUT_MS = 10_000
WRITE_OPTION = "ledger_write"


def _make_private(path: Path) -> None:
    """Create the folder (0700) and the empty file (0600) before SQLite does, so neither is readable by others."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))


def _on_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
    # Transactions are begun by the "begin" hook below, not by the sqlite3 module,
    # so a write can take the lock up front (BEGIN IMMEDIATE) and never deadlock on upgrade.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


def _on_begin(connection: Any) -> None:
    immediate = connection.get_execution_options().get(WRITE_OPTION, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def create_ledger_engine(path: Path) -> Engine:
    """An engine with the ledger's pragmas; pass `execution_options(ledger_write=True)` for writers."""
    engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    return engine


def migrate(engine: Engine, path: Path, current: str | None) -> None:
    """Bring the schema to head, after a backup copy of a file that already holds data."""
    head = head_revision()
    if current == head:
        return
    if current is not None:
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        backup_copy(path, backups_dir(path) / f"{path.stem}-{stamp}-before-{head}.sqlite3")
    config = alembic_config()
    with engine.connect() as connection:
        # SQLite's batch migrations copy and drop tables; with foreign keys on, the drop would
        # cascade-delete every entry. The pragma only takes effect outside a transaction.
        raw = connection.connection.dbapi_connection
        assert raw is not None
        raw.execute("PRAGMA foreign_keys = OFF")
        try:
            with connection.begin():
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise LedgerFileError(f"{path}: the upgrade would break {len(broken)} links; nothing was changed")
        finally:
            raw.execute("PRAGMA foreign_keys = ON")


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
    except OSError as error:
        raise LedgerFileError(f"cannot create {path}: {error.strerror}") from None
    engine = create_ledger_engine(path)
    try:
        migrate(engine, path, current)
    except Exception:
        engine.dispose()
        raise
    return engine
