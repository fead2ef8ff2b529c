"""Changing a recorded credit, and taking it back: edit its details, snapshot it before a delete, restore it.

Edits go through the same checks as `Ledger.add_credit`, and never break the ledger's
promise that the balance is the sum of the entries and never below zero.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from ledger.errors import CreditNotFound, LedgerError
from ledger.money import from_minor
from ledger.storage.models import CheckoutCheck, Credit, Entry, ReminderSent, utc_now
from ledger.storage.store import Ledger, moved_minor
from ledger.validation import NewCredit, check_money_moved, check_terms_by_use, choice, credit_fields
from ledger.vault.codes import sealed_code
from ledger.vocab import EntryKind, TermsSay, Use

if TYPE_CHECKING:
    from ledger.vault.ledger_key import VaultKey


def update_credit(ledger: Ledger, credit_id: int, new: NewCredit, today: date, key: VaultKey | None = None) -> None:
    """Replace a credit's details with `new`; the issue entry follows a changed amount or received date.

    The stored claim code stays unless `new.claim_code` says otherwise: "" removes it, a code replaces it
    (sealed with `key`, which is needed then).

    Refused (LedgerError, nothing written) when the new amount is less than what has
    already been spent, when the currency changes after money has moved, when the received
    date would fall after a recorded movement, or when more money would move through the
    credit than the ledger can add up (MAX_MOVED_MINOR).
    """
    fields = credit_fields(new, today)
    currency, amount_minor, received_on = fields["currency"], fields["amount_minor"], fields["received_on"]
    with ledger.writing() as session:
        credit = session.get(Credit, credit_id)
        if credit is None:
            raise CreditNotFound(credit_id)
        entries = list(session.exec(select(Entry).where(Entry.credit_id == credit_id)).all())
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
        for name, value in fields.items():
            setattr(credit, name, value)
        if new.claim_code is not None:
            credit.claim_code_sealed = sealed_code(new.claim_code.strip(), credit.uid, key)
        credit.updated_at = utc_now()
        if issue is not None:
            issue.amount_minor = amount_minor
            issue.occurred_on = received_on


def record_terms(ledger: Ledger, credit_id: int, use: str, says: str) -> bool:
    """Record what the credit's own terms say about one use: allow, forbid, or silent (which clears it).

    Returns False when that was already recorded. Refused (LedgerError, nothing written) for an unknown
    use or answer, or a credit that is not there.
    """
    choice(use, Use, "use")
    said = check_terms_by_use({use: says})  # checks the answer; `silent` leaves nothing to keep
    with ledger.writing() as session:
        credit = session.get(Credit, credit_id)
        if credit is None:
            raise CreditNotFound(credit_id)
        answers = {member.value for member in TermsSay}
        kept = {
            other: answer
            for other, answer in credit.terms_by_use.items()
            if other != use and other in {member.value for member in Use} and answer in answers
        }
        # A new dict, in vocabulary order: the column notices a replaced value, not one changed in place.
        recorded = check_terms_by_use({**kept, **said})
        if recorded == credit.terms_by_use:
            return False
        credit.terms_by_use = recorded
        credit.updated_at = utc_now()
        return True


@dataclass(frozen=True)
class CreditSnapshot:
    """Everything stored about one credit, enough to put it back exactly as it was."""

    credit: dict[str, Any]
    entries: list[dict[str, Any]]
    checks: list[dict[str, Any]]
    reminders: list[dict[str, Any]]


def snapshot_credit(ledger: Ledger, credit_id: int) -> CreditSnapshot:
    """A copy of the credit and its rows, taken before a delete so the delete can be undone."""
    with ledger.reading() as session:
        credit = session.get(Credit, credit_id)
        if credit is None:
            raise CreditNotFound(credit_id)

        def rows(model: Any) -> list[dict[str, Any]]:
            found = session.exec(select(model).where(model.credit_id == credit_id).order_by(col(model.id))).all()
            return [row.model_dump() for row in found]

        return CreditSnapshot(
            credit=credit.model_dump(),
            entries=rows(Entry),
            checks=rows(CheckoutCheck),
            reminders=rows(ReminderSent),
        )


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
    with ledger.reading() as session:
        found = session.exec(select(Credit.id).where(Credit.uid == uid)).first()
    if found is None:
        raise LedgerError("that credit is no longer in the ledger (deleted since, perhaps from the command line)")
    return found


def restore_credit(ledger: Ledger, snapshot: CreditSnapshot) -> RestoredCredit:
    """Put a deleted credit back with its whole history, in one transaction (all of it or nothing).

    SQLite gives the ids of deleted rows to new ones, so whatever was added since may hold the
    old ids: the entries, checks and reminder log come back with new ids and the same contents,
    and the credit keeps its old id only if that is still free. Refused (LedgerError, nothing
    written) when the same credit (its uid) is in the ledger again.
    """
    old_id = snapshot.credit.get("id")
    with ledger.writing() as session:
        uid = snapshot.credit["uid"]
        back = session.exec(select(Credit.id).where(Credit.uid == uid)).first()
        if back is not None:
            raise LedgerError(f"the deleted credit is already back in the ledger, as credit {back}")
        fields = dict(snapshot.credit)
        if old_id is not None and session.get(Credit, old_id) is not None:
            fields["id"] = None  # taken by a credit added since; SQLite picks a new one
        try:
            credit = Credit.model_validate(fields)
            session.add(credit)
            session.flush()
            assert credit.id is not None
            tables: tuple[tuple[Any, list[dict[str, Any]]], ...] = (
                (Entry, snapshot.entries),
                (CheckoutCheck, snapshot.checks),
                # The reminder log comes back too, so an undone delete never repeats a reminder.
                (ReminderSent, snapshot.reminders),
            )
            for model, rows in tables:
                for row in rows:
                    session.add(model.model_validate({**row, "id": None, "credit_id": credit.id}))
            session.flush()
        except IntegrityError as error:
            # Nothing is written (the transaction rolls back); say why instead of failing obscurely.
            raise LedgerError(f"the credit cannot be put back as it was: {error.orig}") from None
        return RestoredCredit(credit_id=credit.id, old_id=old_id)


@dataclass(frozen=True)
class MovementSnapshot:
    """A spend or refund as it was recorded, to put it back after it was taken back."""

    credit_id: int
    kind: str
    amount_minor: int
    occurred_on: date
    note: str


def remove_movements(ledger: Ledger, entry_ids: Sequence[int]) -> list[MovementSnapshot]:
    """Take back recorded spends or refunds (a mistake, or a plan's spends undone), all in one transaction.

    Refused (LedgerError, nothing changed) for an entry that is not a spend or refund, one that is
    not there, and when taking a refund back would leave its credit below zero (it was spent since).
    """
    with ledger.writing() as session:
        chosen = list(session.exec(select(Entry).where(col(Entry.id).in_(list(entry_ids)))).all())
        found = {entry.id for entry in chosen}
        missing = [entry_id for entry_id in entry_ids if entry_id not in found]
        if missing:
            raise LedgerError(f"entry {missing[0]} is not in the ledger any more")
        for entry in chosen:
            if entry.kind not in (EntryKind.SPEND, EntryKind.REFUND):
                raise LedgerError(f"only spends and refunds can be taken back, not the {entry.kind} of a credit")
        for credit_id in {entry.credit_id for entry in chosen}:
            remaining = session.exec(select(Entry).where(Entry.credit_id == credit_id)).all()
            balance = sum(entry.amount_minor for entry in remaining if entry.id not in found)
            if balance < 0:
                raise LedgerError(
                    f"taking this back would leave credit {credit_id} below zero: what it refunded was spent since"
                )
        snapshots = [
            MovementSnapshot(entry.credit_id, entry.kind, entry.amount_minor, entry.occurred_on, entry.note)
            for entry in chosen
        ]
        for entry in chosen:
            session.delete(entry)
            credit = session.get(Credit, entry.credit_id)
            if credit is not None:
                credit.updated_at = utc_now()
        return snapshots


def restore_movements(ledger: Ledger, snapshots: Sequence[MovementSnapshot]) -> list[int]:
    """Put taken-back spends or refunds back (new ids), in one transaction; refused if a balance would go below zero."""
    with ledger.writing() as session:
        added = [
            Entry(
                credit_id=snapshot.credit_id,
                kind=snapshot.kind,
                amount_minor=snapshot.amount_minor,
                occurred_on=snapshot.occurred_on,
                note=snapshot.note,
            )
            for snapshot in snapshots
        ]
        for credit_id in {snapshot.credit_id for snapshot in snapshots}:
            if session.get(Credit, credit_id) is None:
                raise CreditNotFound(credit_id)
            balance = sum(e.amount_minor for e in session.exec(select(Entry).where(Entry.credit_id == credit_id)))
            balance += sum(entry.amount_minor for entry in added if entry.credit_id == credit_id)
            if balance < 0:
                raise LedgerError(f"putting it back would take credit {credit_id} below zero: it was spent since")
        session.add_all(added)
        session.flush()
        return [entry.id for entry in added if entry.id is not None]
