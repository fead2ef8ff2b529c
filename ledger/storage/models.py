"""The ledger's tables (DESIGN.md "Data model"), as SQLModel classes.

Amounts are whole minor units (cents) in INTEGER columns; the Decimal view lives in
`ledger.money`. Timestamps are aware UTC. The schema itself is owned by the Alembic
revisions in `ledger/migrations`; these classes must match them (a test checks).

The app itself reads and writes rows with `sqlite3` (`ledger.storage.rows`, `store`); these
classes describe the schema, and serve code and tests that want ORM objects.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.engine import Dialect
from sqlmodel import Field, SQLModel

from ledger.storage.rows import (
    categories_from_text,
    categories_text,
    new_uid,
    terms_by_use_from_text,
    terms_by_use_text,
    timestamp_from_text,
    timestamp_text,
    utc_now,
)

__all__ = ["CheckoutCheck", "Credit", "Entry", "ReminderSent", "Setting", "Vault", "new_uid", "utc_now"]


# What SQLite gives a credit inserted without a uid (32 random hex digits, like `new_uid`).
UID_SQL_DEFAULT = "(lower(hex(randomblob(16))))"


class UTCDateTime(TypeDecorator[datetime]):
    """An aware datetime stored as ISO 8601 text in UTC; naive values are refused."""

    impl = String
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> str | None:
        return None if value is None else timestamp_text(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> datetime | None:
        return None if value is None else timestamp_from_text(value)


class Categories(TypeDecorator[list[str]]):
    """A list of category names stored as a JSON array."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: list[str] | None, dialect: Dialect) -> str:
        return categories_text(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> list[str]:
        return categories_from_text(value)


class TermsByUse(TypeDecorator[dict[str, str]]):
    """What a credit's terms say per use, stored as a JSON object: {"amazon_gift_cards": "forbid"}.

    Only `allow` and `forbid` are kept; a use the terms are silent on has no key. Reading is lenient
    (anything but an object of texts reads as nothing recorded): the rules must always get an answer.
    """

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: dict[str, str] | None, dialect: Dialect) -> str:
        return terms_by_use_text(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> dict[str, str]:
        return terms_by_use_from_text(value)


# What a credit holds in `terms_by_use` until the user records what its terms say.
TERMS_BY_USE_SQL_DEFAULT = "'{}'"


class Credit(SQLModel, table=True):
    """One store credit: where it came from, how much, its dates and its fine print."""

    __tablename__ = "credit"
    __table_args__ = (Index("ix_credit_expires_on", "expires_on"), Index("ix_credit_uid", "uid", unique=True))

    id: int | None = Field(default=None, primary_key=True)
    # The credit's identity in exports and merges: two credits never share it, an edit never changes it.
    uid: str = Field(default_factory=new_uid, sa_column_kwargs={"server_default": text(UID_SQL_DEFAULT)})
    merchant: str = Field(default="Amazon")
    region: str = Field(default="US")
    source: str
    title: str = Field(default="")
    currency: str
    amount_minor: int
    received_on: date
    expires_on: date | None = Field(default=None)
    reference: str = Field(default="")
    terms: str = Field(default="")
    terms_url: str = Field(default="")
    categories: list[str] = Field(default_factory=list, sa_type=Categories)
    # What the terms say about each use, as the user recorded it (ledger.vocab.TermsSay): above the rules.
    terms_by_use: dict[str, str] = Field(
        default_factory=dict, sa_type=TermsByUse, sa_column_kwargs={"server_default": text(TERMS_BY_USE_SQL_DEFAULT)}
    )
    # The claim code sealed by the vault (ledger.vault): never plain text at rest; None when there is none.
    claim_code_sealed: bytes | None = Field(default=None)
    notes: str = Field(default="")
    archived: bool = Field(default=False)
    reminders_muted: bool = Field(default=False)
    snoozed_until: date | None = Field(default=None)
    created_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)


class Entry(SQLModel, table=True):
    """One movement on a credit: issue, spend, refund, adjust or forfeit (signed minor units)."""

    __tablename__ = "entry"

    id: int | None = Field(default=None, primary_key=True)
    credit_id: int = Field(
        sa_column=Column(Integer, ForeignKey("credit.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    kind: str
    amount_minor: int
    occurred_on: date
    note: str = Field(default="")
    created_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)


class CheckoutCheck(SQLModel, table=True):
    """What the user saw at checkout when trying a use; an observation beats a rule."""

    __tablename__ = "checkout_check"

    id: int | None = Field(default=None, primary_key=True)
    credit_id: int = Field(
        sa_column=Column(Integer, ForeignKey("credit.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    use: str
    outcome: str
    observed_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)
    note: str = Field(default="")


class ReminderSent(SQLModel, table=True):
    """A reminder claimed (then delivered) once for a credit, lead time and expiry date."""

    __tablename__ = "reminder_sent"
    __table_args__ = (UniqueConstraint("credit_id", "lead_days", "expires_on", name="uq_reminder_once"),)

    id: int | None = Field(default=None, primary_key=True)
    credit_id: int = Field(
        sa_column=Column(Integer, ForeignKey("credit.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    lead_days: int
    expires_on: date
    sent_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)
    channel: str = Field(default="")


class Vault(SQLModel, table=True):
    """The ledger's data key as the ledger may hold it: its id, where it is kept, and a check (ledger.vault).

    One row at most, written when the first secret is sealed; the key itself is never here in the clear.
    """

    __tablename__ = "vault"
    __table_args__ = (CheckConstraint("id = 1", name="ck_vault_one_key"),)

    id: int = Field(default=1, primary_key=True)
    key_id: str = Field(unique=True)
    # "keyring", "passphrase" (the key is in `wrapped_key`, under the passphrase) or "key_file" (waiting).
    keeper: str
    wrapped_key: bytes | None = Field(default=None)
    key_check: bytes
    created_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)


class Setting(SQLModel, table=True):
    """One user setting, its value stored as JSON text."""

    __tablename__ = "settings"

    key: str = Field(primary_key=True)
    value: str
