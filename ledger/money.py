"""Money without floats: Decimal amounts, integer minor units, ISO 4217 precision from CLDR.

CLDR's facts come from `ledger.cldr` (tables checked against Babel): Babel itself is loaded only
to format an amount for a locale other than en_US, which the app never asks for.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import cache

from ledger.cldr import CURRENCY_DIGITS, EN_US_SYMBOLS
from ledger.errors import LedgerError
from ledger.vocab import plain_upper

_PLAIN_AMOUNT = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)", re.ASCII)


class MoneyError(LedgerError):
    """An amount or currency the ledger refuses, with a message fit for the user."""


@cache
def known_currencies() -> frozenset[str]:
    """ISO 4217 codes that are legal tender somewhere today (CLDR data): no metals, funds or test codes."""
    return frozenset(CURRENCY_DIGITS)


def check_currency(code: str) -> str:
    """Return the code upper-cased, or refuse a code that is not ISO 4217."""
    normal = plain_upper(code.strip())
    if normal not in known_currencies():
        raise MoneyError(f"unknown currency code {code!r}: use an ISO 4217 code such as USD, EUR or JPY")
    return normal


@cache
def decimals(currency: str) -> int:
    """How many decimal places the currency has (2 for USD, 0 for JPY, 3 for BHD)."""
    return CURRENCY_DIGITS[check_currency(currency)]


def plain_decimal(text: str) -> Decimal | None:
    """The number in `text` if it is written plainly (ASCII digits, an optional sign and point), else None.

    Decimal() alone would also take "5_0", "1e3", "NaN" or other scripts' digits ("١٠"), which are
    more likely typos than amounts.
    """
    raw = text.strip()
    return Decimal(raw) if _PLAIN_AMOUNT.fullmatch(raw) else None


def parse_amount(text: str | Decimal, currency: str) -> Decimal:
    """Read a positive amount, refusing floats' cousins: junk, zero, negatives, too many decimals."""
    currency = check_currency(currency)
    value = text if isinstance(text, Decimal) else plain_decimal(str(text))
    if value is None:
        raise MoneyError(f"{text!r} is not an amount: write it like 12.50")
    if not value.is_finite():
        raise MoneyError(f"{text!r} is not an amount: write it like 12.50")
    if value <= 0:
        raise MoneyError(f"the amount must be more than zero, not {value}")
    if value.adjusted() >= 12:
        raise MoneyError(f"{value} is too large an amount")
    places = decimals(currency)
    if value != quantize(value, currency):
        raise MoneyError(f"{currency} has {places} decimal places; {value} has more")
    return quantize(value, currency)


def quantize(value: Decimal, currency: str) -> Decimal:
    """The value with exactly the currency's number of decimal places."""
    return value.quantize(Decimal(1).scaleb(-decimals(currency)))


def to_minor(value: Decimal, currency: str) -> int:
    """Whole minor units (cents) for storage; exact, never rounded."""
    scaled = value.scaleb(decimals(currency))
    if scaled != scaled.to_integral_value():
        raise MoneyError(f"{value} has more decimals than {currency} allows")
    return int(scaled)


def from_minor(minor: int, currency: str) -> Decimal:
    """The Decimal amount for a count of minor units."""
    return Decimal(minor).scaleb(-decimals(currency))


def format_money(value: Decimal, currency: str, locale: str = "en_US") -> str:
    """A human string such as $12.50 or ¥1,200, in the given locale (exactly as Babel writes it)."""
    places = CURRENCY_DIGITS.get(currency)
    if locale == "en_US" and places is not None and type(value) is Decimal and value.is_finite():
        # en_US's currency pattern is "¤#,##0.00" with the currency's own decimals: the sign, the
        # symbol, then grouped digits rounded half to even, as Babel (and Decimal's format) rounds.
        sign = "-" if value.is_signed() else ""
        return f"{sign}{EN_US_SYMBOLS.get(currency, currency)}{abs(value):,.{places}f}"
    from babel.numbers import format_currency

    return str(format_currency(value, currency, locale=locale))
