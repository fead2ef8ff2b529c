"""Editing and restoring credits (ledger/editing.py, which the window's edit and undo use)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from ledger.errors import LedgerError
from ledger.reminders.planning import ReminderPolicy
from ledger.reminders.store import claim, plan_due
from ledger.storage.editing import CreditSnapshot, record_terms, restore_credit, snapshot_credit, update_credit
from ledger.storage.store import Ledger, NewCredit
from tests.conftest import ledger_rows
from tests.ui_helpers import TODAY

BASE = NewCredit(
    source="gift_card", currency="USD", amount="30.00", title="Card", received_on=TODAY - timedelta(days=5)
)


def test_editing_the_amount_moves_the_issue_entry_and_the_balance(ledger: Ledger) -> None:
    credit_id = ledger.add_credit(BASE, TODAY)
    ledger.spend(credit_id, "10", TODAY)
    update_credit(ledger, credit_id, NewCredit(**{**BASE.__dict__, "amount": "50.00", "title": "Bigger"}), TODAY)
    detail = ledger.detail(credit_id, TODAY)
    assert (detail.amount, detail.balance, detail.credit.title) == (Decimal("50.00"), Decimal("40.00"), "Bigger")


@pytest.mark.parametrize(
    ("changes", "says"),
    [
        ({"amount": "5.00"}, "already been spent"),
        ({"currency": "EUR"}, "currency cannot change"),
        ({"received_on": TODAY}, "after the first recorded movement"),
        ({"expires_on": TODAY - timedelta(days=9)}, "before the date received"),
        ({"region": "USA"}, "two-letter"),
        ({"amount": "1.001"}, "decimal places"),
    ],
)
def test_edits_that_would_break_the_ledger_are_refused_and_nothing_changes(
    ledger: Ledger, changes: dict[str, object], says: str
) -> None:
    credit_id = ledger.add_credit(BASE, TODAY)
    ledger.spend(credit_id, "10", TODAY - timedelta(days=1))
    before = ledger.detail(credit_id, TODAY)
    with pytest.raises(LedgerError, match=says):
        update_credit(ledger, credit_id, NewCredit(**{**BASE.__dict__, **changes}), TODAY)
    after = ledger.detail(credit_id, TODAY)
    assert (after.amount, after.balance, after.credit.currency) == (before.amount, before.balance, "USD")


def test_a_deleted_credit_comes_back_with_its_id_history_and_checks(ledger: Ledger) -> None:
    credit_id = ledger.add_credit(BASE, TODAY)
    ledger.spend(credit_id, "4", TODAY, note="Tea")
    ledger.record_check(credit_id, "amazon_gift_cards", "not_offered")
    snapshot = snapshot_credit(ledger, credit_id)
    ledger.delete(credit_id)
    restored = restore_credit(ledger, snapshot)
    assert (restored.credit_id, restored.moved) == (credit_id, False)
    detail = ledger.detail(credit_id, TODAY)
    assert detail.balance == Decimal("26.00")
    assert [entry.note for entry in detail.entries] == ["", "Tea"]
    assert [check.outcome for check in detail.checks] == ["not_offered"]


def test_what_the_terms_say_survives_an_edit_and_an_undone_delete(ledger: Ledger) -> None:
    credit_id = ledger.add_credit(BASE, TODAY)
    assert record_terms(ledger, credit_id, "amazon_gift_cards", "forbid") is True
    assert record_terms(ledger, credit_id, "amazon_gift_cards", "forbid") is False  # already so: nothing written
    edited = NewCredit(**{**BASE.__dict__, "title": "Renamed", "terms_by_use": {"amazon_gift_cards": "forbid"}})
    update_credit(ledger, credit_id, edited, TODAY)
    snapshot = snapshot_credit(ledger, credit_id)
    ledger.delete(credit_id)
    restore_credit(ledger, snapshot)
    credit = ledger.detail(credit_id, TODAY).credit
    assert (credit.title, credit.terms_by_use) == ("Renamed", {"amazon_gift_cards": "forbid"})
    assert record_terms(ledger, credit_id, "amazon_gift_cards", "silent") is True
    assert ledger.detail(credit_id, TODAY).credit.terms_by_use == {}


def _history(snapshot: CreditSnapshot) -> dict[str, list[dict[str, Any]]]:
    """A credit's rows without their own ids and credit ids: what an undone delete must bring back."""

    def contents(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{key: value for key, value in row.items() if key not in ("id", "credit_id")} for row in rows]

    credit = {key: value for key, value in snapshot.credit.items() if key != "id"}
    return {
        "credit": [credit],
        "entries": contents(snapshot.entries),
        "checks": contents(snapshot.checks),
        "reminders": contents(snapshot.reminders),
    }


