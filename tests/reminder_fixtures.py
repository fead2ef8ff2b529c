"""Small helpers shared by the reminder tests: credits with an expiry, and edits the app would make."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from ledger.reminders.notifiers import Notification
from ledger.storage.models import Credit
from ledger.storage.store import Ledger, NewCredit

ZONE = ZoneInfo("America/New_York")


def local(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    """An aware local time in the tests' zone (one with daylight saving, on purpose)."""
    return datetime(year, month, day, hour, minute, tzinfo=ZONE)


def add_credit(
    ledger: Ledger,
    expires_on: date | None,
    *,
    amount: str = "25.00",
    currency: str = "USD",
    title: str = "",
    received_on: date | None = None,
    source: str = "gift_card",
) -> int:
    """Record a credit expiring on `expires_on`; returns its id."""
    received = received_on or date(2020, 1, 1)
    new = NewCredit(
        source=source,
        currency=currency,
        amount=Decimal(amount),
        title=title,
        received_on=received,
        expires_on=expires_on,
    )
    return ledger.add_credit(new, today=received)


def set_expiry(ledger: Ledger, credit_id: int, expires_on: date) -> None:
    """Change a credit's expiry date, as the edit dialog does."""
    with ledger.writing() as session:
        credit = session.get(Credit, credit_id)
        assert credit is not None
        credit.expires_on = expires_on


class RecordingNotifier:
    """A channel that always works and remembers what it showed (the in-app banner's stand-in)."""

    channel = "recording"

    def __init__(self) -> None:
        self.shown: list[Notification] = []

    def notify(self, notification: Notification) -> None:
        """Remember the notification."""
        self.shown.append(notification)


class BrokenNotifier:
    """A channel that always fails."""

    channel = "broken"

    def notify(self, notification: Notification) -> None:
        """Fail like a crashed notification service."""
        raise RuntimeError("the service crashed")
