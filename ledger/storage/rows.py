"""The ledger's rows as plain Python: how each column is stored, and the records read back from it.

The ledger reads and writes through the `sqlite3` module: loading an ORM costs about a second
before the first row, which is most of a command's run and the window's start. These
encoders are the one definition of the stored text (the ORM's column types in `models` call
them too), so every writer stores the same bytes.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from ledger.validation import CheckedCredit

CREDIT_COLUMNS = (
    "id",
    "uid",
    "merchant",
    "region",
    "source",
    "title",
    "currency",
    "amount_minor",
    "received_on",
    "expires_on",
    "reference",
    "terms",
    "terms_url",
    "categories",
    "terms_by_use",
    "claim_code_sealed",
    "notes",
    "archived",
    "reminders_muted",
    "snoozed_until",
    "created_at",
    "updated_at",
)
ENTRY_COLUMNS = ("credit_id", "kind", "amount_minor", "occurred_on", "note", "created_at")
CHECK_COLUMNS = ("credit_id", "use", "outcome", "observed_at", "note")
REMINDER_COLUMNS = ("credit_id", "lead_days", "expires_on", "sent_at", "channel")


def utc_now() -> datetime:
    """The current moment as an aware UTC datetime."""
    return datetime.now(UTC)


def new_uid() -> str:
    """A credit's identity across ledgers: a random uuid4 as 32 hex digits, set once and never changed.

    Made here as `uuid.uuid4().hex` makes it: importing `uuid` costs a command more than the rest of `add`.
    """
    raw = bytearray(os.urandom(16))
    raw[6] = (raw[6] & 0x0F) | 0x40  # version 4
    raw[8] = (raw[8] & 0x3F) | 0x80  # RFC 4122 variant
    return raw.hex()


def new_uids(count: int) -> list[str]:
    """`count` fresh random credit uids (32 hex digits, as `new_uid`), from one call to the OS's generator."""
    blob = os.urandom(16 * count).hex()
    return [blob[start : start + 32] for start in range(0, 32 * count, 32)]


def timestamp_text(moment: datetime) -> str:
    """An aware timestamp as the ledger stores it (ISO 8601, UTC, microseconds); a naive one is refused."""
    if moment.tzinfo is None:
        raise ValueError("timestamps must be timezone-aware")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def timestamp_from_text(text: str) -> datetime:
    """A stored timestamp read back."""
    return datetime.fromisoformat(text)


@lru_cache(maxsize=8192)
def day_text(day: date) -> str:
    """A date as the ledger stores it (YYYY-MM-DD)."""
    return day.isoformat()


def day_from_text(text: str | None) -> date | None:
    """A stored date read back (None stays None)."""
    return None if text is None else date.fromisoformat(text)


@lru_cache(maxsize=1024)
def _categories_text(categories: tuple[str, ...]) -> str:
    return json.dumps(list(categories), ensure_ascii=False)


def categories_text(categories: tuple[str, ...] | list[str] | None) -> str:
    """Categories as the ledger stores them (a JSON array)."""
    return _categories_text(tuple(categories or ()))


def categories_from_text(text: str | None) -> list[str]:
    """Stored categories read back; anything but a JSON array (a hand-edited file) reads as none."""
    if not text or text == "[]":
        return []
    loaded: Any = json.loads(text)
    return [str(item) for item in loaded] if isinstance(loaded, list) else []


def terms_by_use_text(said: dict[str, str] | None) -> str:
    """What a credit's terms say per use, as the ledger stores it (a JSON object: {"amazon_gift_cards": "forbid"})."""
    return json.dumps(dict(said or {}), ensure_ascii=False) if said else "{}"


def terms_by_use_from_text(text: str | None) -> dict[str, str]:
    """What the terms say per use, read back. Lenient: anything but a JSON object of texts (a hand-edited file)
    reads as nothing recorded, since the rules must always get an answer."""
    if not text or text == "{}":
        return {}
    try:
        loaded: Any = json.loads(text)
    except ValueError:
        return {}
    if not isinstance(loaded, dict):
        return {}
    return {str(use): said for use, said in loaded.items() if isinstance(said, str)}


