"""Consistent copies of a ledger file, made with SQLite's backup API."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path


def backups_dir(ledger_path: Path) -> Path:
    """Where the backups of a ledger live: a private folder beside it."""
    return ledger_path.parent / "backups"


def backup_copy(source: Path, target: Path) -> Path:
    """Copy the ledger at `source` to `target` consistently, even while others write to it."""
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.close(os.open(target, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600))
    src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    return target
