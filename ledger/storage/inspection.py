"""Is this file a ledger this app can open? Decided by reading only, before anything writes to it.

A file that is not a ledger, or a ledger written by a newer app, is refused here, so it stays
byte-for-byte as it was.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from ledger.storage.paths import backups_dir
from ledger.storage.schema import LEDGER_APPLICATION_ID, TABLES_AT, known_revisions
from ledger.storage.sqlite_files import SQLITE_MAGIC, connect_readonly, read_header

# The longest a finding of SQLite's integrity check may be in a message (they are usually far shorter).
MAX_FINDING = 200


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


def _not_a_ledger(path: Path) -> LedgerFileError:
    return LedgerFileError(
        f"{path} is an SQLite database of another program, not a Credit Ledger; it was left untouched"
    )


def inspect_revision(path: Path, *, integrity: bool = True) -> str | None:
    """The schema revision of an existing ledger (None for a new, empty file), refusing anything else.

    Reads only: the header bytes, then a read-only SQLite connection. Nothing that writes (not even
    switching the journal mode) happens before this has said the file is a ledger. Without
    `integrity`, SQLite's check of every page is left to the caller (`db.read_while_checking`).
    """
    if not path.exists() or path.stat().st_size == 0:
        return None
    if path.is_dir():
        raise LedgerFileError(f"{path} is a folder, not a ledger file")
    try:
        header = read_header(path)
    except OSError as error:
        raise LedgerFileError(f"cannot read {path}: {error.strerror}") from None
    if header is not None and not header.startswith(SQLITE_MAGIC):
        raise LedgerFileError(f"{path} is not a Credit Ledger database (not an SQLite file); it was left untouched")
    try:
        con = connect_readonly(path)
        try:
            application_id = con.execute("PRAGMA application_id").fetchone()[0]
            generation = con.execute("PRAGMA user_version").fetchone()[0]
            objects = con.execute("SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\'")
            kinds = {(str(kind), str(name)) for kind, name in objects}
            tables = {name for kind, name in kinds if kind == "table"}
            rows = (
                con.execute("SELECT version_num FROM alembic_version").fetchall() if "alembic_version" in tables else []
            )
        finally:
            con.close()
    except sqlite3.DatabaseError as error:
        # The header says SQLite, so a file SQLite cannot read is a damaged one.
        raise DamagedLedgerError(path, str(error)) from None
    if application_id not in (0, LEDGER_APPLICATION_ID):
        raise _not_a_ledger(path)
    if not kinds:
        if application_id == 0 and generation == 0:
            return None  # an empty SQLite file: it becomes a ledger
        raise _not_a_ledger(path)
    revision = str(rows[0][0]) if len(rows) == 1 else None
    if revision is not None and revision not in known_revisions() and application_id == LEDGER_APPLICATION_ID:
        raise LedgerFileError(
            f"{path} was written by a newer Credit Ledger (schema {revision}); update the app to open it. "
            "The file was left untouched."
        )
    # A ledger holds exactly the tables of its revision and nothing else (no views, no triggers).
    if (
        revision not in TABLES_AT
        or tables != TABLES_AT[revision]
        or any(kind in ("view", "trigger") for kind, _ in kinds)
    ):
        raise _not_a_ledger(path)
    problem = quick_check(path) if integrity else None
    if problem is not None:
        raise DamagedLedgerError(path, problem)
    return revision


def quick_check(path: Path) -> str | None:
    """SQLite's quick integrity check of a file, read-only: None when healthy, else what is wrong."""
    try:
        header = read_header(path)
        if header is not None and not header.startswith(SQLITE_MAGIC):
            return "not an SQLite database"
        con = connect_readonly(path)
        try:
            rows = con.execute("PRAGMA quick_check").fetchall()
        finally:
            con.close()
    except (OSError, sqlite3.Error) as error:
        return str(error)
    return summarize_findings([str(row[0]) for row in rows])


def summarize_findings(report: list[str]) -> str | None:
    """SQLite's integrity report as one short line: the first finding and how many more there are.

    The report can run to hundreds of findings, several to a row ("*** in database main ***\nOn tree
    page 4 cell 145: ...\nOn tree page 4 cell 144: ..."); a message names the first one only.
    """
    findings = [
        " ".join(line.split())
        for row in report
        if row != "ok"
        for line in row.splitlines()
        if line.strip() and not line.startswith("*** in database")
    ]
    if not findings:
        return None
    first = findings[0] if len(findings[0]) <= MAX_FINDING else findings[0][: MAX_FINDING - 1] + "…"
    more = len(findings) - 1
    return first + (f" (and {more} more problem{'s' if more != 1 else ''})" if more else "")
