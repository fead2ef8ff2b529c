"""Checking what a user typed about a credit, before anything is written.

One place for the rules every entry point shares (command line, dialogs, imports, edits):
each failure is a LedgerError whose message says what is wrong.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache
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


def credit_fields(new: NewCredit, today: date) -> dict[str, Any]:
    """Every column of a new or edited credit, checked and normalised; raises LedgerError on the first problem."""
    currency = check_currency(new.currency)
    amount = parse_amount(new.amount, currency)
    return {
        "source": choice(new.source, Source, "source"),
        "currency": currency,
        "amount_minor": to_minor(amount, currency),
        "merchant": text(new.merchant, "merchant", required=True),
        "region": region(new.region),
        "title": text(new.title, "title"),
        "received_on": dates(new.received_on, new.expires_on, today),
        "expires_on": new.expires_on,
        "reference": text(new.reference, "reference"),
        "categories": categories(new.categories),
        "terms": text(new.terms, "terms", MAX_TEXT, multiline=True),
        "terms_url": text(new.terms_url, "terms URL", MAX_TEXT),
        "claim_code": text(new.claim_code, "claim code"),
        "notes": text(new.notes, "notes", MAX_TEXT, multiline=True),
    }
