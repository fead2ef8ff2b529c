"""The schema revisions this app knows (Alembic's scripts in `migrations/`)."""

from __future__ import annotations

from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory


def alembic_config() -> Config:
    """Alembic's configuration for the ledger's migration scripts."""
    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    return config


def head_revision() -> str:
    """The newest schema revision this app knows."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def known_revisions() -> set[str]:
    """Every schema revision this app can read or upgrade from."""
    return {script.revision for script in ScriptDirectory.from_config(alembic_config()).walk_revisions()}
