"""Is this file a ledger this app can open? Decided by reading only, before anything writes to it.

A file that is not a ledger, or a ledger written by a newer app, is refused here, so it stays
byte-for-byte as it was.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from ledger.storage.paths import backups_dir
from ledger.storage.schema import known_revisions

SQLITE_MAGIC = b"SQLite format 3\x00"
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


def quick_check(path: Path) -> str | None:
    """SQLite's quick integrity check of a file, read-only: None when healthy, else what is wrong."""
    try:
        with path.open("rb") as handle:
            if handle.read(len(SQLITE_MAGIC)) != SQLITE_MAGIC:
                return "not an SQLite database"
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
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


