"""A credit's standing on a given day: days left and status."""

from __future__ import annotations

from datetime import date

from ledger.vocab import Status

EXPIRING_WITHIN_DAYS = 30


def days_left(expires_on: date | None, today: date) -> int | None:
    """Whole days until the expiry date (0 on the last day, negative after it), or None."""
    return None if expires_on is None else (expires_on - today).days


def is_expired(expires_on: date | None, today: date) -> bool:
    """A credit is usable through the end of its expiry date, expired the day after."""
    return expires_on is not None and today > expires_on


def status_of(
    *,
    archived: bool,
    balance_minor: int,
    expires_on: date | None,
    today: date,
    expiring_within: int = EXPIRING_WITHIN_DAYS,
) -> Status:
    """Archived beats used, used beats expired, and expiring means at most `expiring_within` days left."""
    if archived:
        return Status.ARCHIVED
    if balance_minor <= 0:
        return Status.USED
    left = days_left(expires_on, today)
    if left is None:
        return Status.ACTIVE
    if left < 0:
        return Status.EXPIRED
    return Status.EXPIRING if left <= expiring_within else Status.ACTIVE
