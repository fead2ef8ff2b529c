"""The schema revisions this app knows, and what a ledger file holds at each of them.

The revisions are Alembic's scripts in `migrations/`; they are also listed here, so that deciding
whether a file is a ledger (and whether it needs upgrading) never has to load Alembic. A test keeps
the two in step.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from alembic.config import Config

# Oldest first; the last one is the head.
REVISIONS = ("0001", "0002", "0003", "0004", "0005", "0006")

# The tables a ledger holds at each revision (SQLite's own `sqlite_*` tables aside). A file whose
# tables differ is another program's, even if it has an `alembic_version` table naming one of ours.
_FIRST_TABLES = frozenset({"alembic_version", "credit", "entry"})
_FULL_TABLES = _FIRST_TABLES | {"checkout_check", "reminder_sent", "settings"}
TABLES_AT = {
    "0001": _FIRST_TABLES,
    "0002": _FULL_TABLES,
    "0003": _FULL_TABLES,
    "0004": _FULL_TABLES,
    "0005": _FULL_TABLES,  # adds a column to `credit`: what its terms say about each use
    "0006": _FULL_TABLES | {"vault"},  # claim codes sealed; the ledger's key id (never the key) in `vault`
}

# The first revision whose ledgers hold claim codes only sealed (ledger.vault); older ones hold them plain.
SEALED_CODES_REVISION = "0006"


def holds_plain_codes(revision: str | None) -> bool:
    """Whether a ledger at this revision keeps claim codes in plain text (it was written before the vault)."""
    return revision is not None and REVISIONS.index(revision) < REVISIONS.index(SEALED_CODES_REVISION)

# Written into the file's header by revision 0004 (SQLite's `PRAGMA application_id`): "CrLg".
LEDGER_APPLICATION_ID = 0x43724C67


def head_revision() -> str:
    """The newest schema revision this app knows."""
    return REVISIONS[-1]


def known_revisions() -> set[str]:
    """Every schema revision this app can read or upgrade from."""
    return set(REVISIONS)


def alembic_config() -> Config:
    """Alembic's configuration for the ledger's migration scripts (loads Alembic: only for upgrading)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    return config
