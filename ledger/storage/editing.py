"""Changing a recorded credit, and taking it back: edit its details, snapshot it before a delete, restore it;
correct or take back a spend or refund, forget a checkout observation.

Edits go through the same checks as `Ledger.add_credit`, and never break the ledger's
promise that the balance is the sum of the entries and never below zero.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ledger.errors import CreditNotFound, LedgerError
from ledger.money import from_minor, parse_amount
from ledger.storage.rows import (
    CHECK_COLUMNS,
    CHECK_SELECT,
    ENTRY_COLUMNS,
    ENTRY_SELECT,
    CheckRecord,
    EntryRecord,
    categories_text,
    day_text,
    insert_sql,
    terms_by_use_text,
    timestamp_text,
    utc_now,
)
from ledger.storage.store import (
    Ledger,
    checked_movement,
    moved_minor,
    movement_date,
    read_credit,
    read_entries,
    refundable_minor,
)
from ledger.validation import MAX_TEXT, NewCredit, check_money_moved, check_terms_by_use, checked_credit, choice, text
from ledger.vault.codes import sealed_code
from ledger.vocab import EntryKind, TermsSay, Use

if TYPE_CHECKING:
    from ledger.vault.ledger_key import VaultKey

# A credit's own rows, in the order they are put back (children after their credit).
_HISTORY_TABLES = ("entry", "checkout_check", "reminder_sent")


def update_credit(ledger: Ledger, credit_id: int, new: NewCredit, today: date, key: VaultKey | None = None) -> None:
    """Replace a credit's details with `new`; the issue entry follows a changed amount or received date.

    The stored claim code stays unless `new.claim_code` says otherwise: "" removes it, a code replaces it
    (sealed with `key`, which is needed then).

    Refused (LedgerError, nothing written) when the new amount is less than what has
    already been spent, when the currency changes after money has moved, when the received
    date would fall after a recorded movement, or when more money would move through the
    credit than the ledger can add up (MAX_MOVED_MINOR).
    """
    checked = checked_credit(new, today)
    currency, amount_minor, received_on = checked.currency, checked.amount_minor, checked.received_on
    with ledger.transaction() as connection:
        credit = read_credit(connection, credit_id)
        entries = read_entries(connection, credit_id)
        issue = next((entry for entry in entries if entry.kind == EntryKind.ISSUE), None)
        movements = [entry for entry in entries if entry is not issue]
        if currency != credit.currency and movements:
            raise LedgerError("the currency cannot change once money has been spent or refunded on this credit")
        earliest = min((entry.occurred_on for entry in movements), default=None)
        if earliest is not None and received_on > earliest:
            raise LedgerError(f"the date received cannot be after the first recorded movement ({earliest})")
        others = sum(entry.amount_minor for entry in movements)
        if amount_minor + others < 0:
            spent = from_minor(-others, currency)
            raise LedgerError(f"the amount cannot be less than what has already been spent ({spent} {currency})")
        check_money_moved(moved_minor(movements) + amount_minor, currency)
        sealed = credit.claim_code_sealed
        if new.claim_code is not None:
            sealed = sealed_code(new.claim_code.strip(), credit.uid, key)
        connection.execute(
            "UPDATE credit SET source = ?, currency = ?, amount_minor = ?, merchant = ?, region = ?, title = ?,"
            " received_on = ?, expires_on = ?, reference = ?, categories = ?, terms = ?, terms_url = ?,"
            " terms_by_use = ?, claim_code_sealed = ?, notes = ?, updated_at = ? WHERE id = ?",
            (
                checked.source,
                currency,
                amount_minor,
                checked.merchant,
                checked.region,
                checked.title,
                day_text(received_on),
                None if checked.expires_on is None else day_text(checked.expires_on),
                checked.reference,
                categories_text(checked.categories),
                checked.terms,
                checked.terms_url,
                terms_by_use_text(checked.terms_by_use),
                sealed,
                checked.notes,
                timestamp_text(utc_now()),
                credit_id,
            ),
        )
        if issue is not None:
            connection.execute(
                "UPDATE entry SET amount_minor = ?, occurred_on = ? WHERE id = ?",
                (amount_minor, day_text(received_on), issue.id),
            )


def record_terms(ledger: Ledger, credit_id: int, use: str, says: str) -> bool:
    """Record what the credit's own terms say about one use: allow, forbid, or silent (which clears it).

    Returns False when that was already recorded. Refused (LedgerError, nothing written) for an unknown
    use or answer, or a credit that is not there.
    """
    choice(use, Use, "use")
    said = check_terms_by_use({use: says})  # checks the answer; `silent` leaves nothing to keep
    with ledger.transaction() as connection:
        credit = read_credit(connection, credit_id)
        answers = {member.value for member in TermsSay}
        kept = {
            other: answer
            for other, answer in credit.terms_by_use.items()
            if other != use and other in {member.value for member in Use} and answer in answers
        }
        recorded = check_terms_by_use({**kept, **said})  # in vocabulary order
        if recorded == credit.terms_by_use:
            return False
        connection.execute(
            "UPDATE credit SET terms_by_use = ?, updated_at = ? WHERE id = ?",
            (terms_by_use_text(recorded), timestamp_text(utc_now()), credit_id),
        )
        return True


@dataclass(frozen=True)
class CreditSnapshot:
    """Everything stored about one credit, enough to put it back exactly as it was (columns as stored)."""

    credit: dict[str, Any]
    entries: list[dict[str, Any]]
    checks: list[dict[str, Any]]
    reminders: list[dict[str, Any]]


def _stored_rows(connection: sqlite3.Connection, sql: str, parameters: tuple[Any, ...]) -> list[dict[str, Any]]:
    cursor = connection.execute(sql, parameters)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor]


def snapshot_credit(ledger: Ledger, credit_id: int) -> CreditSnapshot:
    """A copy of the credit and its rows, taken before a delete so the delete can be undone."""
    with ledger.query() as connection:
        found = _stored_rows(connection, "SELECT * FROM credit WHERE id = ?", (credit_id,))
        if not found:
            raise CreditNotFound(credit_id)
        entries, checks, reminders = (
            _stored_rows(connection, f"SELECT * FROM {table} WHERE credit_id = ? ORDER BY id", (credit_id,))
            for table in _HISTORY_TABLES
        )
    return CreditSnapshot(credit=found[0], entries=entries, checks=checks, reminders=reminders)


@dataclass(frozen=True)
class RestoredCredit:
    """Where a deleted credit came back: its id now, and the id it had before the delete."""

    credit_id: int
    old_id: int | None

    @property
    def moved(self) -> bool:
        """True when its old id had been given to a credit added since, so it came back under a new one."""
        return self.credit_id != self.old_id


def credit_id_of(ledger: Ledger, uid: str) -> int:
    """The id the credit with this uid has now (ids can change when a delete is undone); LedgerError if gone."""
    with ledger.query() as connection:
        return _credit_id_by_uid(connection, uid)


def _insert(connection: sqlite3.Connection, table: str, row: dict[str, Any]) -> int:
    columns = list(row)
    cursor = connection.execute(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})",
        tuple(row.values()),
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def restore_credit(ledger: Ledger, snapshot: CreditSnapshot) -> RestoredCredit:
    """Put a deleted credit back with its whole history, in one transaction (all of it or nothing).

    SQLite gives the ids of deleted rows to new ones, so whatever was added since may hold the
    old ids: the entries, checks and reminder log come back with new ids and the same contents,
    and the credit keeps its old id only if that is still free. Refused (LedgerError, nothing
    written) when the same credit (its uid) is in the ledger again.
    """
    old_id = snapshot.credit.get("id")
    with ledger.transaction() as connection:
        uid = snapshot.credit["uid"]
        back = connection.execute("SELECT id FROM credit WHERE uid = ?", (uid,)).fetchone()
        if back is not None:
            raise LedgerError(f"the deleted credit is already back in the ledger, as credit {back[0]}")
        fields = dict(snapshot.credit)
        taken = old_id is not None and connection.execute("SELECT 1 FROM credit WHERE id = ?", (old_id,)).fetchone()
        if taken:
            fields["id"] = None  # taken by a credit added since; SQLite picks a new one
        try:
            credit_id = _insert(connection, "credit", fields)
            # The reminder log comes back too, so an undone delete never repeats a reminder.
            history = (snapshot.entries, snapshot.checks, snapshot.reminders)
            for table, rows in zip(_HISTORY_TABLES, history, strict=True):
                for row in rows:
                    _insert(connection, table, {**row, "id": None, "credit_id": credit_id})
        except sqlite3.IntegrityError as error:
            # Nothing is written (the transaction rolls back); say why instead of failing obscurely.
            raise LedgerError(f"the credit cannot be put back as it was: {error}") from None
        return RestoredCredit(credit_id=credit_id, old_id=old_id)


@dataclass(frozen=True)
class MovementSnapshot:
    """A spend or refund as it was recorded, known by what it is rather than by its row id.

    Row ids do not last: SQLite gives a freed id to the next new row, and an undone delete puts a
    credit's entries back under new ids (and the credit itself, perhaps, under a new one). An undo
    that kept ids could rewrite another spend or put history onto another credit; the credit's uid
    and the movement's contents (creation time included, which an undone delete keeps) do not change.
    """

    credit_uid: str
    kind: str
    amount_minor: int
    occurred_on: date
    note: str
    created_at: datetime


_INSERT_ENTRY = insert_sql("entry", ENTRY_COLUMNS)
_FIND_MOVEMENT = (
    "SELECT e.id FROM entry e JOIN credit c ON c.id = e.credit_id WHERE c.uid = ? AND e.kind = ?"
    " AND e.amount_minor = ? AND e.occurred_on = ? AND e.note = ? AND e.created_at = ? ORDER BY e.id LIMIT 1"
)


def _credit_uid(connection: sqlite3.Connection, credit_id: int) -> str:
    return str(connection.execute("SELECT uid FROM credit WHERE id = ?", (credit_id,)).fetchone()[0])


def _snapshot(connection: sqlite3.Connection, entry: EntryRecord) -> MovementSnapshot:
    uid = _credit_uid(connection, entry.credit_id)
    return MovementSnapshot(uid, entry.kind, entry.amount_minor, entry.occurred_on, entry.note, entry.created_at)


def _entry_id(connection: sqlite3.Connection, movement: int | MovementSnapshot) -> int:
    """The row id a movement has now; LedgerError when it is not in the ledger (as it was) any more."""
    if isinstance(movement, int):
        return movement
    found = connection.execute(
        _FIND_MOVEMENT,
        (movement.credit_uid, movement.kind, movement.amount_minor, day_text(movement.occurred_on), movement.note,
         timestamp_text(movement.created_at)),
    ).fetchone()  # fmt: skip
    if found is None:
        raise LedgerError(f"that {movement.kind} is no longer in the ledger as it was (changed or removed since)")
    return int(found[0])


def _credit_id_by_uid(connection: sqlite3.Connection, uid: str) -> int:
    found = connection.execute("SELECT id FROM credit WHERE uid = ?", (uid,)).fetchone()
    if found is None:
        raise LedgerError("that credit is no longer in the ledger (deleted since, perhaps from the command line)")
    return int(found[0])


def movement_of(ledger: Ledger, entry_id: int) -> MovementSnapshot:
    """The spend or refund recorded as this entry, as it is now (to find it again later, whatever its id)."""
    with ledger.query() as connection:
        found = connection.execute(f"{ENTRY_SELECT} WHERE id = ?", (entry_id,)).fetchone()
        if found is None:
            raise LedgerError(f"entry {entry_id} is not in the ledger any more")
        return _snapshot(connection, EntryRecord.from_row(found))


def _balance(connection: sqlite3.Connection, credit_id: int) -> int:
    row = connection.execute("SELECT COALESCE(SUM(amount_minor), 0) FROM entry WHERE credit_id = ?", (credit_id,))
    return int(row.fetchone()[0])


def _touch(connection: sqlite3.Connection, credit_ids: set[int]) -> None:
    moment = timestamp_text(utc_now())
    connection.executemany("UPDATE credit SET updated_at = ? WHERE id = ?", [(moment, cid) for cid in credit_ids])


def remove_movements(ledger: Ledger, movements: Sequence[int | MovementSnapshot]) -> list[MovementSnapshot]:
    """Take back recorded spends or refunds (a mistake, or a plan's spends undone), all in one transaction.

    Each is an entry id (just read) or a snapshot (kept since, found again by what it is). Refused
    (LedgerError, nothing changed) for an entry that is not a spend or refund, one that is not there,
    and when taking a refund back would leave its credit below zero (it was spent since).
    """
    with ledger.transaction() as connection:
        entry_ids = [_entry_id(connection, movement) for movement in movements]
        marks = ", ".join("?" for _ in entry_ids)
        chosen = [
            EntryRecord.from_row(row)
            for row in connection.execute(f"{ENTRY_SELECT} WHERE id IN ({marks}) ORDER BY id", entry_ids)
        ]
        found = {entry.id for entry in chosen}
        missing = [entry_id for entry_id in entry_ids if entry_id not in found]
        if missing:
            raise LedgerError(f"entry {missing[0]} is not in the ledger any more")
        for entry in chosen:
            if entry.kind not in (EntryKind.SPEND, EntryKind.REFUND):
                raise LedgerError(f"only spends and refunds can be taken back, not the {entry.kind} of a credit")
        credits = {entry.credit_id for entry in chosen}
        for credit_id in credits:
            taken = sum(entry.amount_minor for entry in chosen if entry.credit_id == credit_id)
            if _balance(connection, credit_id) - taken < 0:
                raise LedgerError(
                    f"taking this back would leave credit {credit_id} below zero: what it refunded was spent since"
                )
            kept = [entry for entry in read_entries(connection, credit_id) if entry.id not in found]
            if refundable_minor(kept) < 0:
                raise LedgerError(
                    f"taking this spend back would leave more refunded onto credit {credit_id} than was spent from it"
                )
        snapshots = [_snapshot(connection, entry) for entry in chosen]
        connection.executemany("DELETE FROM entry WHERE id = ?", [(entry.id,) for entry in chosen])
        _touch(connection, credits)
        return snapshots


def restore_movements(ledger: Ledger, snapshots: Sequence[MovementSnapshot]) -> list[int]:
    """Put taken-back spends or refunds back on their credits (found by uid), as they were, in one transaction.

    Returns their new ids. Refused (LedgerError, nothing written) when a credit was deleted since, or
    when a balance would go below zero or above what was spent and refunded (changed since).
    """
    with ledger.transaction() as connection:
        credit_ids = {snapshot.credit_uid: _credit_id_by_uid(connection, snapshot.credit_uid) for snapshot in snapshots}
        ids: list[int] = []
        for snapshot in snapshots:
            credit_id = credit_ids[snapshot.credit_uid]
            row = (credit_id, snapshot.kind, snapshot.amount_minor, day_text(snapshot.occurred_on), snapshot.note)
            cursor = connection.execute(_INSERT_ENTRY, (*row, timestamp_text(snapshot.created_at)))
            assert cursor.lastrowid is not None
            ids.append(cursor.lastrowid)
        # Checked on the history as it would be: the transaction rolls back on a refusal.
        for credit_id in credit_ids.values():
            after = read_entries(connection, credit_id)
            if sum(entry.amount_minor for entry in after) < 0:
                raise LedgerError(f"putting it back would take credit {credit_id} below zero: it was spent since")
            if refundable_minor(after) < 0:
                raise LedgerError(
                    f"putting it back would leave more refunded onto credit {credit_id} than was spent from it "
                    "(changed since)"
                )
        _touch(connection, set(credit_ids.values()))
        return ids


def correct_movement(
    ledger: Ledger,
    movement: int | MovementSnapshot,
    amount: Decimal | str,
    today: date,
    *,
    on: date | None = None,
    note: str = "",
) -> EntryRecord:
    """Change a recorded spend or refund's amount, date and note; returns the entry as it was before.

    The movement is an entry id (just read) or a snapshot kept since (`movement_of`), found again by what
    it is: an undo keeps a snapshot, so it never corrects another entry that took the id meanwhile.

    The corrected movement passes the checks a new one does (`checked_movement`: never more than the
    balance, never more refunded than spent, never after the expiry, in the future or before the credit
    was received), against the credit's other entries. It is also refused when it would break what
    was recorded since: a refund that needs the spend, a spend that needs the refund. Refused with
    LedgerError, nothing changed.
    """
    note = text(note, "note", MAX_TEXT, multiline=True)
    with ledger.transaction() as connection:
        entry_id = _entry_id(connection, movement)
        found = connection.execute(f"{ENTRY_SELECT} WHERE id = ?", (entry_id,)).fetchone()
        if found is None:
            raise LedgerError(f"entry {entry_id} is not in the ledger any more")
        before = EntryRecord.from_row(found)
        if before.kind not in (EntryKind.SPEND, EntryKind.REFUND):
            raise LedgerError(f"only spends and refunds can be corrected, not the {before.kind} of a credit")
        kind = EntryKind(before.kind)
        credit = read_credit(connection, before.credit_id)
        value = parse_amount(amount, credit.currency)
        when = movement_date(credit, on, today, kind.value)
        others = [entry for entry in read_entries(connection, credit.id) if entry.id != entry_id]
        signed = checked_movement(kind, credit, others, value, when)
        after = [*others, before._replace(amount_minor=signed)]
        if sum(entry.amount_minor for entry in after) < 0:
            raise LedgerError(
                f"this refund cannot be lowered to {value} {credit.currency}: the balance would go below zero "
                "(the money it put back was spent since)"
            )
        if refundable_minor(after) < 0:
            raise LedgerError(
                f"this spend cannot be lowered to {value} {credit.currency}: more than that was refunded onto "
                "the credit since"
            )
        connection.execute(
            "UPDATE entry SET amount_minor = ?, occurred_on = ?, note = ? WHERE id = ?",
            (signed, day_text(when), note, entry_id),
        )
        _touch(connection, {credit.id})
        return before


@dataclass(frozen=True)
class RemovedCheck:
    """A checkout observation taken back, with its credit's uid (ids change when a delete is undone)."""

    check: CheckRecord
    credit_uid: str


def remove_check(ledger: Ledger, check_id: int) -> RemovedCheck:
    """Forget a recorded checkout observation (a mistake); returns it, so `restore_check` can put it back.

    LedgerError when it is not there any more.
    """
    with ledger.transaction() as connection:
        found = connection.execute(f"{CHECK_SELECT} WHERE id = ?", (check_id,)).fetchone()
        if found is None:
            raise LedgerError(f"that checkout observation is not in the ledger any more (check {check_id})")
        check = CheckRecord.from_row(found)
        uid = _credit_uid(connection, check.credit_id)
        connection.execute("DELETE FROM checkout_check WHERE id = ?", (check_id,))
        return RemovedCheck(check, uid)


def restore_check(ledger: Ledger, removed: RemovedCheck) -> int:
    """Put a removed checkout observation back on its credit (found by uid) as it was; returns its new id.

    LedgerError when its credit was deleted since.
    """
    check = removed.check
    with ledger.transaction() as connection:
        credit_id = _credit_id_by_uid(connection, removed.credit_uid)
        cursor = connection.execute(
            insert_sql("checkout_check", CHECK_COLUMNS),
            (credit_id, check.use, check.outcome, timestamp_text(check.observed_at), check.note),
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid
