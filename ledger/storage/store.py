"""The ledger's operations: add, list, show, spend, refund, check, archive, delete.

Every write runs in one BEGIN IMMEDIATE transaction, so a balance check and the entry
it guards cannot be split by another process (the app and a cron job share the file).
Reads and writes go through the `sqlite3` module (see `ledger.storage.rows` for why); an
SQLAlchemy engine and ORM sessions are still there for code that wants them (`engine`,
`reading`, `writing`), loaded on first use.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from ledger.errors import CreditNotFound, LedgerError, LedgerReplacedError
from ledger.money import from_minor, parse_amount, to_minor
from ledger.status import EXPIRING_WITHIN_DAYS, days_left, is_expired, status_of
from ledger.storage.db import (
    WRITE_OPTION,
    begin_write,
    connect,
    create_ledger_engine,
    disconnect,
    prepare_ledger,
    storage_errors,
)
from ledger.storage.listing import SUMMARY_SQL, listing_parameters, with_status_sql
from ledger.storage.rows import (
    CHECK_COLUMNS,
    CHECK_SELECT,
    CREDIT_COLUMNS,
    CREDIT_SELECT,
    ENTRY_COLUMNS,
    ENTRY_SELECT,
    CheckRecord,
    CreditRecord,
    EntryRecord,
    credit_row,
    day_text,
    insert_sql,
    new_uid,
    timestamp_text,
    utc_now,
)
from ledger.storage.sqlite_files import Identity, identity
from ledger.validation import MAX_TEXT, NewCredit, check_money_moved, checked_credit, choice, text
from ledger.vault.codes import sealed_code
from ledger.vocab import CHECKOUT_USES, EntryKind, Outcome, Status, Use

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlmodel import Session

    from ledger.vault.ledger_key import VaultKey

__all__ = ["CreditDetail", "CreditSummary", "JudgedSummary", "Ledger", "NewCredit", "moved_minor", "refundable_minor"]

_INSERT_CREDIT = insert_sql("credit", CREDIT_COLUMNS)
_INSERT_ENTRY = insert_sql("entry", ENTRY_COLUMNS)
_INSERT_CHECK = insert_sql("checkout_check", CHECK_COLUMNS)
_BALANCE_OF_C = "(SELECT COALESCE(SUM(e.amount_minor), 0) FROM entry e WHERE e.credit_id = c.id)"
_CREDIT_OF_C = ", ".join(f"c.{column}" for column in CREDIT_COLUMNS)
_JUDGED_SQL = with_status_sql(_CREDIT_OF_C)
_CHECKED_C = "EXISTS (SELECT 1 FROM checkout_check k WHERE k.credit_id = c.id)"
# A credit's kind: the stored values its verdicts depend on, but for its dates, balance and checkout observations.
# Credits of one kind share merchant, region, source, categories and terms as stored, and either both have a
# reference with a letter or digit in it (which the rules count as one) or have the very same reference.
CREDIT_KIND_SQL = (
    "c.merchant", "c.region", "c.source", "c.categories", "c.terms", "c.terms_url", "c.terms_by_use",
    "CASE WHEN c.reference GLOB '*[0-9A-Za-z]*' THEN '1' ELSE c.reference END",
)  # fmt: skip


def moved_minor(entries: Iterable[EntryRecord]) -> int:
    """How much money has moved through a credit, every entry counted as positive (see MAX_MOVED_MINOR)."""
    return sum(abs(entry.amount_minor) for entry in entries)


def refundable_minor(entries: Iterable[EntryRecord]) -> int:
    """How much a refund may put back on a credit: what was spent from it, less what was refunded already."""
    return -sum(entry.amount_minor for entry in entries if entry.kind in (EntryKind.SPEND, EntryKind.REFUND))


def movement_date(credit: CreditRecord, on: date | None, today: date, what: str) -> date:
    """The day a spend or refund is dated (`on`, else today); refused when it is in the future, before the
    credit was received, or when the credit is archived."""
    when = on or today
    if when > today:
        raise LedgerError(f"a {what} cannot be dated in the future ({when})")
    if when < credit.received_on:
        raise LedgerError(f"a {what} cannot be dated before the credit was received ({credit.received_on})")
    if credit.archived:
        raise LedgerError(f"credit {credit.id} is archived; bring it back first (credit-ledger unarchive {credit.id})")
    return when


def checked_movement(
    kind: EntryKind, credit: CreditRecord, entries: Sequence[EntryRecord], value: Decimal, when: date
) -> int:
    """The signed minor units of a spend or refund of `value` dated `when`, checked against the credit's other
    `entries`: a spend never takes the balance below zero nor is dated after the expiry, a refund never puts
    back more than was spent. Refused with LedgerError.

    A new movement and a corrected one (`ledger.storage.editing.correct_movement`) pass the same checks.
    """
    currency, minor = credit.currency, to_minor(value, credit.currency)
    check_money_moved(moved_minor(entries) + minor, currency)
    if kind is EntryKind.SPEND:
        if is_expired(credit.expires_on, when):
            raise LedgerError(f"credit {credit.id} expired on {credit.expires_on}; its balance is forfeited")
        balance = sum(entry.amount_minor for entry in entries)
        if minor > balance:
            left = from_minor(balance, currency)
            raise LedgerError(f"cannot spend {value} {currency}: the balance is only {left} {currency}")
        return -minor
    spent = refundable_minor(entries)
    if minor > spent:
        raise LedgerError(
            f"cannot refund {value} {currency}: only {from_minor(spent, currency)} "
            f"{currency} has been spent from credit {credit.id}"
        )
    return minor


class CreditSummary(NamedTuple):
    """One credit as a list shows it: no entries, balance and status computed for `today`.

    An immutable named tuple: a list builds one per credit, and a frozen dataclass is five times slower to build.
    """

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


class JudgedSummary(NamedTuple):
    """A credit as a list shows it, with what the rules judge it by: the whole credit and its observations."""

    summary: CreditSummary
    credit: CreditRecord
    checks: list[CheckRecord]


def _wanted(listed_status: str, left: int | None, status: Status | None, expiring_within: int | None) -> bool:
    """Whether a listed credit passes a list's filters: one status, or expiring within so many days."""
    if status is not None and listed_status != status:
        return False
    return expiring_within is None or (
        left is not None and 0 <= left <= expiring_within and listed_status in (Status.ACTIVE, Status.EXPIRING)
    )