def credit_row(
    credit: CheckedCredit,
    credit_id: int | None,
    uid: str,
    created_at: str,
    updated_at: str,
    *,
    archived: bool = False,
    reminders_muted: bool = False,
    snoozed_until: date | None = None,
    claim_code_sealed: bytes | None = None,
) -> tuple[Any, ...]:
    """The values of one `credit` row, in CREDIT_COLUMNS order; timestamps already as stored text.

    A `credit_id` of None lets SQLite choose the id. The claim code goes in only sealed
    (`ledger.vault.codes.sealed_code`): `credit.claim_code` is never stored.
    """
    expires_on = credit.expires_on
    return (
        credit_id,
        uid,
        credit.merchant,
        credit.region,
        credit.source,
        credit.title,
        credit.currency,
        credit.amount_minor,
        day_text(credit.received_on),
        None if expires_on is None else day_text(expires_on),
        credit.reference,
        credit.terms,
        credit.terms_url,
        categories_text(credit.categories),
        terms_by_use_text(credit.terms_by_use),
        claim_code_sealed,
        credit.notes,
        int(archived),
        int(reminders_muted),
        None if snoozed_until is None else snoozed_until.isoformat(),
        created_at,
        updated_at,
    )


def insert_sql(table: str, columns: tuple[str, ...]) -> str:
    """An INSERT of one row with these columns, as `?` parameters."""
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"


class CreditRecord(NamedTuple):
    """One stored credit, as read from the ledger (the `credit` table's columns, typed).

    Records are immutable named tuples: `list --json` reads every credit, and a frozen dataclass
    takes five times as long to build.
    """

    id: int
    uid: str
    merchant: str
    region: str
    source: str
    title: str
    currency: str
    amount_minor: int
    received_on: date
    expires_on: date | None
    reference: str
    terms: str
    terms_url: str
    categories: list[str]
    # What the credit's own terms say per use, as recorded (ledger.vocab.TermsSay values; silent ones left out).
    terms_by_use: dict[str, str]
    # The claim code as the vault sealed it (never plain text), None when there is none.
    claim_code_sealed: bytes | None
    notes: str
    archived: bool
    reminders_muted: bool
    snoozed_until: date | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_row(cls, row: tuple[Any, ...]) -> CreditRecord:
        """A credit from a row selected with CREDIT_SELECT."""
        (cid, uid, merchant, region, source, title, currency, amount, received, expires, reference, terms) = row[:12]
        (terms_url, categories, terms_by_use, sealed, notes, archived, muted, snoozed, created, updated) = row[12:]
        return cls(
            id=cid,
            uid=uid,
            merchant=merchant,
            region=region,
            source=source,
            title=title,
            currency=currency,
            amount_minor=amount,
            received_on=date.fromisoformat(received),
            expires_on=day_from_text(expires),
            reference=reference,
            terms=terms,
            terms_url=terms_url,
            categories=categories_from_text(categories),
            terms_by_use=terms_by_use_from_text(terms_by_use),
            claim_code_sealed=None if sealed is None else bytes(sealed),
            notes=notes,
            archived=bool(archived),
            reminders_muted=bool(muted),
            snoozed_until=day_from_text(snoozed),
            created_at=timestamp_from_text(created),
            updated_at=timestamp_from_text(updated),
        )


class EntryRecord(NamedTuple):
    """One stored movement on a credit (signed minor units)."""

    id: int
    credit_id: int
    kind: str
    amount_minor: int
    occurred_on: date
    note: str
    created_at: datetime

    @classmethod
    def from_row(cls, row: tuple[Any, ...]) -> EntryRecord:
        """An entry from a row selected with ENTRY_SELECT."""
        entry_id, credit_id, kind, amount, occurred, note, created = row
        return cls(entry_id, credit_id, kind, amount, date.fromisoformat(occurred), note, timestamp_from_text(created))


class CheckRecord(NamedTuple):
    """One stored checkout observation."""

    id: int
    credit_id: int
    use: str
    outcome: str
    observed_at: datetime
    note: str

    @classmethod
    def from_row(cls, row: tuple[Any, ...]) -> CheckRecord:
        """A checkout observation from a row selected with CHECK_SELECT."""
        check_id, credit_id, use, outcome, observed, note = row
        return cls(check_id, credit_id, use, outcome, timestamp_from_text(observed), note)


CREDIT_SELECT = f"SELECT {', '.join(CREDIT_COLUMNS)} FROM credit"
ENTRY_SELECT = f"SELECT id, {', '.join(ENTRY_COLUMNS)} FROM entry"
CHECK_SELECT = f"SELECT id, {', '.join(CHECK_COLUMNS)} FROM checkout_check"