def _full_credit(ledger: Ledger) -> int:
    """A credit with every kind of row: a spend, a checkout check and a reminder sent."""
    credit_id = ledger.add_credit(
        NewCredit(**{**BASE.__dict__, "expires_on": TODAY + timedelta(days=5), "title": "Full"}), TODAY
    )
    ledger.spend(credit_id, "4", TODAY, note="Tea")
    ledger.record_check(credit_id, "amazon_gift_cards", "not_offered")
    now = datetime(TODAY.year, TODAY.month, TODAY.day, 12, tzinfo=UTC)
    policy = ReminderPolicy(lead_days=(7,), remind_at=time(0, 0), zone=UTC)
    assert len(claim(ledger, plan_due(ledger, policy, now).due, now)) == 1
    return credit_id


def test_undoing_a_delete_works_after_later_changes_took_the_deleted_rows_ids(ledger: Ledger) -> None:
    kept = ledger.add_credit(BASE, TODAY)
    deleted = _full_credit(ledger)
    newest = ledger.add_credit(NewCredit(**{**BASE.__dict__, "title": "Newest"}), TODAY)
    ledger.spend(deleted, "1", TODAY)  # the newest entry belongs to the credit about to be deleted
    snapshot = snapshot_credit(ledger, deleted)
    ledger.delete(deleted)
    # SQLite hands the freed newest row ids out again: this spend and check take the deleted credit's.
    ledger.spend(kept, "2", TODAY)
    ledger.record_check(kept, "general_purchases", "offered")
    others = {credit_id: ledger.detail(credit_id, TODAY) for credit_id in (kept, newest)}

    restored = restore_credit(ledger, snapshot)

    assert (restored.credit_id, restored.moved) == (deleted, False)
    assert _history(snapshot_credit(ledger, deleted)) == _history(snapshot)
    assert ledger.detail(deleted, TODAY).balance == Decimal("25.00")
    for credit_id, before in others.items():
        assert ledger.detail(credit_id, TODAY) == before


def test_a_deleted_credit_whose_id_was_taken_comes_back_under_a_new_id(ledger: Ledger) -> None:
    ledger.add_credit(BASE, TODAY)
    deleted = _full_credit(ledger)
    snapshot = snapshot_credit(ledger, deleted)
    ledger.delete(deleted)
    newcomer = ledger.add_credit(NewCredit(**{**BASE.__dict__, "title": "Newcomer"}), TODAY)
    assert newcomer == deleted  # the id of the deleted newest row is given out again

    restored = restore_credit(ledger, snapshot)

    assert restored.moved and restored.old_id == deleted and restored.credit_id not in (deleted, newcomer)
    assert _history(snapshot_credit(ledger, restored.credit_id)) == _history(snapshot)
    assert ledger.detail(newcomer, TODAY).credit.title == "Newcomer"
    assert ledger.detail(newcomer, TODAY).balance == Decimal("30.00")


def test_a_delete_cannot_be_undone_twice_and_the_refusal_writes_nothing(ledger: Ledger, ledger_path: Path) -> None:
    credit_id = _full_credit(ledger)
    snapshot = snapshot_credit(ledger, credit_id)
    ledger.delete(credit_id)
    restore_credit(ledger, snapshot)
    before = ledger_rows(ledger_path)

    with pytest.raises(LedgerError, match=f"already back in the ledger, as credit {credit_id}"):
        restore_credit(ledger, snapshot)

    assert ledger_rows(ledger_path) == before


def test_a_restore_that_fails_half_way_leaves_no_half_restored_credit(ledger: Ledger, ledger_path: Path) -> None:
    credit_id = _full_credit(ledger)
    snapshot = snapshot_credit(ledger, credit_id)
    ledger.delete(credit_id)
    before = ledger_rows(ledger_path)
    # The reminder log is restored last; a row twice breaks its UNIQUE key after everything else went in.
    broken = dataclasses.replace(snapshot, reminders=snapshot.reminders * 2)

    with pytest.raises(LedgerError, match="cannot be put back as it was"):
        restore_credit(ledger, broken)

    assert ledger_rows(ledger_path) == before