@dataclass(frozen=True)
class CreditDetail:
    """One credit with everything known about it."""

    credit: CreditRecord
    amount: Decimal
    balance: Decimal
    entries: list[EntryRecord]
    checks: list[CheckRecord]
    status: Status
    days_left: int | None


def read_credit(connection: sqlite3.Connection, credit_id: int) -> CreditRecord:
    """One stored credit; CreditNotFound when there is none with that id."""
    row = connection.execute(f"{CREDIT_SELECT} WHERE id = ?", (credit_id,)).fetchone()
    if row is None:
        raise CreditNotFound(credit_id)
    return CreditRecord.from_row(row)


def read_entries(connection: sqlite3.Connection, credit_id: int) -> list[EntryRecord]:
    """A credit's movements, oldest first."""
    rows = connection.execute(f"{ENTRY_SELECT} WHERE credit_id = ? ORDER BY id", (credit_id,))
    return [EntryRecord.from_row(row) for row in rows]


def _update_credit(connection: sqlite3.Connection, credit_id: int, columns: dict[str, Any]) -> None:
    assignments = "".join(f"{name} = ?, " for name in columns)
    connection.execute(
        f"UPDATE credit SET {assignments}updated_at = ? WHERE id = ?",
        (*columns.values(), timestamp_text(utc_now()), credit_id),
    )


class OutsideChange(Enum):
    """What another program did to the ledger (`Ledger.outside_change`)."""

    REPLACED = "replaced"  # restored from a backup, or another file put at its path: a different ledger
    CHANGED = "changed"  # credits added, spent, edited… the same ledger, moved on


