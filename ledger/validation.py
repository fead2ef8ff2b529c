"""Checking what a user typed about a credit, before anything is written.

One place for the rules every entry point shares (command line, dialogs, imports, edits):
each failure is a LedgerError whose message says what is wrong.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cache
from typing import Any, TypeVar

from ledger.cldr import REGION_NAMES, REGIONS
from ledger.errors import LedgerError
from ledger.money import check_currency, format_money, from_minor, parse_amount, to_minor
from ledger.vocab import Outcome, Source, TermsSay, Use, plain_lower, plain_upper

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
# Everyday names for a country that are not its ISO 3166 code: "UK" is GB (Amazon.co.uk, a UK gift card).
REGION_ALIASES = {"UK": "GB"}
# The codes a refusal offers as examples.
COMMON_REGIONS = "US, GB (or UK), CA, DE, FR, IT, ES, JP, AU or IN"
# Everyday words for the sources, beside the vocabulary itself written as words ("gift card").
_SOURCE_WORDS = {member.value.replace("_", " "): member.value for member in Source} | {
    "giftcard": Source.GIFT_CARD.value,
    "gift": Source.GIFT_CARD.value,
    "gift card balance": Source.GIFT_CARD.value,
    "promo": Source.PROMOTIONAL.value,
    "promotion": Source.PROMOTIONAL.value,
    "promo credit": Source.PROMOTIONAL.value,
    "promotional credit": Source.PROMOTIONAL.value,
    "refund credit": Source.REFUND.value,
    "return": Source.RETURN_CREDIT.value,
    "returns": Source.RETURN_CREDIT.value,
    "reward": Source.REWARDS.value,
    "rewards credit": Source.REWARDS.value,
    "points": Source.REWARDS.value,
    "survey": Source.REWARDS.value,
}
SOURCE_EXAMPLES = "Gift card, Refund, Return credit, Promotional (or promo), Rewards, Other"
# Countries whose English name takes "the" in a sentence ("in the United States").
_NAMES_WITH_THE = frozenset({"US", "GB", "NL", "AE", "PH", "DO", "BS", "GM", "CF", "MV", "MH", "SB", "KM", "VA", "CZ"})
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

T = TypeVar("T")


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
    # A code to store (sealed by the vault), "" to remove a stored one, or None to leave it as it is (an edit
    # that does not show the code must not lose it).
    claim_code: str | None = None
    notes: str = ""
    # What the credit's own terms say per use (ledger.vocab.TermsSay values); silent uses may be left out.
    terms_by_use: Mapping[str, str] = field(default_factory=dict)


def choice(value: str, vocabulary: type[Source] | type[Use] | type[Outcome], what: str) -> str:
    """The value if it belongs to the vocabulary, else an error listing what is allowed."""
    allowed = [member.value for member in vocabulary]
    if value not in allowed:
        raise LedgerError(f"unknown {what} {value!r}: expected one of {', '.join(allowed)}")
    return value


def source_in_words(value: str) -> str:
    """The source a person's words name ("Gift card", "promo", "Return credit"), as its vocabulary value; words
    it does not know come back as typed, for `choice` to refuse with the list of what is allowed.

    Case, spaces, hyphens and underscores do not matter; only plain ASCII letters are read (see `plain_lower`).
    """
    words = " ".join(plain_lower(value).replace("_", " ").replace("-", " ").split())
    return _SOURCE_WORDS.get(words, value.strip())


def source_refusal(value: str) -> str:
    """Why a source written in words is refused: the vocabulary, and the everyday words taken for it."""
    allowed = ", ".join(member.value for member in Source)
    return f"unknown source {value.strip()!r:.40}: expected one of {allowed}, or words such as {SOURCE_EXAMPLES}"


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
    """An upper-case ISO 3166 country code such as US or GB; UK, the everyday name for GB, is stored as GB."""
    normal = plain_upper(value.strip())
    normal = REGION_ALIASES.get(normal, normal)
    if normal not in known_regions():
        raise LedgerError(region_refusal(value))
    return normal


def region_refusal(value: str) -> str:
    """Why a region is refused, naming the codes that are known: the code for a country typed by name,
    else a few common ones and the known codes that begin with the same letter."""
    typed = value.strip()
    named = _regions_by_name().get(typed.casefold())
    if named is not None:
        return f"region {typed!r:.40} is not a two-letter country code: write {named} for {region_name(named)}"
    alike = regions_like(typed)
    also = f"; the known codes beginning with {typed[0].upper()} are {', '.join(alike)}" if alike else ""
    return (
        f"region {typed!r:.40} is not a two-letter country code the ledger knows: use an ISO 3166 code such as "
        f"{COMMON_REGIONS}{also}"
    )


def regions_like(typed: str) -> list[str]:
    """The known codes (and aliases such as UK) that begin with the same letter as a two-letter code typed."""
    typed = typed.strip()
    first = plain_upper(typed[:1])
    if len(typed) != 2 or not (first.isascii() and first.isalpha()):
        return []
    return sorted(code for code in _named_regions() | REGION_ALIASES.keys() if code.startswith(first))


def region_name(code: str) -> str:
    """A region in words, as a sentence names it: "the United States", "Germany" (the code itself if it has no name)."""
    name = _region_names().get(code)
    if name is None:
        return code
    return f"the {name}" if code in _NAMES_WITH_THE else name


def _region_names() -> dict[str, str]:
    # CLDR's English names, from the table (ledger/cldr.py): Babel's data would cost every command that
    # names a country (each `show`) a fifth of its run.
    return REGION_NAMES


@cache
def _named_regions() -> frozenset[str]:
    """The known codes that name a country today (CLDR keeps some old ones, such as SU, for old data)."""
    return frozenset(code for code in known_regions() if code in _region_names())


@cache
def _regions_by_name() -> dict[str, str]:
    """Country names in English, case-folded, to their codes ("germany": DE), plus the aliases ("uk": GB)."""
    names = {_region_names()[code].casefold(): code for code in _named_regions()}
    names.update({alias.casefold(): code for alias, code in REGION_ALIASES.items()})
    return names


def region_in_words(text: str) -> str | None:
    """The region a word or name means ("uk", "de", "Germany"), or None when it names none."""
    word = text.strip()
    if len(word) == 2:
        normal = plain_upper(word)
        normal = REGION_ALIASES.get(normal, normal)
        return normal if normal in _named_regions() else None
    return _regions_by_name().get(word.casefold())


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


def check_terms_by_use(values: Mapping[str, str]) -> dict[str, str]:
    """What the terms say per use, checked: known uses and answers only, `silent` ones dropped, in vocabulary order."""
    said: dict[str, str] = {}
    for use, answer in values.items():
        choice(use, Use, "use")
        if answer not in {member.value for member in TermsSay}:
            allowed = ", ".join(member.value for member in TermsSay)
            raise LedgerError(f"what the terms say about {use} must be one of {allowed}, not {answer!r:.40}")
        if answer != TermsSay.SILENT:
            said[use] = answer
    return {use.value: said[use.value] for use in Use if use.value in said}


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


class CreditFieldErrors(CreditFieldError):
    """A credit refused for several fields at once: it reads as the first, and `problems` lists them all."""

    def __init__(self, problems: list[CreditFieldError]) -> None:
        super().__init__(problems[0].field, str(problems[0]))
        self.problems = problems


class FieldProblems:
    """Where the checks of one credit's fields report. By default the first problem is raised at once; with
    `every`, each field's first problem is kept and checking goes on, so an import's preview can show them all."""

    def __init__(self, every: bool = False) -> None:
        self.every = every
        self.found: list[CreditFieldError] = []

    def check(self, field: str, fallback: T, check: Callable[..., T], *args: Any) -> T:
        """`check(*args)`, or `fallback` once its problem is kept (raised at once unless collecting)."""
        try:
            return check(*args)
        except LedgerError as error:
            self.report(error if isinstance(error, CreditFieldError) else CreditFieldError(field, str(error)))
            return fallback

    def report(self, problem: CreditFieldError) -> None:
        """Raise the problem, or keep it when collecting (a field's later problems only repeat its first)."""
        if not self.every:
            raise problem
        if not self.failed(problem.field):
            self.found.append(problem)

    def failed(self, *fields: str) -> bool:
        """Whether a problem was kept for any of these fields."""
        return any(problem.field in fields for problem in self.found)

    def raise_found(self) -> None:
        """Raise CreditFieldErrors listing every problem kept, if there is any."""
        if self.found:
            raise CreditFieldErrors(self.found)


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
    terms_by_use: dict[str, str] = field(default_factory=dict)


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
    terms_by_use: Mapping[str, str] | None = None,
    problems: FieldProblems | None = None,
) -> CheckedCredit:
    """A new or edited credit's fields, checked and normalised; raises CreditFieldError naming the first bad field.

    The fields come one by one, not as a NewCredit, so big imports need not build one per row. Given
    `problems` that collect (`FieldProblems(every=True)`), every field is checked and each problem kept
    there; the result then means something only if none was found (the caller calls `raise_found`).
    """
    found = problems if problems is not None else FieldProblems()
    check = found.check
    currency = check("currency", "", checks.currency, currency)
    # An amount's decimals depend on its currency: with no currency, there is nothing to check it against.
    amount_minor = check("amount", 0, checks.amount_minor, amount, currency) if currency else 0
    source = check("source", "", checks.choice, source, Source, "source")
    merchant = check("merchant", "", checks.text, merchant, "merchant", MAX_NAME, True)
    region = check("region", "", checks.region, region)
    title = check("title", "", checks.text, title, "title")
    if received_on is not None:
        received_on = check("received_on", None, check_day, received_on, "date received")
    if expires_on is not None:
        expires_on = check("expires_on", None, check_day, expires_on, "expiry date")
    received = today
    if not found.failed("received_on", "expires_on"):
        # `dates` refuses a receipt in the future, else an expiry before the receipt.
        field = "received_on" if received_on is not None and received_on > today else "expires_on"
        received = check(field, today, dates, received_on, expires_on, today)
    reference = check("reference", "", checks.text, reference, "reference")
    categories = check("categories", (), checks.categories, categories)
    terms = check("terms", "", checks.text, terms, "terms", MAX_TEXT, False, True)
    terms_url = check("terms_url", "", checks.text, terms_url, "terms URL", MAX_TEXT)
    claim_code = check("claim_code", "", checks.text, claim_code, "claim code")
    notes = check("notes", "", checks.text, notes, "notes", MAX_TEXT, False, True)
    no_uses: dict[str, str] = {}
    said = check("terms_by_use", no_uses, check_terms_by_use, terms_by_use or {})
    return CheckedCredit(
        source=source,
        currency=currency,
        amount_minor=amount_minor,
        merchant=merchant,
        region=region,
        title=title,
        received_on=received,
        expires_on=expires_on,
        reference=reference,
        categories=categories,
        terms=terms,
        terms_url=terms_url,
        claim_code=claim_code,
        notes=notes,
        terms_by_use=said,
    )


def checked_credit(new: NewCredit, today: date) -> CheckedCredit:
    """A new or edited credit, checked and normalised; raises CreditFieldError on the first problem.

    The claim code is checked with the rest; only its sealed form is ever stored (`ledger.vault.codes`).
    """
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
        claim_code=new.claim_code or "",
        notes=new.notes,
        today=today,
        terms_by_use=new.terms_by_use,
    )


def credit_fields(new: NewCredit, today: date) -> dict[str, Any]:
    """Every plain column of a new or edited credit, checked and normalised; raises CreditFieldError on the first
    problem. The claim code is checked too, but left out: only its sealed form is stored (`ledger.vault.codes`)."""
    checked = checked_credit(new, today)
    # The code is checked with the rest but never becomes a column in the clear: the vault seals it.
    columns = {column.name: getattr(checked, column.name) for column in fields(checked) if column.name != "claim_code"}
    columns["categories"] = list(checked.categories)  # the model's column holds a list
    return columns
