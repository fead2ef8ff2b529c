"""Correcting mistakes in a credit's history (ledger/storage/editing.py): a spend or refund changed or taken back,
a checkout observation forgotten; each checked like a new one, and each can be put back."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from ledger.errors import LedgerError
from ledger.money import from_minor
from ledger.storage.editing import (
    correct_movement,
    movement_of,
    remove_check,
    remove_movements,
    restore_check,
    restore_credit,
    restore_movements,
    snapshot_credit,
)
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


# Undo steps outlive row ids: SQLite gives a freed id to the next new row, and an undone delete puts a
# credit's entries back under new ids. What an undo keeps must find the same movement, or nothing.


def test_undoing_a_correction_after_an_undone_delete_corrects_that_spend_and_no_other(ledger: Ledger) -> None:
    credit_id = ledger.add_credit(CARD, TODAY)
    ledger.add_credit(CARD, TODAY)  # its entry sits between, so the undone delete hands out other ids
    ledger.spend(credit_id, "10", TODAY, note="coffee")
    typo = ledger.spend(credit_id, "40", TODAY, note="typo")
    before = correct_movement(ledger, typo.id, "4", TODAY, note="fixed")
    corrected = movement_of(ledger, typo.id)
    snapshot = snapshot_credit(ledger, credit_id)
    ledger.delete(credit_id)
    credit_id = restore_credit(ledger, snapshot).credit_id  # the delete undone: its entries have new ids

    back = from_minor(abs(before.amount_minor), "USD")
    correct_movement(ledger, corrected, back, TODAY, on=before.occurred_on, note=before.note)

    assert sorted((kind, amount, note) for kind, amount, _, note in history(ledger, credit_id)) == [
        ("issue", 5000, ""), ("spend", -4000, "typo"), ("spend", -1000, "coffee"),
    ]  # fmt: skip


def test_a_correction_whose_spend_was_changed_elsewhere_is_not_undone_over_it(ledger: Ledger) -> None:
    credit_id = ledger.add_credit(CARD, TODAY)
    spend = ledger.spend(credit_id, "10", TODAY)
    correct_movement(ledger, spend.id, "4", TODAY)
    corrected = movement_of(ledger, spend.id)
    correct_movement(ledger, spend.id, "6", TODAY, note="another window")
    with pytest.raises(LedgerError, match="no longer in the ledger as it was"):
        correct_movement(ledger, corrected, "10", TODAY)
    assert history(ledger, credit_id)[-1][1:] == (-600, TODAY, "another window")


def test_a_removed_spend_never_comes_back_on_a_new_credit_that_took_its_credits_id(ledger: Ledger) -> None:
    keep = ledger.add_credit(CARD, TODAY)
    old = ledger.add_credit(CARD, TODAY)
    taken = remove_movements(ledger, [ledger.spend(old, "3", TODAY).id])
    ledger.delete(old)
    new = ledger.add_credit(CARD, TODAY)
    assert new == old  # SQLite gave the freed id to the new credit

    with pytest.raises(LedgerError, match="no longer in the ledger"):
        restore_movements(ledger, taken)
    assert [kind for kind, *_ in history(ledger, new)] == ["issue"]
    assert [kind for kind, *_ in history(ledger, keep)] == ["issue"]


def test_a_removed_observation_never_comes_back_on_a_new_credit_that_took_its_credits_id(ledger: Ledger) -> None:
    old = ledger.add_credit(CARD, TODAY)
    removed = remove_check(ledger, ledger.record_check(old, "amazon_gift_cards", "grayed_out").id)
    ledger.delete(old)
    new = ledger.add_credit(CARD, TODAY)
    assert new == old

    with pytest.raises(LedgerError, match="no longer in the ledger"):
        restore_check(ledger, removed)
    assert ledger.detail(new, TODAY).checks == []


def test_a_removed_spend_comes_back_on_its_credit_after_an_undone_delete_moved_it(ledger: Ledger) -> None:
    credit_id = ledger.add_credit(CARD, TODAY)
    taken = remove_movements(ledger, [ledger.spend(credit_id, "3", TODAY, note="snack").id])
    snapshot = snapshot_credit(ledger, credit_id)
    ledger.delete(credit_id)
    taker = ledger.add_credit(CARD, TODAY)  # takes the freed id
    moved = restore_credit(ledger, snapshot).credit_id
    assert moved != taker

    restore_movements(ledger, taken)

    assert [(kind, amount, note) for kind, amount, _, note in history(ledger, moved)][-1] == ("spend", -300, "snack")
    assert [kind for kind, *_ in history(ledger, taker)] == ["issue"]


def test_a_refund_put_back_never_leaves_more_refunded_than_spent(ledger: Ledger) -> None:
    credit_id = ledger.add_credit(CARD, TODAY)
    spend = ledger.spend(credit_id, "30", TODAY)
    taken = remove_movements(ledger, [ledger.refund(credit_id, "30", TODAY).id])
    correct_movement(ledger, spend.id, "1", TODAY)  # another window lowers the spend meanwhile

    with pytest.raises(LedgerError, match="more refunded"):
        restore_movements(ledger, taken)
    assert ledger.detail(credit_id, TODAY).balance == Decimal("49.00")
