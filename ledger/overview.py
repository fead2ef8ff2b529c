"""Figures for the overview: balances per currency and the value about to expire, never mixing currencies."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from ledger.money import from_minor
from ledger.storage.listing import BALANCE, CURRENCY, EXPIRES, STATUS

USABLE = frozenset({"active", "expiring"})


@dataclass(frozen=True)
class MonthTotal:
    """The value (per currency) of usable credits expiring in one calendar month."""

    month: date
    by_currency: dict[str, Decimal]


@dataclass(frozen=True)
class Overview:
    """What the user holds and what they are about to lose, each per currency."""

    balances: dict[str, Decimal]
    expiring_soon: dict[str, Decimal]
    expiring_soon_count: int
    months: list[MonthTotal]
    # What will expire unused at the recent spending pace, per currency (only where some is at risk).
    at_risk: dict[str, Decimal] = field(default_factory=dict)

    @property
    def currencies(self) -> list[str]:
        """Every currency that appears anywhere in the overview, sorted."""
        names = set(self.balances) | set(self.expiring_soon)
        for month in self.months:
            names |= set(month.by_currency)
        return sorted(names)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _decimals(totals: dict[str, int]) -> dict[str, Decimal]:
    return {currency: from_minor(minor, currency) for currency, minor in sorted(totals.items()) if minor}


def overview_of(
    rows: Iterable[tuple[Any, ...]],
    today: date,
    soon_days: int = 30,
    months: int = 12,
    pace_per_day: dict[str, Decimal] | None = None,
) -> Overview:
    """Totals over listed credits (see `ledger.storage.listing`); only usable credits (active or expiring) count.

    Given the spending pace per currency (`ledger.storage.listing.spending_pace`), also what is at risk.
    """
    first_month = date(today.year, today.month, 1)
    month_starts = [_add_months(first_month, n) for n in range(months + 1)]
    month_keys = {start.isoformat()[:7]: n for n, start in enumerate(month_starts[:months])}
    today_iso = today.isoformat()
    soon_iso = date.fromordinal(today.toordinal() + soon_days).isoformat()
    balances: dict[str, int] = defaultdict(int)
    soon: dict[str, int] = defaultdict(int)
    soon_count = 0
    per_month: list[dict[str, int]] = [defaultdict(int) for _ in range(months)]
    dated: list[tuple[str, int, date | None]] = []
    for row in rows:
        if row[STATUS] not in USABLE:
            continue
        currency, balance, expires = row[CURRENCY], row[BALANCE], row[EXPIRES]
        balances[currency] += balance
        if pace_per_day is not None and expires is not None:
            dated.append((currency, balance, date.fromisoformat(expires)))
        if expires is None or expires < today_iso:
            continue
        # ISO dates compare correctly as text, which keeps this loop free of date parsing.
        if expires <= soon_iso:
            soon[currency] += balance
            soon_count += 1
        slot = month_keys.get(expires[:7])
        if slot is not None:
            per_month[slot][currency] += balance
    return Overview(
        balances=_decimals(balances),
        expiring_soon=_decimals(soon),
        expiring_soon_count=soon_count,
        months=[MonthTotal(month_starts[n], _decimals(per_month[n])) for n in range(months)],
        at_risk=_decimals(at_risk(dated, pace_per_day, today)) if pace_per_day is not None else {},
    )


def at_risk(
    credits: Iterable[tuple[str, int, date | None]], pace_per_day: dict[str, Decimal], today: date
) -> dict[str, int]:
    """Per currency, what will expire unused if spending goes on at its recent pace (minor units per day).

    `credits` are (currency, balance_minor, expires_on) of usable credits. Spending is assumed to
    go to the credit that expires first, as a purchase plan would have it; what a credit still
    holds when its day comes is at risk. A credit with no expiry date is never at risk.
    """
    by_currency: dict[str, list[tuple[date, int]]] = defaultdict(list)
    for currency, balance, expires_on in credits:
        if expires_on is not None and expires_on >= today and balance > 0:
            by_currency[currency].append((expires_on, balance))
    risk: dict[str, int] = {}
    for currency, dated in by_currency.items():
        pace = pace_per_day.get(currency, Decimal(0))
        spent_by_then = 0
        lost = 0
        for expires_on, balance in sorted(dated):
            # Spending through the end of the expiry day, less what the credits before it took.
            capacity = int(pace * ((expires_on - today).days + 1)) - spent_by_then
            used = min(balance, max(0, capacity))
            spent_by_then += used
            lost += balance - used
        if lost:
            risk[currency] = lost
    return risk
