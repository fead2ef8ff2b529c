"""Correcting mistakes in a credit's history (ledger/storage/editing.py): a spend or refund changed or taken back,
a checkout observation forgotten; each checked like a new one, and each can be put back."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from ledger.errors import LedgerError
from ledger.money import from_minor
from ledger.storage.editing import correct_movement, remove_check, remove_movements, restore_check
from ledger.storage.store import Ledger, NewCredit
from tests.ui_helpers import TODAY

RECEIVED = TODAY - timedelta(days=20)
CARD = NewCredit(
    source="gift_card", currency="USD", amount="50.00", title="Card", received_on=RECEIVED,
    expires_on=TODAY + timedelta(days=30),
)  # fmt: skip


def history(ledger: Ledger, credit_id: int) -> list[tuple[str, int, date, str]]:
    entries = ledger.detail(credit_id, TODAY).entries
    return [(entry.kind, entry.amount_minor, entry.occurred_on, entry.note) for entry in entries]


def test_a_corrected_spend_takes_its_new_amount_date_and_note(ledger: Ledger) -> None:
    credit_id = ledger.add_credit(CARD, TODAY)
    spend = ledger.spend(credit_id, "40", TODAY, note="Typo")
    before = correct_movement(ledger, spend.id, "4.00", TODAY, on=TODAY - timedelta(days=2), note="Tea")
    assert (before.amount_minor, before.occurred_on, before.note) == (-4000, TODAY, "Typo")
    assert history(ledger, credit_id)[1] == ("spend", -400, TODAY - timedelta(days=2), "Tea")
    assert ledger.detail(credit_id, TODAY).balance == Decimal("46.00")


def test_a_correction_put_back_restores_the_entry_as_it_was(ledger: Ledger) -> None:
    credit_id = ledger.add_credit(CARD, TODAY)
    spend = ledger.spend(credit_id, "40", TODAY, note="Typo")
    was = history(ledger, credit_id)
    before = correct_movement(ledger, spend.id, "4", TODAY, note="Tea")
    back = from_minor(-before.amount_minor, "USD")
    correct_movement(ledger, spend.id, back, TODAY, on=before.occurred_on, note=before.note)
    assert history(ledger, credit_id) == was


@pytest.mark.parametrize(
    ("amount", "on", "says"),
    [
        ("50.01", None, r"the balance is only 50\.00 USD"),
        ("0", None, "more than zero"),
        ("ten", None, "is not an amount"),
        ("1.001", None, "decimal places"),
        ("5", TODAY + timedelta(days=1), "cannot be dated in the future"),
        ("5", RECEIVED - timedelta(days=1), "before the credit was received"),
    ],
)
def test_a_correction_is_refused_like_a_new_spend_and_nothing_changes(
    ledger: Ledger, amount: str, on: date | None, says: str
) -> None:
    credit_id = ledger.add_credit(CARD, TODAY)
    spend = ledger.spend(credit_id, "10", TODAY)
    was = history(ledger, credit_id)
    with pytest.raises(LedgerError, match=says):
        correct_movement(ledger, spend.id, amount, TODAY, on=on)
    assert history(ledger, credit_id) == was


def test_a_spend_cannot_be_moved_past_the_expiry(ledger: Ledger) -> None:
    credit_id = ledger.add_credit(NewCredit(**{**CARD.__dict__, "expires_on": TODAY - timedelta(days=5)}), TODAY)
    spend = ledger.spend(credit_id, "10", TODAY - timedelta(days=6))
    with pytest.raises(LedgerError, match="expired on"):
        correct_movement(ledger, spend.id, "10", TODAY, on=TODAY - timedelta(days=4))
    # Before its expiry an expired credit's old spend can still be put right.
    correct_movement(ledger, spend.id, "12", TODAY, on=TODAY - timedelta(days=6))
    assert ledger.detail(credit_id, TODAY).balance == Decimal("38.00")


def test_a_corrected_refund_never_puts_back_more_than_was_spent(ledger: Ledger) -> None:
    credit_id = ledger.add_credit(CARD, TODAY)
    ledger.spend(credit_id, "20", TODAY)
    refund = ledger.refund(credit_id, "5", TODAY)
    with pytest.raises(LedgerError, match=r"only 20\.00 USD has been spent"):
        correct_movement(ledger, refund.id, "20.01", TODAY)
    correct_movement(ledger, refund.id, "20", TODAY)
    assert ledger.detail(credit_id, TODAY).balance == Decimal("50.00")


def test_a_spend_cannot_be_lowered_below_what_was_refunded_since(ledger: Ledger) -> None:
    credit_id = ledger.add_credit(CARD, TODAY)
    spend = ledger.spend(credit_id, "30", TODAY)
    ledger.refund(credit_id, "20", TODAY)
    with pytest.raises(LedgerError, match="more than that was refunded onto the credit since"):
        correct_movement(ledger, spend.id, "10", TODAY)
    assert ledger.detail(credit_id, TODAY).balance == Decimal("40.00")


def test_a_refund_cannot_be_lowered_once_its_money_was_spent(ledger: Ledger) -> None:
    credit_id = ledger.add_credit(CARD, TODAY)
    ledger.spend(credit_id, "50", TODAY)
    refund = ledger.refund(credit_id, "20", TODAY)
    ledger.spend(credit_id, "20", TODAY)
    with pytest.raises(LedgerError, match="the balance would go below zero"):
        correct_movement(ledger, refund.id, "10", TODAY)
    assert ledger.detail(credit_id, TODAY).balance == Decimal("0.00")


def test_the_amount_a_credit_was_issued_with_is_not_a_movement_to_correct(ledger: Ledger) -> None:
    credit_id = ledger.add_credit(CARD, TODAY)
    issue = ledger.detail(credit_id, TODAY).entries[0]
    with pytest.raises(LedgerError, match="only spends and refunds can be corrected"):
        correct_movement(ledger, issue.id, "10", TODAY)
    with pytest.raises(LedgerError, match="not in the ledger any more"):
        correct_movement(ledger, 999, "10", TODAY)


def test_a_forgotten_checkout_observation_comes_back_with_its_time_and_note(ledger: Ledger) -> None:
    credit_id = ledger.add_credit(CARD, TODAY)
    kept = ledger.record_check(credit_id, "general_purchases", "offered")
    check = ledger.record_check(credit_id, "amazon_gift_cards", "grayed_out", note="Greyed on the app")
    removed = remove_check(ledger, check.id)
    assert [found.id for found in ledger.detail(credit_id, TODAY).checks] == [kept.id]
    with pytest.raises(LedgerError, match="not in the ledger any more"):
        remove_check(ledger, check.id)
    restore_check(ledger, removed)
    back = ledger.detail(credit_id, TODAY).checks[-1]
    assert (back.use, back.outcome, back.observed_at, back.note) == (
        "amazon_gift_cards", "grayed_out", check.observed_at, "Greyed on the app"
    )  # fmt: skip


def test_a_spend_cannot_be_taken_back_when_a_refund_came_back_from_it(ledger: Ledger) -> None:
    credit_id = ledger.add_credit(CARD, TODAY)
    spend = ledger.spend(credit_id, "10", TODAY)
    ledger.refund(credit_id, "4", TODAY)
    with pytest.raises(LedgerError, match="more refunded onto credit 1 than was spent from it"):
        remove_movements(ledger, [spend.id])
    assert ledger.detail(credit_id, TODAY).balance == Decimal("44.00")