class Ledger:
    """A ledger file and the operations on it.

    It remembers the file's generation (`PRAGMA user_version`, raised by every restore) as it was
    when opened: a write after the ledger was restored elsewhere is refused once with
    LedgerReplacedError, since the caller decided it from what the ledger held before.

    Each thread gets its own connection (the window imports in a background thread).
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._file = identity(self.path)
        self._lock = threading.Lock()
        self._connections: dict[int, tuple[sqlite3.Connection, Identity | None]] = {}
        self._engine: Engine | None = None
        self.generation = self._stored_generation()
        # Each connection's `PRAGMA data_version` when the ledger was last read through it (by thread, as the
        # connections are): it moves when another connection commits, never for the connection's own writes.
        self._seen_versions: dict[int, int] = {}
        self._see_version()
        # Called when a write finds the ledger replaced or restored since this process read it,
        # so that what shows the ledger can read it again (the window reloads).
        self.on_replaced: Callable[[], None] | None = None

    @classmethod
    def open(cls, path: Path, *, checked: bool = False) -> Ledger:
        """Open (creating or migrating as needed) the ledger at `path`.

        `checked`: its integrity check has just passed (`db.read_while_checking`) and is not run again.
        """
        return cls(prepare_ledger(path, checked=checked))

    def close(self) -> None:
        """Release the file."""
        with self._lock:
            connections, self._connections = list(self._connections.values()), {}
            self._seen_versions.clear()  # a connection's data_version means nothing to the next one
        for connection, opened in connections:
            disconnect(connection, opened)
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    # --- connections ---------------------------------------------------------------

    def _connection(self) -> tuple[sqlite3.Connection, Identity | None]:
        key = threading.get_ident()
        found = self._connections.get(key)
        if found is None:
            with storage_errors():
                found = connect(self.path)
            with self._lock:
                self._connections[key] = found
        return found

    @contextmanager
    def query(self) -> Iterator[sqlite3.Connection]:
        """A connection for reads, in one read transaction (a consistent view); never takes the write lock."""
        connection, _ = self._connection()
        with storage_errors():
            if connection.in_transaction:  # already inside `query` or `transaction` on this thread
                yield connection
                return
            connection.execute("BEGIN")
            try:
                yield connection
            finally:
                if connection.in_transaction:
                    connection.execute("ROLLBACK")

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A connection that holds the write lock from its first statement and commits at the end.

        Nothing is written (LedgerReplacedError) when the file was swapped or restored since this
        process read it; a failure of the file itself (busy, full, I/O) is a StorageError.
        """
        connection, opened = self._connection()
        try:
            with storage_errors():
                begin_write(connection.execute, opened, self.path)
                try:
                    self._check_generation(connection.execute)
                    yield connection
                except BaseException:
                    if connection.in_transaction:
                        connection.execute("ROLLBACK")
                    raise
                connection.execute("COMMIT")
        except LedgerReplacedError:
            self._replaced()
            raise

    def _stored_generation(self) -> int:
        connection, _ = self._connection()
        with storage_errors():
            return int(connection.execute("PRAGMA user_version").fetchone()[0])

    def _check_generation(self, execute: Callable[[str], Any]) -> None:
        stored = int(execute("PRAGMA user_version").fetchone()[0])
        if stored != self.generation:
            self.generation = stored
            raise LedgerReplacedError(self.path)

    def _data_version(self) -> int:
        connection, _ = self._connection()
        with storage_errors():
            return int(connection.execute("PRAGMA data_version").fetchone()[0])

    def _see_version(self) -> None:
        self._seen_versions[threading.get_ident()] = self._data_version()

    def acknowledge_changes(self) -> None:
        """The caller is about to read the ledger afresh (after a restore, or a change made elsewhere): writes are
        accepted again, and `outside_change` reports only what other programs write from now on."""
        self._see_version()
        self.generation = self._stored_generation()

    def outside_change(self) -> OutsideChange | None:
        """What other programs (the command line, cron, another window) did to the ledger since this thread
        last read it (`acknowledge_changes`): REPLACED (restored, or another file put at its path, which
        is then opened), CHANGED (credits written), or None. Cheap enough to ask every second: a stat and
        two pragmas that read no page."""
        at_path = identity(self.path)
        if at_path is None:
            # Moved away, or being restored by another program: do not put a new ledger there, look again later.
            return None
        if at_path != self._file:
            self._reopen()
            return OutsideChange.REPLACED
        if self._stored_generation() != self.generation:
            return OutsideChange.REPLACED
        seen = self._seen_versions.get(threading.get_ident())
        if seen is None:
            self._see_version()  # a thread's first look: nothing to compare with yet
            return None
        return OutsideChange.CHANGED if self._data_version() != seen else None

    def _replaced(self) -> None:
        if self.engine_file_replaced():
            self._reopen()
            self.generation = self._stored_generation()
        if self.on_replaced is not None:
            self.on_replaced()

    def _reopen(self) -> None:
        """Let go of a file that was replaced behind this process's back and open what is at the path now."""
        self.close()
        prepare_ledger(self.path)
        self._file = identity(self.path)

    def engine_file_replaced(self) -> bool:
        """Whether another file now stands at the ledger's path than the one this process opened."""
        return identity(self.path) != self._file

    # --- the ORM, for code that wants it (loads SQLAlchemy) --------------------------

    @property
    def engine(self) -> Engine:
        """An SQLAlchemy engine on the ledger file, created on first use."""
        if self._engine is None:
            self._engine = create_ledger_engine(self.path)
        return self._engine

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """An ORM session for reads: never takes the write lock."""
        from sqlmodel import Session

        with storage_errors(), Session(self.engine, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """An ORM session that holds the write lock from its first statement and commits at the end.

        Guarded like `transaction`: nothing is written when the file was swapped or restored since.
        """
        from sqlmodel import Session

        writer = self.engine.execution_options(**{WRITE_OPTION: True})
        try:
            with storage_errors(), Session(writer, expire_on_commit=False) as session, session.begin():
                self._check_generation(session.connection().exec_driver_sql)
                yield session
        except LedgerReplacedError:
            self._replaced()
            raise

    # --- credits -------------------------------------------------------------------

    def add_credit(self, new: NewCredit, today: date, key: VaultKey | None = None) -> int:
        """Record a credit and its issue entry; returns its id. A claim code is sealed with `key` (needed then)."""
        checked = checked_credit(new, today)
        uid = new_uid()
        sealed = sealed_code(checked.claim_code.strip(), uid, key)
        created = timestamp_text(utc_now())
        with self.transaction() as connection:
            cursor = connection.execute(
                _INSERT_CREDIT, credit_row(checked, None, uid, created, created, claim_code_sealed=sealed)
            )
            credit_id = cursor.lastrowid
            assert credit_id is not None
            connection.execute(
                _INSERT_ENTRY,
                (credit_id, EntryKind.ISSUE.value, checked.amount_minor, day_text(checked.received_on), "", created),
            )
            return credit_id

    def detail(self, credit_id: int, today: date, expiring_within: int = EXPIRING_WITHIN_DAYS) -> CreditDetail:
        """The credit, its balance, its entries and its checkout observations."""
        with self.query() as connection:
            credit = read_credit(connection, credit_id)
            entries = read_entries(connection, credit_id)
            checks = [
                CheckRecord.from_row(row)
                for row in connection.execute(f"{CHECK_SELECT} WHERE credit_id = ? ORDER BY id", (credit_id,))
            ]
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
        with self.query() as connection:
            rows = connection.execute(
                SUMMARY_SQL + " ORDER BY c.id", listing_parameters(today, expiring_threshold)
            ).fetchall()
        result: list[CreditSummary] = []
        for row in rows:
            (credit_id, merchant, region, source, title, currency, amount, balance, received, expires) = row[:10]
            reference, notes, archived, left, listed_status = row[10:]
            if not _wanted(listed_status, left, status, expiring_within):
                continue
            result.append(
                CreditSummary(
                    id=credit_id,
                    merchant=merchant,
                    region=region,
                    source=source,
                    title=title,
                    currency=currency,
                    amount=from_minor(amount, currency),
                    balance=from_minor(balance, currency),
                    received_on=date.fromisoformat(received),
                    expires_on=date.fromisoformat(expires) if expires else None,
                    reference=reference,
                    notes=notes,
                    archived=bool(archived),
                    status=Status(listed_status),
                    days_left=left,
                )
            )
        return result

    def judged_summaries(
        self,
        today: date,
        *,
        status: Status | None = None,
        expiring_within: int | None = None,
        expiring_threshold: int = EXPIRING_WITHIN_DAYS,
    ) -> list[JudgedSummary]:
        """What `summaries` gives, each with the whole credit and its checkout observations (what the rules
        judge): the credits with their balances and status in one query, their observations in one more,
        both in one read transaction."""
        width = len(CREDIT_COLUMNS)
        with self.query() as connection:
            rows = connection.execute(
                _JUDGED_SQL + " ORDER BY c.id", listing_parameters(today, expiring_threshold)
            ).fetchall()
            checks: dict[int, list[CheckRecord]] = {}
            for check_row in connection.execute(f"{CHECK_SELECT} ORDER BY id"):
                check = CheckRecord.from_row(check_row)
                checks.setdefault(check.credit_id, []).append(check)
        result: list[JudgedSummary] = []
        for row in rows:
            balance, left, listed_status = row[width:]
            if not _wanted(listed_status, left, status, expiring_within):
                continue
            credit = CreditRecord.from_row(row[:width])
            currency = credit.currency
            summary = CreditSummary(
                id=credit.id,
                merchant=credit.merchant,
                region=credit.region,
                source=credit.source,
                title=credit.title,
                currency=currency,
                amount=from_minor(credit.amount_minor, currency),
                balance=from_minor(balance, currency),
                received_on=credit.received_on,
                expires_on=credit.expires_on,
                reference=credit.reference,
                notes=credit.notes,
                archived=credit.archived,
                status=Status(listed_status),
                days_left=left,
            )
            result.append(JudgedSummary(summary, credit, checks.get(credit.id, [])))
        return result

    def usable_by_expiry(
        self,
        currency: str,
        today: date,
        first_page: int = 16,
        largest_page: int = 512,
        *,
        leave_out: Collection[tuple[Any, ...]] = (),
    ) -> Iterator[tuple[CreditRecord, int, list[CheckRecord], tuple[Any, ...]]]:
        """Usable credits in one currency (money left, not archived, not expired), soonest expiry first (none last),
        each with its balance in minor units, its checkout observations and its kind (see CREDIT_KIND_SQL); read
        page by page, as far as asked.

        Dated credits come through the index on `expires_on` in its order, then those without a date, so a
        caller that stops early never makes SQLite look at the rest. Each page is read in a read transaction
        of its own: between pages the caller may write to the ledger. Credits of a kind in `leave_out` (which
        the caller may add to between pages) are passed over, unless they have checkout observations.
        """
        usable = f"c.currency = ? AND c.archived = 0 AND {_BALANCE_OF_C} > 0"
        kind = ", ".join(CREDIT_KIND_SQL)
        dated = (
            f"SELECT {_CREDIT_OF_C}, {_BALANCE_OF_C}, {kind} FROM credit c INDEXED BY ix_credit_expires_on"
            f" WHERE c.expires_on >= ? AND (c.expires_on, c.id) > (?, ?) AND {{left_out}} {usable}"
            " ORDER BY c.expires_on, c.id LIMIT ?"
        )
        undated = (
            f"SELECT {_CREDIT_OF_C}, {_BALANCE_OF_C}, {kind} FROM credit c"
            f" WHERE c.expires_on IS NULL AND c.id > ? AND {{left_out}} {usable} ORDER BY c.id LIMIT ?"
        )
        # Pages grow: most purchases need a few credits, a long search should not pay per query.
        page = first_page
        after: tuple[str, int] = (day_text(today), 0)
        while True:
            found = self._usable_page(dated, (day_text(today), *after), (currency, page), leave_out)
            yield from found
            if len(found) < page:
                break
            last = found[-1][0]
            assert last.expires_on is not None
            after = (day_text(last.expires_on), last.id)
            page = min(page * 2, largest_page)
        last_id = 0
        while True:
            found = self._usable_page(undated, (last_id,), (currency, page), leave_out)
            yield from found
            if len(found) < page:
                return
            last_id = found[-1][0].id
            page = min(page * 2, largest_page)

    def _usable_page(
        self, sql: str, before: tuple[Any, ...], after: tuple[Any, ...], leave_out: Collection[tuple[Any, ...]]
    ) -> list[tuple[CreditRecord, int, list[CheckRecord], tuple[Any, ...]]]:
        # One page of credits with their balances, and their checkout observations, in one read transaction.
        # The kinds left out are tested before the balance, so SQLite never sums the entries of a credit passed over.
        kinds = list(leave_out)
        left_out = ""
        if kinds:
            rows_of = ", ".join(f"({', '.join('?' for _ in kinds[0])})" for _ in kinds)
            left_out = f"NOT (({', '.join(CREDIT_KIND_SQL)}) IN (VALUES {rows_of}) AND NOT {_CHECKED_C}) AND"
        parameters = (*before, *(value for kind in kinds for value in kind), *after)
        with self.query() as connection:
            rows = connection.execute(sql.format(left_out=left_out), parameters).fetchall()
            if not rows:
                return []
            ids = [row[0] for row in rows]
            checks: dict[int, list[CheckRecord]] = {}
            marks = ", ".join("?" for _ in ids)
            for row in connection.execute(f"{CHECK_SELECT} WHERE credit_id IN ({marks}) ORDER BY id", ids):
                check = CheckRecord.from_row(row)
                checks.setdefault(check.credit_id, []).append(check)
        width = len(CREDIT_COLUMNS)
        return [
            (CreditRecord.from_row(row[:width]), int(row[width]), checks.get(row[0], []), tuple(row[width + 1 :]))
            for row in rows
        ]

    def count_of_kinds(
        self, currency: str, today: date, kinds: Collection[tuple[Any, ...]]
    ) -> tuple[int, dict[tuple[Any, ...], int]]:
        """How many credits in one currency are neither archived nor expired, and how many of those are of each
        kind (see CREDIT_KIND_SQL) and have no checkout observations; used up or not (summing their balances
        is what would cost). One pass over the table."""
        wanted = list(kinds)
        same = f"({', '.join(CREDIT_KIND_SQL)}) = ({', '.join('?' for _ in CREDIT_KIND_SQL)})"
        values = [value for kind in wanted for value in kind]
        where = "c.currency = ? AND c.archived = 0 AND COALESCE(c.expires_on, '9999-12-31') >= ?"
        with self.query() as connection:
            # COALESCE rather than OR: SQLite would walk the expiry index, three times slower than the table.
            row = connection.execute(
                f"SELECT COUNT(*){''.join(f', TOTAL({same})' for _ in wanted)} FROM credit c WHERE {where}",
                (*values, currency, day_text(today)),
            ).fetchone()
            # Those with checkout observations, from the (short) table of observations: asking each credit
            # whether it has any would cost the pass a fifth more.
            observed = connection.execute(
                f"SELECT 0{''.join(f', TOTAL({same})' for _ in wanted)} FROM credit c"
                f" WHERE c.id IN (SELECT credit_id FROM checkout_check) AND {where}",
                (*values, currency, day_text(today)),
            ).fetchone()
        return int(row[0]), {
            kind: int(count - seen) for kind, count, seen in zip(wanted, row[1:], observed[1:], strict=True)
        }

    def balance_expiring(self, currency: str, first: date, last: date) -> int:
        """What usable credits in one currency that expire from `first` to `last` hold, in minor units."""
        with self.query() as connection:
            total = connection.execute(
                f"SELECT COALESCE(SUM({_BALANCE_OF_C}), 0) FROM credit c WHERE c.currency = ? AND c.archived = 0"
                f" AND c.expires_on BETWEEN ? AND ? AND {_BALANCE_OF_C} > 0",
                (currency, day_text(first), day_text(last)),
            ).fetchone()[0]
        return int(total)

    # --- movements -----------------------------------------------------------------

    def spend(
        self, credit_id: int, amount: Decimal | str, today: date, on: date | None = None, note: str = ""
    ) -> EntryRecord:
        """Take money off a credit; refused if it would take the balance below zero or the credit has expired."""
        return self._move(EntryKind.SPEND, credit_id, amount, today, on=on, note=note)

    def refund(
        self, credit_id: int, amount: Decimal | str, today: date, on: date | None = None, note: str = ""
    ) -> EntryRecord:
        """Put money back onto a credit; never more than has been spent from it."""
        return self._move(EntryKind.REFUND, credit_id, amount, today, on=on, note=note)

    def spend_each(
        self, amounts: Sequence[tuple[int, Decimal | str]], today: date, note: str = ""
    ) -> list[EntryRecord]:
        """Take money off several credits in one transaction (a purchase paid by a plan): all of it, or nothing."""
        note = text(note, "note", MAX_TEXT, multiline=True)
        with self.transaction() as connection:
            return [
                self._move_in(connection, EntryKind.SPEND, credit_id, amount, today, on=None, note=note)
                for credit_id, amount in amounts
            ]

    def _move(
        self, kind: EntryKind, credit_id: int, amount: Decimal | str, today: date, *, on: date | None, note: str
    ) -> EntryRecord:
        note = text(note, "note", MAX_TEXT, multiline=True)
        with self.transaction() as connection:
            return self._move_in(connection, kind, credit_id, amount, today, on=on, note=note)

    def _move_in(
        self,
        connection: sqlite3.Connection,
        kind: EntryKind,
        credit_id: int,
        amount: Decimal | str,
        today: date,
        *,
        on: date | None,
        note: str,
    ) -> EntryRecord:
        # The checks and the entry, inside the caller's write transaction.
        credit = read_credit(connection, credit_id)
        value = parse_amount(amount, credit.currency)
        when = movement_date(credit, on, today, kind.value)
        signed = checked_movement(kind, credit, read_entries(connection, credit_id), value, when)
        moment = utc_now()
        cursor = connection.execute(
            _INSERT_ENTRY, (credit_id, kind.value, signed, day_text(when), note, timestamp_text(moment))
        )
        _update_credit(connection, credit_id, {})
        assert cursor.lastrowid is not None
        return EntryRecord(cursor.lastrowid, credit_id, kind.value, signed, when, note, moment)

    def record_check(self, credit_id: int, use: str, outcome: str, note: str = "") -> CheckRecord:
        """Remember what checkout showed for a use; the newest observation per use counts."""
        if choice(use, Use, "use") not in CHECKOUT_USES:
            raise LedgerError(f"{use} is not something a checkout offers; checkouts decide purchases only")
        outcome = choice(outcome, Outcome, "outcome")
        note = text(note, "note", MAX_TEXT, multiline=True)
        moment = utc_now()
        with self.transaction() as connection:
            read_credit(connection, credit_id)
            cursor = connection.execute(_INSERT_CHECK, (credit_id, use, outcome, timestamp_text(moment), note))
            assert cursor.lastrowid is not None
            return CheckRecord(cursor.lastrowid, credit_id, use, outcome, moment, note)

    # --- lifecycle -----------------------------------------------------------------

    def change_credit(self, credit_id: int, **columns: Any) -> CreditRecord:
        """Set some of a credit's stored columns (values as stored: 0/1, ISO text) and its `updated_at`.

        Returns the credit as it was before; CreditNotFound when there is none with that id.
        """
        with self.transaction() as connection:
            before = read_credit(connection, credit_id)
            _update_credit(connection, credit_id, columns)
            return before

    def set_archived(self, credit_id: int, archived: bool = True) -> bool:
        """Archive (hide from the active list) or bring back a credit; its history stays. False if already so."""
        with self.transaction() as connection:
            if read_credit(connection, credit_id).archived == archived:
                return False
            _update_credit(connection, credit_id, {"archived": int(archived)})
            return True

    def delete(self, credit_id: int) -> None:
        """Remove a credit and everything recorded about it (its rows go with it: ON DELETE CASCADE)."""
        with self.transaction() as connection:
            read_credit(connection, credit_id)
            connection.execute("DELETE FROM credit WHERE id = ?", (credit_id,))
