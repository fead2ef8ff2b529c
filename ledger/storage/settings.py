"""User settings, kept in the ledger's `settings` table as JSON values with typed defaults."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields, replace
from datetime import time
from typing import TYPE_CHECKING, Any

from ledger.errors import LedgerError

if TYPE_CHECKING:
    from ledger.storage.store import Ledger

MAX_LEAD_DAYS = 365
MAX_BACKUPS = 1000
MAX_LOCK_MINUTES = 24 * 60


@dataclass(frozen=True)
class Settings:
    """Every setting with its default; `lead_days` are whole days before expiry, largest first."""

    lead_days: tuple[int, ...] = (30, 7, 1)
    remind_at: str = "09:00"
    notifications_enabled: bool = True
    reminders_paused: bool = False
    close_to_tray: bool = True
    start_at_login: bool = False
    backups_to_keep: int = 10
    # The window locks revealed claim codes again after this many idle minutes; 0 keeps them unlocked until quit.
    lock_codes_after_minutes: int = 10

    @property
    def remind_time(self) -> time:
        """The time of day reminders are shown, local time."""
        return time.fromisoformat(self.remind_at)

    @property
    def expiring_within(self) -> int:
        """A credit counts as expiring within the first (largest) lead time."""
        return max(self.lead_days) if self.lead_days else 30


def validated(settings: Settings) -> Settings:
    """The settings normalised (lead days unique, sorted, in range), or a LedgerError saying what is wrong."""
    leads = tuple(sorted({int(day) for day in settings.lead_days}, reverse=True))
    if any(day < 0 or day > MAX_LEAD_DAYS for day in leads):
        raise LedgerError(f"reminder lead times must be between 0 and {MAX_LEAD_DAYS} days")
    try:
        moment = time.fromisoformat(settings.remind_at)
    except (TypeError, ValueError):
        raise LedgerError(f"{settings.remind_at!r} is not a time of day: write it as HH:MM") from None
    if not 1 <= settings.backups_to_keep <= MAX_BACKUPS:
        raise LedgerError(f"the number of backups to keep must be between 1 and {MAX_BACKUPS}")
    if not 0 <= settings.lock_codes_after_minutes <= MAX_LOCK_MINUTES:
        raise LedgerError(f"claim codes lock again after 0 (never) to {MAX_LOCK_MINUTES} idle minutes")
    return replace(settings, lead_days=leads, remind_at=moment.strftime("%H:%M"))


def _decode(name: str, raw: str, default: Any) -> Any:
    """A stored value of the default's type, else the default: the table may have been edited by hand."""
    try:
        value = json.loads(raw)
    except (ValueError, RecursionError):  # not JSON, a 5,000-digit number, nesting too deep
        return default
    if isinstance(default, tuple):
        whole = isinstance(value, list) and all(isinstance(item, int) and not isinstance(item, bool) for item in value)
        return tuple(value) if whole else default
    if isinstance(value, bool) != isinstance(default, bool):
        return default
    return value if isinstance(value, type(default)) else default


def _usable(defaults: Settings, name: str, value: Any) -> bool:
    try:
        validated(replace(defaults, **{name: value}))
    except (LedgerError, ValueError, TypeError, OverflowError):
        return False
    return True


def load_settings(ledger: Ledger) -> Settings:
    """The stored settings; anything missing, unreadable or out of range falls back to its default, one by one."""
    defaults = Settings()
    with ledger.query() as connection:
        stored = {str(key): str(value) for key, value in connection.execute("SELECT key, value FROM settings")}
    values = {
        f.name: _decode(f.name, stored[f.name], getattr(defaults, f.name)) for f in fields(Settings) if f.name in stored
    }
    good = {name: value for name, value in values.items() if _usable(defaults, name, value)}
    try:
        return validated(replace(defaults, **good))
    except (LedgerError, ValueError, TypeError, OverflowError):
        return defaults


def save_settings(ledger: Ledger, settings: Settings) -> Settings:
    """Validate and store every setting in one transaction; returns what was stored."""
    settings = validated(settings)
    with ledger.transaction() as connection:
        for key, value in asdict(settings).items():
            encoded = json.dumps(list(value) if isinstance(value, tuple) else value)
            connection.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, encoded),
            )
    return settings
