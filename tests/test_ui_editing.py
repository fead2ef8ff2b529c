"""Editing and restoring credits (ledger/editing.py, which the window's edit and undo use)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from ledger.errors import LedgerError
from ledger.storage.editing import restore_credit, snapshot_credit, update_credit
from ledger.storage.store import Ledger, NewCredit
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
    assert restore_credit(ledger, snapshot) == credit_id
    detail = ledger.detail(credit_id, TODAY)
    assert detail.balance == Decimal("26.00")
    assert [entry.note for entry in detail.entries] == ["", "Tea"]
    assert [check.outcome for check in detail.checks] == ["not_offered"]
