"""The ledger's operations: add, list, show, spend, refund, check, archive, delete.

Every write runs in one BEGIN IMMEDIATE transaction, so a balance check and the entry
it guards cannot be split by another process (the app and a cron job share the file).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from ledger.errors import CreditNotFound, LedgerError, LedgerReplacedError
from ledger.money import from_minor, parse_amount, to_minor
from ledger.status import EXPIRING_WITHIN_DAYS, days_left, is_expired, status_of
from ledger.storage.db import WRITE_OPTION, open_database, storage_errors
from ledger.storage.listing import LISTING_SQL, ListedCredit, listing_parameters
from ledger.storage.models import CheckoutCheck, Credit, Entry, utc_now
from ledger.storage.sqlite_files import identity
from ledger.validation import MAX_TEXT, NewCredit, check_money_moved, choice, credit_fields, text
from ledger.vault.codes import sealed_code
from ledger.vocab import CHECKOUT_USES, EntryKind, Outcome, Status, Use

if TYPE_CHECKING:
    from ledger.vault.ledger_key import VaultKey

_BALANCE_OF_C = "(SELECT COALESCE(SUM(e.amount_minor), 0) FROM entry e WHERE e.credit_id = c.id)"

__all__ = ["CreditDetail", "CreditSummary", "Ledger", "NewCredit", "moved_minor", "refundable_minor"]


def moved_minor(entries: Iterable[Entry]) -> int:
    """How much money has moved through a credit, every entry counted as positive (see MAX_MOVED_MINOR)."""
    return sum(abs(entry.amount_minor) for entry in entries)


def refundable_minor(entries: Iterable[Entry]) -> int:
    """How much a refund may put back on a credit: what was spent from it, less what was refunded already."""
    return -sum(entry.amount_minor for entry in entries if entry.kind in (EntryKind.SPEND, EntryKind.REFUND))


@dataclass(frozen=True)
class CreditSummary:
    """One credit as a list shows it: no entries, balance and status computed for `today`."""

    id: int
    merchant: str
    region: str
    source: str
    title: str
    currency: str
    amount: Decimal
    balance: Decimal
    received_on: date
    expires_on: date | None
    reference: str
    notes: str
    archived: bool
    status: Status
    days_left: int | None


@dataclass(frozen=True)
class CreditDetail:
    """One credit with everything known about it."""

    credit: Credit
    amount: Decimal
    balance: Decimal
    entries: list[Entry]
    checks: list[CheckoutCheck]
    status: Status
    days_left: int | None


class Ledger:
    """A ledger file and the operations on it.

    It remembers the file's generation (`PRAGMA user_version`, raised by every restore) as it was
    when opened: a write after the ledger was restored elsewhere is refused once with
    LedgerReplacedError, since the caller decided it from what the ledger held before.
    """

    def __init__(self, engine: Engine, path: Path | None = None) -> None:
        self.engine = engine
        self.path = path
        self._writer = engine.execution_options(**{WRITE_OPTION: True})
        self._file = None if path is None else identity(path)
        self.generation = self._stored_generation()
        # Called when a write finds the ledger replaced or restored since this process read it,
        # so that what shows the ledger can read it again (the window reloads).
        self.on_replaced: Callable[[], None] | None = None

    @classmethod
    def open(cls, path: Path) -> Ledger:
        """Open (creating or migrating as needed) the ledger at `path`."""
        return cls(open_database(path), path)

    def close(self) -> None:
        """Release the file."""
        self.engine.dispose()

    def _stored_generation(self) -> int:
        with self.engine.connect() as connection:
            return int(connection.exec_driver_sql("PRAGMA user_version").scalar_one())

    def acknowledge_changes(self) -> None:
        """The caller has read the ledger afresh (after a restore): writes are accepted again."""
        self.generation = self._stored_generation()

    def _reopen(self) -> None:
        """Let go of a file that was replaced behind this process's back and open what is at the path now."""
        self.engine.dispose()
        if self.path is not None:
            self.engine = open_database(self.path)
            self._writer = self.engine.execution_options(**{WRITE_OPTION: True})
            self._file = identity(self.path)

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for reads: never takes the write lock."""
        with storage_errors(), Session(self.engine, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """A session that holds the write lock from its first statement and commits at the end.

        Nothing is written (LedgerReplacedError) when the file was swapped or restored since this
        process read it; a failure of the file itself (busy, full, I/O) is a StorageError.
        """
        try:
            with storage_errors(), Session(self._writer, expire_on_commit=False) as session, session.begin():
                stored = int(session.connection().exec_driver_sql("PRAGMA user_version").scalar_one())
                if stored != self.generation:
                    self.generation = stored
                    raise LedgerReplacedError(self.path)
                yield session
        except LedgerReplacedError:
            if self.path is not None and self.engine_file_replaced():
                self._reopen()
                self.generation = self._stored_generation()
            if self.on_replaced is not None:
                self.on_replaced()
            raise

    def engine_file_replaced(self) -> bool:
        """Whether another file now stands at the ledger's path than the one this process opened."""
        return self.path is not None and identity(self.path) != self._file

    # --- credits -------------------------------------------------------------------

    def add_credit(self, new: NewCredit, today: date, key: VaultKey | None = None) -> int:
        """Record a credit and its issue entry; returns its id. A claim code is sealed with `key` (needed then)."""
        credit = Credit(**credit_fields(new, today))
        credit.claim_code_sealed = sealed_code((new.claim_code or "").strip(), credit.uid, key)
        with self.writing() as session:
            session.add(credit)
            session.flush()
            assert credit.id is not None
            session.add(
                Entry(
                    credit_id=credit.id,
                    kind=EntryKind.ISSUE,
                    amount_minor=credit.amount_minor,
                    occurred_on=credit.received_on,
                    note="",
                )
            )
            return credit.id

    def _credit(self, session: Session, credit_id: int) -> Credit:
        credit = session.get(Credit, credit_id)
        if credit is None:
            raise CreditNotFound(credit_id)
        return credit

    def detail(self, credit_id: int, today: date, expiring_within: int = EXPIRING_WITHIN_DAYS) -> CreditDetail:
        """The credit, its balance, its entries and its checkout observations."""
        with self.reading() as session:
            credit = self._credit(session, credit_id)
            entries = list(
                session.exec(select(Entry).where(Entry.credit_id == credit_id).order_by(col(Entry.id))).all()
            )
            checks = list(
                session.exec(
                    select(CheckoutCheck).where(CheckoutCheck.credit_id == credit_id).order_by(col(CheckoutCheck.id))
                ).all()
            )
        balance_minor = sum(entry.amount_minor for entry in entries)
        return CreditDetail(
            credit=credit,
            amount=from_minor(credit.amount_minor, credit.currency),
            balance=from_minor(balance_minor, credit.currency),
            entries=entries,
            checks=checks,
            status=status_of(
                archived=credit.archived,
                balance_minor=balance_minor,
                expires_on=credit.expires_on,
                today=today,
                expiring_within=expiring_within,
            ),
            days_left=days_left(credit.expires_on, today),
        )

    def summaries(
        self,
        today: date,
        *,
        status: Status | None = None,
        expiring_within: int | None = None,
        expiring_threshold: int = EXPIRING_WITHIN_DAYS,
    ) -> list[CreditSummary]:
        """Every credit with its balance, optionally only one status or those expiring within N days."""
        with self.engine.connect() as connection:
            rows = connection.exec_driver_sql(
                LISTING_SQL + " ORDER BY c.id", listing_parameters(today, expiring_threshold)
            ).fetchall()
        result: list[CreditSummary] = []
        for row in rows:
            listed = ListedCredit(*row)
            if status is not None and listed.status != status:
                continue
            if expiring_within is not None and not (
                listed.days_left is not None
                and 0 <= listed.days_left <= expiring_within
                and listed.status in (Status.ACTIVE, Status.EXPIRING)
            ):
                continue
            result.append(
                CreditSummary(
                    id=listed.id,
                    merchant=listed.merchant,
                    region=listed.region,
                    source=listed.source,
                    title=listed.title,
                    currency=listed.currency,
                    amount=from_minor(listed.amount_minor, listed.currency),
                    balance=from_minor(listed.balance_minor, listed.currency),
                    received_on=date.fromisoformat(listed.received_on),
                    expires_on=date.fromisoformat(listed.expires_on) if listed.expires_on else None,
                    reference=listed.reference,
                    notes=listed.notes,
                    archived=bool(listed.archived),
                    status=Status(listed.status),
                    days_left=listed.days_left,
                )
            )
        return result

    def credits_with_checks(self) -> tuple[dict[int, Credit], dict[int, list[CheckoutCheck]]]:
        """Every credit and its checkout observations, in two queries (for evaluating a whole list)."""
        with self.reading() as session:
            credits = {credit.id: credit for credit in session.exec(select(Credit)).all() if credit.id is not None}
            checks: dict[int, list[CheckoutCheck]] = {}
            for check in session.exec(select(CheckoutCheck).order_by(col(CheckoutCheck.id))).all():
                checks.setdefault(check.credit_id, []).append(check)
        return credits, checks

    def usable_by_expiry(
        self, currency: str, today: date, first_page: int = 16, largest_page: int = 512
    ) -> Iterator[tuple[Credit, int, list[CheckoutCheck]]]:
        """Usable credits in one currency (money left, not archived, not expired), soonest expiry first (none last),
        each with its balance in minor units and its checkout observations; read page by page, as far as asked.

        Dated credits come through the index on `expires_on` in its order, then those without a date, so a
        caller that stops early never makes SQLite look at the rest.
        """
        usable = f"c.currency = ? AND c.archived = 0 AND {_BALANCE_OF_C} > 0"
        dated = (
            f"SELECT c.id, c.expires_on, {_BALANCE_OF_C} FROM credit c INDEXED BY ix_credit_expires_on"
            f" WHERE c.expires_on >= ? AND (c.expires_on, c.id) > (?, ?) AND {usable}"
            " ORDER BY c.expires_on, c.id LIMIT ?"
        )
        undated = (
            f"SELECT c.id, NULL, {_BALANCE_OF_C} FROM credit c"
            f" WHERE c.expires_on IS NULL AND c.id > ? AND {usable} ORDER BY c.id LIMIT ?"
        )
        # Pages grow: most purchases need a few credits, a long search should not pay per query.
        page = first_page
        after: tuple[str, int] = (today.isoformat(), 0)
        while True:
            with self.engine.connect() as connection:
                rows = connection.exec_driver_sql(dated, (today.isoformat(), *after, currency, page)).fetchall()
            yield from self._with_checks(rows)
            if len(rows) < page:
                break
            after = (str(rows[-1][1]), int(rows[-1][0]))
            page = min(page * 2, largest_page)
        last_id = 0
        while True:
            with self.engine.connect() as connection:
                rows = connection.exec_driver_sql(undated, (last_id, currency, page)).fetchall()
            yield from self._with_checks(rows)
            if len(rows) < page:
                return
            last_id = int(rows[-1][0])
            page = min(page * 2, largest_page)

    def _with_checks(self, rows: Sequence[Any]) -> Iterator[tuple[Credit, int, list[CheckoutCheck]]]:
        balances = {int(row[0]): int(row[2]) for row in rows}
        if not balances:
            return
        with self.reading() as session:
            found = {credit.id: credit for credit in session.exec(select(Credit).where(col(Credit.id).in_(balances)))}
            checks: dict[int, list[CheckoutCheck]] = {}
            for check in session.exec(
                select(CheckoutCheck).where(col(CheckoutCheck.credit_id).in_(balances)).order_by(col(CheckoutCheck.id))
            ):
                checks.setdefault(check.credit_id, []).append(check)
        for credit_id, balance in balances.items():
            if credit_id in found:
                yield found[credit_id], balance, checks.get(credit_id, [])

    def balance_expiring(self, currency: str, first: date, last: date) -> int:
        """What usable credits in one currency that expire from `first` to `last` hold, in minor units."""
        with self.engine.connect() as connection:
            total = connection.exec_driver_sql(
                f"SELECT COALESCE(SUM({_BALANCE_OF_C}), 0) FROM credit c WHERE c.currency = ? AND c.archived = 0"
                f" AND c.expires_on BETWEEN ? AND ? AND {_BALANCE_OF_C} > 0",
                (currency, first.isoformat(), last.isoformat()),
            ).scalar_one()
        return int(total)

    # --- movements -----------------------------------------------------------------

    def _movement_date(self, credit: Credit, on: date | None, today: date, what: str) -> date:
        when = on or today
        if when > today:
            raise LedgerError(f"a {what} cannot be dated in the future ({when})")
        if when < credit.received_on:
            raise LedgerError(f"a {what} cannot be dated before the credit was received ({credit.received_on})")
        if credit.archived:
            raise LedgerError(
                f"credit {credit.id} is archived; bring it back first (credit-ledger unarchive {credit.id})"
            )
        return when

    def spend(
        self, credit_id: int, amount: Decimal | str, today: date, on: date | None = None, note: str = ""
    ) -> Entry:
        """Take money off a credit; refused if it would take the balance below zero or the credit has expired."""
        return self._move(EntryKind.SPEND, credit_id, amount, today, on=on, note=note)

    def refund(
        self, credit_id: int, amount: Decimal | str, today: date, on: date | None = None, note: str = ""
    ) -> Entry:
        """Put money back onto a credit; never more than has been spent from it."""
        return self._move(EntryKind.REFUND, credit_id, amount, today, on=on, note=note)

    def spend_each(
        self, amounts: Sequence[tuple[int, Decimal | str]], today: date, note: str = ""
    ) -> list[Entry]:
        """Take money off several credits in one transaction (a purchase paid by a plan): all of it, or nothing."""
        note = text(note, "note", MAX_TEXT, multiline=True)
        with self.writing() as session:
            entries = [
                self._move_in(session, EntryKind.SPEND, credit_id, amount, today, on=None, note=note)
                for credit_id, amount in amounts
            ]
            session.flush()
            return entries

    def _move(
        self, kind: EntryKind, credit_id: int, amount: Decimal | str, today: date, *, on: date | None, note: str
    ) -> Entry:
        note = text(note, "note", MAX_TEXT, multiline=True)
        with self.writing() as session:
            return self._move_in(session, kind, credit_id, amount, today, on=on, note=note)

    def _move_in(
        self,
        session: Session,
        kind: EntryKind,
        credit_id: int,
        amount: Decimal | str,
        today: date,
        *,
        on: date | None,
        note: str,
    ) -> Entry:
        # The checks and the entry, inside the caller's write transaction.
        credit = self._credit(session, credit_id)
        value = parse_amount(amount, credit.currency)
        minor = to_minor(value, credit.currency)
        when = self._movement_date(credit, on, today, kind.value)
        entries = session.exec(select(Entry).where(Entry.credit_id == credit_id)).all()
        currency = credit.currency
        check_money_moved(moved_minor(entries) + minor, currency)
        if kind is EntryKind.SPEND:
            if is_expired(credit.expires_on, when):
                raise LedgerError(f"credit {credit_id} expired on {credit.expires_on}; its balance is forfeited")
            balance = sum(entry.amount_minor for entry in entries)
            if minor > balance:
                left = from_minor(balance, currency)
                raise LedgerError(f"cannot spend {value} {currency}: the balance is only {left} {currency}")
        else:
            spent = refundable_minor(entries)
            if minor > spent:
                raise LedgerError(
                    f"cannot refund {value} {currency}: only {from_minor(spent, currency)} "
                    f"{currency} has been spent from credit {credit_id}"
                )
        signed = -minor if kind is EntryKind.SPEND else minor
        entry = Entry(credit_id=credit_id, kind=kind, amount_minor=signed, occurred_on=when, note=note)
        session.add(entry)
        credit.updated_at = utc_now()
        return entry

    def record_check(self, credit_id: int, use: str, outcome: str, note: str = "") -> CheckoutCheck:
        """Remember what checkout showed for a use; the newest observation per use counts."""
        if choice(use, Use, "use") not in CHECKOUT_USES:
            raise LedgerError(f"{use} is not something a checkout offers; checkouts decide purchases only")
        check = CheckoutCheck(
            credit_id=credit_id,
            use=use,
            outcome=choice(outcome, Outcome, "outcome"),
            note=text(note, "note", MAX_TEXT, multiline=True),
        )
        with self.writing() as session:
            self._credit(session, credit_id)
            session.add(check)
            return check

    # --- lifecycle -----------------------------------------------------------------

    def set_archived(self, credit_id: int, archived: bool = True) -> bool:
        """Archive (hide from the active list) or bring back a credit; its history stays. False if already so."""
        with self.writing() as session:
            credit = self._credit(session, credit_id)
            if credit.archived == archived:
                return False
            credit.archived = archived
            credit.updated_at = utc_now()
            return True

    def delete(self, credit_id: int) -> None:
        """Remove a credit and everything recorded about it."""
        with self.writing() as session:
            session.delete(self._credit(session, credit_id))
