"""The credit table model on its own: Qt's model checks, sorting, filtering, and the listing's status."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester

from ledger.status import status_of
from ledger.storage import listing
from ledger.storage.listing import MERCHANT, STATUS, list_credit, list_credits
from ledger.storage.store import Ledger, NewCredit
from tests.ui_helpers import TODAY
from ui.window.credit_table import COL_BALANCE, COL_DAYS_LEFT, COL_EXPIRES, COL_TITLE, SORT_ROLE, CreditTableModel


@pytest.fixture
def filled(ledger: Ledger, ledger_path: Path) -> CreditTableModel:
    def add(title: str, amount: str, currency: str = "USD", days: int | None = None, **more: object) -> int:
        expires = None if days is None else TODAY + timedelta(days=days)
        received = TODAY - timedelta(days=100)
        credit = NewCredit(source=str(more.pop("source", "gift_card")), currency=currency, amount=amount, title=title,
                           expires_on=expires, received_on=received, **more)  # type: ignore[arg-type]
        return ledger.add_credit(credit, TODAY)

    add("Alpha", "10.00", days=40, notes="kitchen")
    add("beta", "5.00", days=3, source="promotional")
    add("Gamma", "1200", "JPY")
    add("Delta", "20.00", days=-2)
    spent = add("Epsilon", "7.00")
    ledger.spend(spent, "7.00", TODAY)
    archived = add("Zeta", "9.00")
    ledger.set_archived(archived)
    model = CreditTableModel()
    model.set_rows(list_credits(ledger_path, TODAY))
    return model


def titles(model: CreditTableModel) -> list[str]:
    return [model.index(row, COL_TITLE).data() for row in range(model.rowCount())]


def test_the_model_passes_qt_model_checks(qtmodeltester: ModelTester, filled: CreditTableModel) -> None:
    qtmodeltester.check(filled)


def test_the_model_passes_qt_model_checks_sorted_and_searched(
    qtmodeltester: ModelTester, filled: CreditTableModel
) -> None:
    filled.sort(COL_BALANCE, Qt.SortOrder.DescendingOrder)
    filled.set_search("a")
    qtmodeltester.check(filled)


def test_all_hides_archived_credits_and_archived_shows_them(filled: CreditTableModel) -> None:
    assert "Zeta" not in titles(filled)
    filled.set_filter(status="archived")
    assert titles(filled) == ["Zeta"]


def test_sorting_by_balance_compares_currencies_at_a_common_scale(filled: CreditTableModel) -> None:
    filled.sort(COL_BALANCE, Qt.SortOrder.DescendingOrder)
    # 1200 JPY has no decimals: it must sort above 20.00 USD by value, not below it by cents.
    assert titles(filled)[:2] == ["Gamma", "Delta"]


def test_sorting_by_days_left_puts_credits_without_expiry_last(filled: CreditTableModel) -> None:
    filled.sort(COL_DAYS_LEFT, Qt.SortOrder.AscendingOrder)
    assert titles(filled)[:3] == ["Delta", "beta", "Alpha"]
    filled.sort(COL_EXPIRES, Qt.SortOrder.AscendingOrder)
    assert titles(filled)[0] == "Delta"


def test_sort_role_gives_comparable_keys(filled: CreditTableModel) -> None:
    keys = [filled.index(row, COL_TITLE).data(SORT_ROLE) for row in range(filled.rowCount())]
    assert all(isinstance(key, str) and key == key.casefold() for key in keys)


def test_search_looks_in_notes_and_ignores_case_and_narrows_as_you_type(filled: CreditTableModel) -> None:
    filled.set_filter(search="KIT")
    assert titles(filled) == ["Alpha"]
    filled.set_filter(search="KITCHEN")
    assert titles(filled) == ["Alpha"]
    filled.set_filter(search="kitchens")
    assert titles(filled) == []
    filled.set_filter(search="")
    assert len(titles(filled)) == 5


def test_search_status_and_source_filters_combine(filled: CreditTableModel) -> None:
    filled.set_filter(search="l")
    assert titles(filled) == ["Alpha", "Delta", "Epsilon"]
    filled.set_filter(status="expired")
    assert titles(filled) == ["Delta"]
    filled.set_filter(status="archived", search="z")
    assert titles(filled) == ["Zeta"]
    filled.set_filter(status="archived", search="l")
    assert titles(filled) == []
    filled.set_filter(status=None, source="promotional", search="e")
    assert titles(filled) == ["beta"]
    filled.set_filter(search="")
    assert titles(filled) == ["beta"]
    filled.set_filter(status="active", source="gift_card")
    assert titles(filled) == ["Alpha", "Gamma"]


def test_deleting_letters_brings_back_what_the_shorter_search_found(filled: CreditTableModel) -> None:
    found = {}
    for needle in ("l", "lp", "lph", "lp", "l", ""):
        filled.set_filter(search=needle)
        found.setdefault(needle, titles(filled))
        assert titles(filled) == found[needle], needle
    assert found["lp"] == ["Alpha"] and found["l"] == ["Alpha", "Delta", "Epsilon"] and len(found[""]) == 5


@pytest.mark.parametrize("order", [Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder])
def test_equal_keys_stay_in_ledger_order_whichever_the_direction(filled: CreditTableModel, order: Qt.SortOrder) -> None:
    filled.sort(1, Qt.SortOrder.AscendingOrder)  # by title first: the next sort must not keep this order
    filled.sort(0, order)  # every merchant is Amazon
    assert titles(filled) == ["Alpha", "beta", "Gamma", "Delta", "Epsilon"]
    filled.sort(7, order)  # by status: Alpha and Gamma are both active
    expected = ["Alpha", "Gamma", "Delta", "beta", "Epsilon"]
    if order == Qt.SortOrder.DescendingOrder:
        expected = ["Epsilon", "beta", "Delta", "Alpha", "Gamma"]
    assert titles(filled) == expected


def test_days_left_is_coloured_as_expiry_nears_and_expired_rows_are_muted(filled: CreditTableModel) -> None:
    filled.sort(COL_DAYS_LEFT, Qt.SortOrder.AscendingOrder)
    expired, urgent, soon = (filled.index(row, COL_DAYS_LEFT) for row in range(3))
    assert expired.data() == "Expired"
    assert urgent.data() == "3 days"
    assert urgent.data(Qt.ItemDataRole.ForegroundRole) != soon.data(Qt.ItemDataRole.ForegroundRole)
    assert filled.index(0, COL_TITLE).data(Qt.ItemDataRole.ForegroundRole) is not None
    assert filled.index(0, COL_TITLE).data(Qt.ItemDataRole.FontRole).italic()


def test_put_row_adds_updates_and_drops_one_credit(filled: CreditTableModel, ledger: Ledger, ledger_path: Path) -> None:
    filled.set_filter(search="a")
    new_id = ledger.add_credit(NewCredit(source="refund", currency="USD", amount="3", title="Omega"), TODAY)
    filled.put_row(list_credit(ledger_path, new_id, TODAY), new_id)
    assert "Omega" in titles(filled)
    ledger.delete(new_id)
    filled.put_row(list_credit(ledger_path, new_id, TODAY), new_id)
    assert "Omega" not in titles(filled)


@pytest.mark.parametrize("days", [None, -30, -1, 0, 1, 29, 30, 31, 400])
@pytest.mark.parametrize("spent", [False, True])
@pytest.mark.parametrize("archived", [False, True])
def test_listing_status_matches_the_ledger_status_rule(
    ledger: Ledger, ledger_path: Path, days: int | None, spent: bool, archived: bool
) -> None:
    received = TODAY - timedelta(days=60)
    expires = None if days is None else TODAY + timedelta(days=days)
    credit_id = ledger.add_credit(
        NewCredit(source="gift_card", currency="USD", amount="5", received_on=received, expires_on=expires), TODAY
    )
    if spent:
        ledger.spend(credit_id, "5", TODAY, on=received)
    if archived:
        ledger.set_archived(credit_id)
    row = list_credit(ledger_path, credit_id, TODAY)
    assert row is not None
    expected = status_of(archived=archived, balance_minor=0 if spent else 500, expires_on=expires, today=TODAY)
    assert row[STATUS] == expected.value
    assert row.days_left == (None if days is None else days)


def test_listing_reads_dates_across_a_leap_day(ledger: Ledger, ledger_path: Path) -> None:
    today = date(2024, 2, 28)
    credit_id = ledger.add_credit(
        NewCredit(source="gift_card", currency="USD", amount="5", received_on=today, expires_on=date(2024, 3, 1)), today
    )
    row = list_credit(ledger_path, credit_id, today)
    assert row is not None and row.days_left == 2


def test_a_long_list_shares_equal_values_and_reads_the_same_rows(
    ledger: Ledger, ledger_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in range(7):
        ledger.add_credit(NewCredit(source="refund", currency="EUR", amount=str(n + 1), title=f"Credit {n}"), TODAY)
    as_read = list_credits(ledger_path, TODAY)
    # Past the first rows of a long list, equal values are one object (at 500,000 credits: 150 MB less).
    monkeypatch.setattr(listing, "FETCH_CHUNK", 2)
    monkeypatch.setattr(listing, "SHARED_AFTER", 2)
    shared = list_credits(ledger_path, TODAY)
    assert shared == as_read
    assert shared[3][MERCHANT] is shared[6][MERCHANT] and shared[4][STATUS] is shared[5][STATUS]


def test_search_finds_a_credit_by_its_categories_or_its_terms_in_any_case(ledger: Ledger, ledger_path: Path) -> None:
    received = TODAY - timedelta(days=10)
    ledger.add_credit(NewCredit(source="promotional", currency="USD", amount="5.00", title="Reading promo",
                                received_on=received, categories=("Kindle", "Books")), TODAY)
    ledger.add_credit(NewCredit(source="gift_card", currency="USD", amount="9.00", title="Birthday card",
                                received_on=received, terms="Redeemable on KINDLE eBooks only."), TODAY)
    ledger.add_credit(NewCredit(source="refund", currency="USD", amount="3.00", title="Kettle refund",
                                received_on=received, terms="Any purchase."), TODAY)
    model = CreditTableModel()
    model.set_rows(list_credits(ledger_path, TODAY))
    model.set_search("kindle")
    assert titles(model) == ["Reading promo", "Birthday card"]
    model.set_search("EBOOKS ONLY")
    assert titles(model) == ["Birthday card"]
