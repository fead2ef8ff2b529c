"""Where the ledger keeps its files: the platform's user data folder unless told otherwise."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "credit-ledger"
DB_ENV = "CREDIT_LEDGER_DB"
DB_FILENAME = "ledger.sqlite3"


def data_dir() -> Path:
    """The per-user data folder (for example ~/.local/share/credit-ledger on Linux)."""
    from platformdirs import user_data_path  # here: a command given --db, and the window, never need it

    return user_data_path(APP_NAME, appauthor=False)


def default_db_path() -> Path:
    """The ledger file: $CREDIT_LEDGER_DB if set, else the data folder's ledger.sqlite3."""
    override = os.environ.get(DB_ENV, "").strip()
    return Path(override).expanduser() if override else data_dir() / DB_FILENAME


def demo_db_path() -> Path:
    """The separate demo ledger, never the user's own."""
    return data_dir() / "demo.sqlite3"


def user_rules_dir(db_path: Path) -> Path:
    """User rule sets (*.toml) live in a `rules` folder beside the ledger file."""
    return db_path.parent / "rules"


def backups_dir(ledger_path: Path) -> Path:
    """Where the backups of a ledger live: a private folder beside it."""
    return ledger_path.parent / "backups"


def backup_staging_prefix(ledger_path: Path) -> str:
    """How the staging files of this ledger's backups begin (hidden, in the backups folder)."""
    return f".{ledger_path.stem}-backup-"


def restore_staging_prefix(ledger_path: Path) -> str:
    """How a restore's staging files of this ledger begin (hidden, beside the ledger)."""
    return f".{ledger_path.name}.restoring-"
