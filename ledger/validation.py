"""Checking what a user typed about a credit, before anything is written.

One place for the rules every entry point shares (command line, dialogs, imports, edits):
each failure is a LedgerError whose message says what is wrong.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cache
from typing import Any

from ledger.cldr import REGIONS
from ledger.errors import LedgerError
from ledger.money import check_currency, format_money, from_minor, parse_amount, to_minor
from ledger.vocab import Outcome, Source, Use, plain_upper

MAX_TEXT = 10_000
MAX_NAME = 200
# Every date a credit, an entry or a timestamp may hold, in one place for every entry point.
# Python's dates end at 9999-12-31, but the ledger computes past the dates it keeps: an ICS all-day
# event ends the day after the expiry, alarms and reminders fall up to a year (MAX_LEAD_DAYS) before
# it, a timestamp moves up to a day when its offset (+14:00, -12:00) is turned into UTC, and Windows'
# C library knows local times only until 3000-12-31. No real store credit predates 1900 or lasts a
# thousand years, and within these two dates all of that arithmetic stays inside what SQLite, Python,
# Qt's calendar and every export can hold.
EARLIEST_DAY = date(1900, 1, 1)
LATEST_DAY = date(2999, 12, 31)
# SQLite's largest integer (and so the largest row id); any id above it cannot exist.
MAX_ROWID = 2**63 - 1
# The largest credit id a file may bring: the largest whole number every JSON reader holds exactly
# (JavaScript's Number.MAX_SAFE_INTEGER), far enough below MAX_ROWID that the ledger can go on
# numbering new credits after it for ever (an id of 2**63 - 1 left no next id for a CSV import).
MAX_FILE_ID = 2**53 - 1
# The most money (in minor units, counted without signs) that may move through one credit. SQLite
# adds a credit's entries in 64-bit integers and fails the whole query ("integer overflow") past
# 2**63 - 1, about 9.2e18, in whatever order it adds them; with every entry counted as positive,
# no partial sum can get there. A single amount is below 1e15 minor units (`money.parse_amount`),
# so a credit still has room for a thousand movements of the largest amount.
MAX_MOVED_MINOR = 10**18
# Invisible characters that reorder or hide text: in a name they can make it read as something else.
_BIDI_CONTROLS = "\u202a-\u202e\u2066-\u2069\u200e\u200f"
# Lone UTF-16 surrogates are not characters: no UTF-8 file or database can hold them, yet a JSON
# escape ("\\udcff") or a command line in another encoding puts them into a Python string.
_SURROGATES = "\ud800-\udfff"
# Unicode's control characters (category Cc) are exactly U+0000-001F and U+007F-009F.
_FORBIDDEN_IN_NAME = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI_CONTROLS}{_SURROGATES}]")
_FORBIDDEN_IN_TEXT = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_SURROGATES}]")
_SURROGATE = re.compile(f"[{_SURROGATES}]")
_ISO_DAY = re.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DIGITS = re.compile("[0-9]+")


@dataclass(frozen=True)
class NewCredit:
    """What a user gives to record a credit; checked by `credit_fields`."""

    source: str
    currency: str
    amount: Decimal | str
    merchant: str = "Amazon"
    region: str = "US"
    title: str = ""
    received_on: date | None = None
    expires_on: date | None = None
    reference: str = ""
    categories: Sequence[str] = field(default_factory=tuple)
    terms: str = ""
    terms_url: str = ""
    claim_code: str = ""
    notes: str = ""


def choice(value: str, vocabulary: type[Source] | type[Use] | type[Outcome], what: str) -> str:
    """The value if it belongs to the vocabulary, else an error listing what is allowed."""
    allowed = [member.value for member in vocabulary]
    if value not in allowed:
        raise LedgerError(f"unknown {what} {value!r}: expected one of {', '.join(allowed)}")
    return value


def text(value: str, what: str, limit: int = MAX_NAME, required: bool = False, multiline: bool = False) -> str:
    """Trimmed text within `limit` characters; names are one line, free of control and reordering characters.

    No text may hold a lone surrogate: it is no character, and SQLite and every export would fail on it.
    """
    value = value.strip()
    if required and not value:
        raise LedgerError(f"the {what} must not be empty")
    if len(value) > limit:
        raise LedgerError(f"the {what} is too long ({len(value)} characters; at most {limit})")
    # One precompiled search per value keeps bulk imports fast; the loop below only runs to word the error.
    if not (_FORBIDDEN_IN_TEXT if multiline else _FORBIDDEN_IN_NAME).search(value):
        return value
    stray = _SURROGATE.search(value)
    if stray:
        code = f"\\u{ord(stray.group()):04x}"
        raise LedgerError(f"the {what} is not valid text: {code} is a stray UTF-16 surrogate, not a character")
    allowed = "\n\t" if multiline else ""
    if any(unicodedata.category(ch) == "Cc" and ch not in allowed for ch in value):
        kind = "control characters" if multiline else "line breaks or control characters"
        raise LedgerError(f"the {what} contains {kind}")
    raise LedgerError(f"the {what} contains invisible characters that reorder text")


def known_regions() -> frozenset[str]:
    """Two-letter country codes (ISO 3166) from CLDR, without the non-places."""
    return REGIONS


def region(value: str) -> str:
    """An upper-case ISO 3166 country code such as US or GB."""
    normal = plain_upper(value.strip())
    if normal not in known_regions():
        raise LedgerError(f"region {value!r} is not a two-letter country code such as US or GB")
    return normal


def categories(values: Sequence[str]) -> list[str]:
    """Category names, trimmed, empty ones dropped, each kept once (first spelling wins)."""
    seen: set[str] = set()
    kept: list[str] = []
    for value in values:
        name = text(value, "category")
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            kept.append(name)
    return kept


def check_day(day: date, what: str = "date") -> date:
    """The day if the ledger can keep it (EARLIEST_DAY to LATEST_DAY), else an error naming the limit."""
    if day > LATEST_DAY:
        raise LedgerError(f"the {what} {day} is after {LATEST_DAY}, the latest date the ledger keeps")
    if day < EARLIEST_DAY:
        raise LedgerError(f"the {what} {day} is before {EARLIEST_DAY}, the earliest date the ledger keeps")
    return day


def parse_day(text: str) -> date:
    """A day written YYYY-MM-DD in ASCII digits, within the dates the ledger keeps.

    Stricter than `date.fromisoformat`, which also reads 20250301 or 2025-W09-6.
    """
    raw = text.strip()
    try:
        if not _ISO_DAY.fullmatch(raw):
            raise ValueError(raw)
        day = date.fromisoformat(raw)
    except ValueError:
        raise LedgerError(f"{text!r:.40} is not a date: write it as YYYY-MM-DD") from None
    return check_day(day)


def check_moment(moment: datetime, what: str = "timestamp") -> datetime:
    """An aware timestamp within the dates the ledger keeps, converted to UTC as it is stored."""
    if moment.tzinfo is None:
        raise LedgerError(f"the {what} {moment.isoformat()} has no time zone; timestamps are stored in UTC")
    # Checked before converting: 0001-01-01T00:00+14:00 has no UTC time Python can hold.
    check_day(moment.date(), what)
    return moment.astimezone(UTC)


def whole_number(text: str, what: str, most: int) -> int:
    """A whole number from 0 to `most` written in ASCII digits only.

    `int()` would also read '١' or '１' (other scripts' digits), '+1', ' 1' and '0_1'.
    """
    if not _DIGITS.fullmatch(text):
        raise LedgerError(f"{text!r:.40} is not {what}: write it with the digits 0 to 9 only")
    digits = text.lstrip("0") or "0"
    # Compared by length first: int() refuses more than 4,300 digits, and a huge number is no id anyway.
    if len(digits) > len(str(most)) or int(digits) > most:
        raise LedgerError(f"{text!r:.40} is not {what}: the largest is {most}")
    return int(digits)


def check_money_moved(moved_minor: int, currency: str) -> None:
    """Refuse a credit through which more than MAX_MOVED_MINOR minor units would move, counted without signs."""
    if moved_minor > MAX_MOVED_MINOR:
        limit = format_money(from_minor(MAX_MOVED_MINOR, currency), currency)
        raise LedgerError(
            f"more money would move through this credit than the ledger can add up: at most {limit} in all, "
            "spends, refunds and adjustments counted alike; record the rest on a new credit"
        )


def dates(received_on: date | None, expires_on: date | None, today: date) -> date:
    """The date received (today when not given), refusing a future receipt or an expiry before it."""
    received = received_on or today
    if received > today:
        raise LedgerError(f"the date received ({received}) is in the future")
    if expires_on is not None and expires_on < received:
        if received_on is None:
            raise LedgerError(
                f"the expiry date {expires_on} has already passed; give the date received if you are recording "
                "an old credit"
            )
        raise LedgerError(f"the expiry date {expires_on} is before the date received {received}")
    return received


class CreditFieldError(LedgerError):
    """A new credit refused because of one field; `field` names it (a NewCredit attribute)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(slots=True)
class CheckedCredit:
    """A credit that passed every check `Ledger.add_credit` makes, normalised and ready to store."""

    source: str
    currency: str
    amount_minor: int
    merchant: str
    region: str
    title: str
    received_on: date
    expires_on: date | None
    reference: str
    categories: tuple[str, ...]
    terms: str
    terms_url: str
    claim_code: str
    notes: str


def _amount_minor(amount: str | Decimal, currency: str) -> int:
    return to_minor(parse_amount(amount, currency), currency)


def _category_tuple(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(categories(values))


@dataclass(frozen=True)
class FieldChecks:
    """The checks of a new credit's fields, each a pure function of its arguments."""

    currency: Callable[[str], str] = check_currency
    amount_minor: Callable[[str | Decimal, str], int] = _amount_minor
    choice: Callable[[str, type[Source], str], str] = choice
    text: Callable[..., str] = text
    region: Callable[[str], str] = region
    categories: Callable[[tuple[str, ...]], tuple[str, ...]] = _category_tuple

    def remembering(self) -> FieldChecks:
        """A copy that checks each distinct value once: big files repeat merchants, currencies and dates."""
        return FieldChecks(*(cache(getattr(self, f.name)) for f in fields(self)))


PLAIN_CHECKS = FieldChecks()


def check_credit_fields(
    *,
    source: str,
    currency: str,
    amount: str | Decimal,
    merchant: str,
    region: str,
    title: str,
    received_on: date | None,
    expires_on: date | None,
    reference: str,
    categories: tuple[str, ...],
    terms: str,
    terms_url: str,
    claim_code: str,
    notes: str,
    today: date,
    checks: FieldChecks = PLAIN_CHECKS,
) -> CheckedCredit:
    """A new or edited credit's fields, checked and normalised; raises CreditFieldError naming the first bad field.

    The fields come one by one, not as a NewCredit, so big imports need not build one per row.
    """
    # A running field name instead of one try block per field: this runs for every row of a big import.
    field = "currency"
    try:
        currency = checks.currency(currency)
        field = "amount"
        amount_minor = checks.amount_minor(amount, currency)
        field = "source"
        source = checks.choice(source, Source, "source")
        field = "merchant"
        merchant = checks.text(merchant, "merchant", MAX_NAME, True)
        field = "region"
        region = checks.region(region)
        field = "title"
        title = checks.text(title, "title")
        field = "received_on"
        if received_on is not None:
            check_day(received_on, "date received")
        field = "expires_on"
        if expires_on is not None:
            check_day(expires_on, "expiry date")
        # `dates` refuses a receipt in the future, else an expiry before the receipt.
        field = "received_on" if received_on is not None and received_on > today else "expires_on"
        received_on = dates(received_on, expires_on, today)
        field = "reference"
        reference = checks.text(reference, "reference")
        field = "categories"
        categories = checks.categories(categories)
        field = "terms"
        terms = checks.text(terms, "terms", MAX_TEXT, multiline=True)
        field = "terms_url"
        terms_url = checks.text(terms_url, "terms URL", MAX_TEXT)
        field = "claim_code"
        claim_code = checks.text(claim_code, "claim code")
        field = "notes"
        notes = checks.text(notes, "notes", MAX_TEXT, multiline=True)
    except LedgerError as error:
        raise CreditFieldError(field, str(error)) from None
    return CheckedCredit(
        source=source,
        currency=currency,
        amount_minor=amount_minor,
        merchant=merchant,
        region=region,
        title=title,
        received_on=received_on,
        expires_on=expires_on,
        reference=reference,
        categories=categories,
        terms=terms,
        terms_url=terms_url,
        claim_code=claim_code,
        notes=notes,
    )


def checked_credit(new: NewCredit, today: date) -> CheckedCredit:
    """A new or edited credit, checked and normalised; raises CreditFieldError on the first problem."""
    return check_credit_fields(
        source=new.source,
        currency=new.currency,
        amount=new.amount,
        merchant=new.merchant,
        region=new.region,
        title=new.title,
        received_on=new.received_on,
        expires_on=new.expires_on,
        reference=new.reference,
        categories=tuple(new.categories),
        terms=new.terms,
        terms_url=new.terms_url,
        claim_code=new.claim_code,
        notes=new.notes,
        today=today,
    )


def credit_fields(new: NewCredit, today: date) -> dict[str, Any]:
    """Every column of a new or edited credit, checked and normalised; raises CreditFieldError on the first problem."""
    checked = checked_credit(new, today)
    columns = {column.name: getattr(checked, column.name) for column in fields(checked)}
    columns["categories"] = list(checked.categories)  # the model's column holds a list
    return columns
