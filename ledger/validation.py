"""Checking what a user typed about a credit, before anything is written.

One place for the rules every entry point shares (command line, dialogs, imports, edits):
each failure is a LedgerError whose message says what is wrong.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields
from datetime import date
from decimal import Decimal
from functools import cache, lru_cache
from typing import Any

from babel.core import get_global

from ledger.errors import LedgerError
from ledger.money import check_currency, parse_amount, to_minor
from ledger.vocab import Outcome, Source, Use

MAX_TEXT = 10_000
MAX_NAME = 200
# Codes CLDR lists beside the countries that are not a place a store sells in.
_NOT_REGIONS = frozenset({"ZZ", "EU", "EZ", "UN", "QO"})
# Invisible characters that reorder or hide text: in a name they can make it read as something else.
_BIDI_CONTROLS = "\u202a-\u202e\u2066-\u2069\u200e\u200f"
# Unicode's control characters (category Cc) are exactly U+0000-001F and U+007F-009F.
_FORBIDDEN_IN_NAME = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI_CONTROLS}]")
_FORBIDDEN_IN_TEXT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


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
    """Trimmed text within `limit` characters; names are one line, free of control and reordering characters."""
    value = value.strip()
    if required and not value:
        raise LedgerError(f"the {what} must not be empty")
    if len(value) > limit:
        raise LedgerError(f"the {what} is too long ({len(value)} characters; at most {limit})")
    # One precompiled search per value keeps bulk imports fast; the loop below only runs to word the error.
    if not (_FORBIDDEN_IN_TEXT if multiline else _FORBIDDEN_IN_NAME).search(value):
        return value
    allowed = "\n\t" if multiline else ""
    if any(unicodedata.category(ch) == "Cc" and ch not in allowed for ch in value):
        kind = "control characters" if multiline else "line breaks or control characters"
        raise LedgerError(f"the {what} contains {kind}")
    raise LedgerError(f"the {what} contains invisible characters that reorder text")


@lru_cache(maxsize=1)
def known_regions() -> frozenset[str]:
    """Two-letter country codes (ISO 3166) from CLDR, without the non-places."""
    return frozenset(get_global("territory_currencies")) - _NOT_REGIONS


def region(value: str) -> str:
    """An upper-case ISO 3166 country code such as US or GB."""
    normal = value.strip().upper()
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


def credit_fields(new: NewCredit, today: date) -> dict[str, Any]:
    """Every column of a new or edited credit, checked and normalised; raises CreditFieldError on the first problem."""
    checked = check_credit_fields(
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
    columns = {column.name: getattr(checked, column.name) for column in fields(checked)}
    columns["categories"] = list(checked.categories)  # the model's column holds a list
    return columns
