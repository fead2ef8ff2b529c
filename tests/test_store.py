"""The ledger's rules of money: balance is the sum of entries and never goes below zero."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.errors import CreditNotFound, LedgerError
from ledger.money import to_minor
from ledger.status import days_left, status_of
from ledger.storage.store import Ledger, NewCredit
from ledger.validation import CreditFieldError
from ledger.vocab import Status

TODAY = date(2026, 11, 26)


def gift_card(amount: str = "50.00", **changes: object) -> NewCredit:
    fields: dict[str, object] = {"source": "gift_card", "currency": "USD", "amount": amount, "received_on": TODAY}
    fields.update(changes)
    return NewCredit(**fields)  # type: ignore[arg-type]


movements = st.lists(
    st.tuples(st.sampled_from(["spend", "refund"]), st.integers(min_value=1, max_value=9000)), max_size=25
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(moves=movements)
def test_any_spends_and_refunds_keep_balance_the_sum_of_entries_and_never_negative(
    tmp_path_factory: pytest.TempPathFactory, moves: list[tuple[str, int]]
) -> None:
    book = Ledger.open(tmp_path_factory.mktemp("prop") / "ledger.sqlite3")
    try:
        credit_id = book.add_credit(gift_card("50.00"), TODAY)
        expected = 5000
        for kind, cents in moves:
            amount = Decimal(cents).scaleb(-2)
            spent = 5000 - expected
            try:
                (book.spend if kind == "spend" else book.refund)(credit_id, amount, TODAY)
            except LedgerError:
                assert (kind == "spend" and cents > expected) or (kind == "refund" and cents > spent)
            else:
                expected += -cents if kind == "spend" else cents
            detail = book.detail(credit_id, TODAY)
            assert to_minor(detail.balance, "USD") == sum(e.amount_minor for e in detail.entries) == expected
            assert detail.balance >= 0
    finally:
        book.close()


def test_spend_beyond_balance_is_refused_and_nothing_recorded(ledger: Ledger) -> None:
    credit_id = ledger.add_credit(gift_card("20.00"), TODAY)
    ledger.spend(credit_id, "15.00", TODAY)
    with pytest.raises(LedgerError, match=r"balance is only 5\.00 USD"):
        ledger.spend(credit_id, "5.01", TODAY)
    assert len(ledger.detail(credit_id, TODAY).entries) == 2


def test_refund_cannot_exceed_what_was_spent(ledger: Ledger) -> None:
    credit_id = ledger.add_credit(gift_card("20.00"), TODAY)
    ledger.spend(credit_id, "3.00", TODAY)
    with pytest.raises(LedgerError, match=r"only 3\.00 USD has been spent"):
        ledger.refund(credit_id, "3.01", TODAY)
    ledger.refund(credit_id, "3.00", TODAY)
    assert ledger.detail(credit_id, TODAY).balance == Decimal("20.00")


def test_expiring_today_is_usable_with_zero_days_left(ledger: Ledger) -> None:
    credit_id = ledger.add_credit(gift_card(expires_on=TODAY, received_on=TODAY - timedelta(days=10)), TODAY)
    detail = ledger.detail(credit_id, TODAY)
    assert (detail.days_left, detail.status) == (0, Status.EXPIRING)
    ledger.spend(credit_id, "1.00", TODAY)


def test_expired_yesterday_is_expired_and_cannot_be_spent(ledger: Ledger) -> None:
    yesterday = TODAY - timedelta(days=1)
    credit_id = ledger.add_credit(gift_card(expires_on=yesterday, received_on=TODAY - timedelta(days=10)), TODAY)
    detail = ledger.detail(credit_id, TODAY)
    assert (detail.days_left, detail.status) == (-1, Status.EXPIRED)
    with pytest.raises(LedgerError, match="expired on"):
        ledger.spend(credit_id, "1.00", TODAY)


@pytest.mark.parametrize(
    ("archived", "balance", "expires_on", "expected"),
    [
        (True, 100, TODAY + timedelta(days=100), Status.ARCHIVED),
        (False, 0, TODAY + timedelta(days=5), Status.USED),
        (False, 0, TODAY - timedelta(days=5), Status.USED),
        (False, 100, TODAY - timedelta(days=1), Status.EXPIRED),
        (False, 100, TODAY + timedelta(days=30), Status.EXPIRING),
        (False, 100, TODAY + timedelta(days=31), Status.ACTIVE),
        (False, 100, None, Status.ACTIVE),
    ],
)
def test_status_of_a_credit(archived: bool, balance: int, expires_on: date | None, expected: Status) -> None:
    assert status_of(archived=archived, balance_minor=balance, expires_on=expires_on, today=TODAY) == expected


def test_days_left_counts_calendar_days() -> None:
    assert days_left(date(2026, 12, 1), TODAY) == 5
    assert days_left(None, TODAY) is None


def test_list_filters_by_status_and_expiry_window(ledger: Ledger) -> None:
    soon = ledger.add_credit(gift_card(expires_on=TODAY + timedelta(days=3)), TODAY)
    later = ledger.add_credit(gift_card(expires_on=TODAY + timedelta(days=90)), TODAY)
    used = ledger.add_credit(gift_card("5.00", expires_on=TODAY + timedelta(days=2)), TODAY)
    ledger.spend(used, "5.00", TODAY)
    assert [s.id for s in ledger.summaries(TODAY, status=Status.EXPIRING)] == [soon]
    assert [s.id for s in ledger.summaries(TODAY, expiring_within=7)] == [soon]
    assert [s.id for s in ledger.summaries(TODAY, status=Status.ACTIVE)] == [later]


def test_archive_keeps_history_and_delete_removes_everything(ledger: Ledger, ledger_path: Path) -> None:
    credit_id = ledger.add_credit(gift_card(), TODAY)
    ledger.spend(credit_id, "1.00", TODAY)
    ledger.record_check(credit_id, "amazon_gift_cards", "grayed_out")
    ledger.set_archived(credit_id)
    assert ledger.detail(credit_id, TODAY).status == Status.ARCHIVED
    with pytest.raises(LedgerError, match="archived"):
        ledger.spend(credit_id, "1.00", TODAY)
    ledger.delete(credit_id)
    with pytest.raises(CreditNotFound):
        ledger.detail(credit_id, TODAY)
    with ledger.engine.connect() as connection:
        for table in ("entry", "checkout_check"):
            assert connection.exec_driver_sql(f"SELECT COUNT(*) FROM {table}").scalar() == 0


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"source": "coupon"}, "unknown source"),
        ({"currency": "DOLLARS"}, "unknown currency"),
        ({"amount": "-1"}, "more than zero"),
        ({"region": "USA"}, "two-letter"),
        ({"merchant": "  "}, "must not be empty"),
        ({"title": "x" * 201}, "too long"),
        ({"title": "bell\x07"}, "control characters"),
        ({"expires_on": TODAY - timedelta(days=1)}, "before the date received"),
    ],
)
def test_add_refuses_bad_credits(ledger: Ledger, changes: dict[str, object], message: str) -> None:
    with pytest.raises(LedgerError, match=message) as refused:
        ledger.add_credit(gift_card(**changes), TODAY)
    assert isinstance(refused.value, CreditFieldError) and refused.value.field in changes
    assert ledger.summaries(TODAY) == []


def test_transfers_and_cash_outs_are_not_checkout_observations(ledger: Ledger) -> None:
    credit_id = ledger.add_credit(gift_card(), TODAY)
    with pytest.raises(LedgerError, match="not something a checkout offers"):
        ledger.record_check(credit_id, "transfer", "offered")
