"""Opening a ledger file safely: checks, backup, migrations, pragmas, private permissions.

A file that is not a ledger, or a ledger written by a newer app, is refused before
anything writes to it, so it stays byte-for-byte as it was.
"""

from __future__ import annotations

import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.pool import ConnectionPoolEntry

from ledger.backup import backup_copy, backups_dir, newest_good_backup, quick_check

SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 10_000
WRITE_OPTION = "ledger_write"


class LedgerFileError(Exception):
    """The file cannot be used as a ledger; the message says why and what to do."""


class DamagedLedgerError(LedgerFileError):
    """A ledger whose pages are damaged; it was left untouched. `backup` is the newest good backup, if known."""

    def __init__(self, path: Path, problem: str, backup: Path | None = None) -> None:
        advice = (
            f"Restore the newest good backup with: credit-ledger restore {backup}"
            if backup is not None
            else f"No good backup was found in {backups_dir(path)}."
        )
        super().__init__(
            f"{path} is damaged and cannot be read as a ledger ({problem}); it was left untouched. {advice}"
        )
        self.path = path
        self.problem = problem
        self.backup = backup


def _alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    return config


def head_revision() -> str:
    """The newest schema revision this app knows."""
    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None
    return head


def known_revisions() -> set[str]:
    """Every schema revision this app can read or upgrade from."""
    return {script.revision for script in ScriptDirectory.from_config(_alembic_config()).walk_revisions()}


def _make_private(path: Path) -> None:
    """Create the folder (0700) and the empty file (0600) before SQLite does, so neither is readable by others."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))


def check_usable(path: Path) -> None:
    """Refuse, before anything is written, a path the ledger could not safely read and write.

    SQLite's WAL mode writes two files beside the ledger, so its folder must be writable too.
    """
    if path.is_dir():
        raise LedgerFileError(f"{path} is a folder, not a ledger file")
    if path.exists() and not path.is_file():
        raise LedgerFileError(f"{path} is not a regular file (a device or a pipe?); give the path of a ledger file")
    if path.exists() and not os.access(path, os.R_OK | os.W_OK):
        raise LedgerFileError(f"{path} is read-only or not yours; the ledger needs to read and write it")
    folder = next((parent for parent in (path.parent, *path.parent.parents) if parent.exists()), None)
    if folder is not None and not os.access(folder, os.W_OK | os.X_OK):
        raise LedgerFileError(f"the folder {folder} is not writable; the ledger needs to write beside its file")


def inspect_revision(path: Path) -> str | None:
    """The schema revision of an existing file (None for a new, empty one), refusing anything else.

    Reads only: the header bytes, then a read-only SQLite connection.
    """
    if not path.exists() or path.stat().st_size == 0:
        return None
    if path.is_dir():
        raise LedgerFileError(f"{path} is a folder, not a ledger file")
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_MAGIC))
    except OSError as error:
        raise LedgerFileError(f"cannot read {path}: {error.strerror}") from None
    if header != SQLITE_MAGIC:
        raise LedgerFileError(f"{path} is not a Credit Ledger database (not an SQLite file); it was left untouched")
    try:
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            tables = {row[0] for row in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if not tables:
                return None
            if "alembic_version" not in tables:
                raise LedgerFileError(
                    f"{path} is an SQLite database of another program, not a Credit Ledger; it was left untouched"
                )
            row = con.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            con.close()
    except sqlite3.DatabaseError as error:
        # The header says SQLite, so a file SQLite cannot read is a damaged one.
        raise DamagedLedgerError(path, str(error)) from None
    problem = quick_check(path)
    if problem is not None:
        raise DamagedLedgerError(path, problem)
    revision = None if row is None else str(row[0])
    if revision is not None and revision not in known_revisions():
        raise LedgerFileError(
            f"{path} was written by a newer Credit Ledger (schema {revision}); update the app to open it. "
            "The file was left untouched."
        )
    return revision


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
    config = _alembic_config()
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
