"""The credit list as the window shows it: one fast query, balances and status worked out by SQLite.

`Ledger.summaries` builds a dataclass with Decimals per credit, which is right for the
command line but too slow for a window holding 100,000 credits. This module returns
plain tuples instead, with only the columns the window uses; money stays in whole minor
units until a cell is drawn. The status expression mirrors `ledger.status.status_of` (a
test keeps the two in step).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from ledger.status import EXPIRING_WITHIN_DAYS
from ledger.storage.sqlite_files import connect_readonly
from ledger.vocab import Status

if TYPE_CHECKING:
    # This module is loaded before the window's first frame, and `decimal` is not needed until later.
    from decimal import Decimal


class ListedCredit(NamedTuple):
    """One row of the window's credit list; amounts in minor units, dates as ISO text."""

    id: int
    merchant: str
    source: str
    title: str
    currency: str
    balance_minor: int
    expires_on: str | None
    days_left: int | None
    status: str
    # Title, merchant, reference, notes, categories (as stored: a JSON array) and terms, one per line,
    # lower-cased by SQLite (ASCII letters only: `Haystack` folds the rest): what the search box looks through.
    search_text: str


# Rows fetched at a time, and the count past which equal values share one object (see list_credits).
FETCH_CHUNK = 10_000
SHARED_AFTER = 100_000

# Field positions, for code that reads raw tuples in a hot loop.
ID, MERCHANT, SOURCE, TITLE, CURRENCY, BALANCE, EXPIRES, DAYS_LEFT, STATUS, SEARCH_TEXT = range(10)

_BALANCES = (
    "LEFT JOIN (SELECT credit_id, SUM(amount_minor) AS total FROM entry GROUP BY credit_id) b ON b.credit_id = c.id"
)
_DAYS_LEFT = "CAST(julianday(c.expires_on) - julianday(:today) AS INTEGER)"
STATUS_SQL = """CASE
         WHEN c.archived THEN 'archived'
         WHEN COALESCE(b.total, 0) <= 0 THEN 'used'
         WHEN c.expires_on IS NULL THEN 'active'
         WHEN julianday(c.expires_on) < julianday(:today) THEN 'expired'
         WHEN julianday(c.expires_on) - julianday(:today) <= :within THEN 'expiring'
         ELSE 'active'
       END"""

LISTING_SQL = f"""
SELECT c.id, c.merchant, c.source, c.title, c.currency, COALESCE(b.total, 0), c.expires_on, {_DAYS_LEFT},
       {STATUS_SQL},
       lower(c.title || char(10) || c.merchant || char(10) || c.reference || char(10) || c.notes || char(10)
             || c.categories || char(10) || c.terms)
FROM credit c
{_BALANCES}
"""

# Every column of a credit with its balance, days left and status (for `Ledger.summaries`).
SUMMARY_SQL = f"""
SELECT c.id, c.merchant, c.region, c.source, c.title, c.currency, c.amount_minor,
       COALESCE(b.total, 0), c.received_on, c.expires_on, c.reference, c.notes, c.archived,
       {_DAYS_LEFT}, {STATUS_SQL}
FROM credit c
{_BALANCES}
"""


def with_status_sql(columns: str) -> str:
    """SELECT the given columns of credit `c`, then its balance, days left and status (LISTING_SQL's parameters)."""
    return f"SELECT {columns}, COALESCE(b.total, 0), {_DAYS_LEFT}, {STATUS_SQL} FROM credit c {_BALANCES}"


def listing_parameters(today: date, expiring_within: int) -> dict[str, Any]:
    """The named parameters LISTING_SQL and SUMMARY_SQL take."""
    return {"today": today.isoformat(), "within": expiring_within}


def list_credits(path: Path, today: date, expiring_within: int = EXPIRING_WITHIN_DAYS) -> list[tuple[Any, ...]]:
    """Every credit as a raw tuple in `ListedCredit` field order, read over a read-only connection.

    A plain sqlite3 connection (not the ORM) because per-row object building is what
    makes a 100,000-row list slow.
    """
    return read_listing(path, today, expiring_within)[1]


def read_listing(
    path: Path, today: date, expiring_within: int = EXPIRING_WITHIN_DAYS
) -> tuple[int, list[tuple[Any, ...]]]:
    """The ledger's generation (`PRAGMA user_version`, raised by every restore) and every credit's row, read
    together in one transaction, so a caller can tell whether the rows are still the ledger as it is.

    Past SHARED_AFTER rows, equal merchants, sources, currencies, dates and statuses share one
    string object: SQLite gives each value its own, about 300 bytes a row, which at 500,000
    credits would be 150 MB of copies. Sharing costs time (a quarter more per row), so a ledger
    of ordinary size is read as it comes.
    """
    connection = connect_readonly(path)
    try:
        connection.execute("BEGIN")
        generation = int(connection.execute("PRAGMA user_version").fetchone()[0])
        cursor = connection.execute(LISTING_SQL + " ORDER BY c.id", listing_parameters(today, expiring_within))
        rows: list[tuple[Any, ...]] = []
        shared: dict[Any, Any] = {}
        one = shared.setdefault
        while chunk := cursor.fetchmany(FETCH_CHUNK):
            if len(rows) < SHARED_AFTER:
                rows.extend(chunk)
                continue
            # Rebuilt column-wise, so no Python code runs per row.
            columns = zip(*chunk, strict=True)
            ids, merchants, sources, titles, currencies, balances, expires, days, statuses, texts = columns
            rows.extend(
                zip(
                    ids,
                    map(one, merchants, merchants),
                    map(one, sources, sources),
                    titles,
                    map(one, currencies, currencies),
                    balances,
                    map(one, expires, expires),
                    days,
                    map(one, statuses, statuses),
                    texts,
                    strict=True,
                )
            )
        return generation, rows
    finally:
        connection.close()


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


class Haystack:
    """The case-folded text a search looks through: title, merchant, reference, notes, categories and terms
    of each row.

    A plain class, not a dataclass: this module is loaded before the window's first frame, and
    `dataclasses` would bring `inspect` with it.
    """

    def __init__(self, texts: list[str]) -> None:
        self.texts = texts

    @classmethod
    def of(cls, rows: list[tuple[Any, ...]]) -> Haystack:
        """The search text of every row, in row order (SQLite lowered ASCII letters; the rest is folded here)."""
        return cls([text if text.isascii() else text.casefold() for text in (row[SEARCH_TEXT] for row in rows)])

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
    from decimal import Decimal
    sql = (
        "SELECT c.currency, -SUM(e.amount_minor) FROM entry e JOIN credit c ON c.id = e.credit_id"
        " WHERE e.kind IN ('spend', 'refund') AND e.occurred_on > :since AND e.occurred_on <= :today"
        " GROUP BY c.currency"
    )
    since = date.fromordinal(today.toordinal() - days).isoformat()
    rows = _read(path, sql, {"since": since, "today": today.isoformat()})
    return {str(currency): Decimal(int(total)) / days for currency, total in rows if total and total > 0}
