"""The credit list as the window shows it: one fast query, balances and status worked out by SQLite.

`Ledger.summaries` builds a dataclass with Decimals per credit, which is right for the
command line but too slow for a window holding 100,000 credits. This module returns
plain tuples instead; money stays in whole minor units until a cell is drawn. The
status expression mirrors `ledger.status.status_of` (a test keeps the two in step).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple

from ledger.status import EXPIRING_WITHIN_DAYS
from ledger.storage.sqlite_files import connect_readonly
from ledger.vocab import Status


class ListedCredit(NamedTuple):
    """One row of the credit list; amounts in minor units, dates as ISO text."""

    id: int
    merchant: str
    region: str
    source: str
    title: str
    currency: str
    amount_minor: int
    balance_minor: int
    received_on: str
    expires_on: str | None
    reference: str
    notes: str
    archived: int
    days_left: int | None
    status: str


# Field positions, for code that reads raw tuples in a hot loop.
ID, MERCHANT, REGION, SOURCE, TITLE, CURRENCY, AMOUNT, BALANCE = range(8)
RECEIVED, EXPIRES, REFERENCE, NOTES, ARCHIVED, DAYS_LEFT, STATUS = range(8, 15)

LISTING_SQL = """
SELECT c.id, c.merchant, c.region, c.source, c.title, c.currency, c.amount_minor,
       COALESCE(b.total, 0) AS balance, c.received_on, c.expires_on, c.reference, c.notes, c.archived,
       CAST(julianday(c.expires_on) - julianday(:today) AS INTEGER) AS days_left,
       CASE
         WHEN c.archived THEN 'archived'
         WHEN COALESCE(b.total, 0) <= 0 THEN 'used'
         WHEN c.expires_on IS NULL THEN 'active'
         WHEN julianday(c.expires_on) < julianday(:today) THEN 'expired'
         WHEN julianday(c.expires_on) - julianday(:today) <= :within THEN 'expiring'
         ELSE 'active'
       END AS status
FROM credit c
LEFT JOIN (SELECT credit_id, SUM(amount_minor) AS total FROM entry GROUP BY credit_id) b ON b.credit_id = c.id
"""

# The same rows without the derived columns: what a bare sqlite3 fetch costs (the benchmark's baseline).
BASELINE_SQL = """
SELECT c.id, c.merchant, c.region, c.source, c.title, c.currency, c.amount_minor,
       COALESCE(b.total, 0), c.received_on, c.expires_on, c.reference, c.notes, c.archived
FROM credit c
LEFT JOIN (SELECT credit_id, SUM(amount_minor) AS total FROM entry GROUP BY credit_id) b ON b.credit_id = c.id
"""


def listing_parameters(today: date, expiring_within: int) -> dict[str, Any]:
    """The named parameters LISTING_SQL takes."""
    return {"today": today.isoformat(), "within": expiring_within}


def list_credits(path: Path, today: date, expiring_within: int = EXPIRING_WITHIN_DAYS) -> list[tuple[Any, ...]]:
    """Every credit as a raw tuple in `ListedCredit` field order, read over a read-only connection.

    A plain sqlite3 connection (not the ORM) because per-row object building is what
    makes a 100,000-row list slow.
    """
    return _read(path, LISTING_SQL + " ORDER BY c.id", listing_parameters(today, expiring_within))


def list_credit(
    path: Path, credit_id: int, today: date, expiring_within: int = EXPIRING_WITHIN_DAYS
) -> ListedCredit | None:
    """One credit's row, for refreshing a single line after a change."""
    parameters = {**listing_parameters(today, expiring_within), "id": credit_id}
    rows = _read(path, LISTING_SQL + " WHERE c.id = :id", parameters)
    return ListedCredit(*rows[0]) if rows else None


def _read(path: Path, sql: str, parameters: dict[str, Any]) -> list[tuple[Any, ...]]:
    # Read-only, so the window can never write by accident.
    connection = connect_readonly(path)
    try:
        return connection.execute(sql, parameters).fetchall()
    finally:
        connection.close()


@dataclass(frozen=True)
class Haystack:
    """The lower-cased text a search looks through: title, merchant, reference and notes of each row."""

    texts: list[str]

    @classmethod
    def of(cls, rows: list[tuple[Any, ...]]) -> Haystack:
        """Build the search text for every row, in row order."""
        return cls([f"{r[TITLE]}\n{r[MERCHANT]}\n{r[REFERENCE]}\n{r[NOTES]}".casefold() for r in rows])

    def matching(self, needle: str, within: list[int] | None = None) -> list[int]:
        """Row numbers whose text contains `needle`; `within` narrows the search to earlier matches."""
        needle = needle.casefold()
        texts = self.texts
        if within is None:
            return [i for i, text in enumerate(texts) if needle in text]
        return [i for i in within if needle in texts[i]]


STATUS_VALUES = tuple(status.value for status in Status)


PACE_DAYS = 90


def spending_pace(path: Path, today: date, days: int = PACE_DAYS) -> dict[str, Decimal]:
    """Per currency, how much was spent from credits a day (minor units), over the last `days` days, refunds netted."""
    sql = (
        "SELECT c.currency, -SUM(e.amount_minor) FROM entry e JOIN credit c ON c.id = e.credit_id"
        " WHERE e.kind IN ('spend', 'refund') AND e.occurred_on > :since AND e.occurred_on <= :today"
        " GROUP BY c.currency"
    )
    since = date.fromordinal(today.toordinal() - days).isoformat()
    rows = _read(path, sql, {"since": since, "today": today.isoformat()})
    return {str(currency): Decimal(int(total)) / days for currency, total in rows if total and total > 0}
