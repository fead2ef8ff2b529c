"""The real main window, driven like a user drives it: add, spend, check at checkout, filter, archive, undo."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox
from pytestqt.qtbot import QtBot

from ledger.storage.listing import CURRENCY, SOURCE, STATUS
from ledger.storage.store import Ledger, NewCredit
from tests.conftest import CliRunner, ledger_rows
from tests.ui_helpers import OFFSCREEN_NOISE, TODAY, make_window, seed, shown_titles, window_for_a_test
from ui.dialogs.credit_dialog import CreditDialog
from ui.dialogs.movement_dialog import MovementDialog
from ui.window.credit_table import COL_BALANCE, COL_EXPIRES, COL_STATUS, RECORD_ROLE
from ui.window.main_window import PAGE_CREDITS, PAGE_EMPTY, MainWindow

pytestmark = OFFSCREEN_NOISE


@pytest.fixture
def window(qtbot: QtBot, ledger_path: Path, tmp_path: Path) -> Iterator[MainWindow]:
    yield from window_for_a_test(qtbot, ledger_path, tmp_path / "settings.ini")


def press_ok(qtbot: QtBot, dialog: CreditDialog | MovementDialog) -> None:
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert ok.isEnabled(), dialog.validate()
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)


def test_a_new_ledger_shows_the_first_run_page_with_an_add_button(window: MainWindow) -> None:
    assert window.windowTitle() == "Credit Ledger"
    assert window.pages.currentIndex() == PAGE_EMPTY
    assert window.empty_state.add_button.text() == "Add your first credit"


def test_add_a_credit_through_the_dialog_then_spend_part_of_it(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.mouseClick(window.empty_state.add_button, Qt.MouseButton.LeftButton)
    dialog = window.actions_.dialog
    assert isinstance(dialog, CreditDialog)
    dialog.source.setCurrentIndex(dialog.source.findData("refund"))
    qtbot.keyClicks(dialog.title, "Refund: broken kettle")
    qtbot.keyClicks(dialog.amount, "40.00")
    qtbot.keyClicks(dialog.reference, "Order 113-55")
    press_ok(qtbot, dialog)

    assert window.pages.currentIndex() == PAGE_CREDITS
    assert shown_titles(window) == ["Refund: broken kettle"]
    assert window.proxy.index(0, COL_BALANCE).data() == "$40.00"
    assert window.detail.balance_label.text() == "$40.00"

    qtbot.mouseClick(window.detail.spend_button, Qt.MouseButton.LeftButton)
    spend = window.actions_.dialog
    assert isinstance(spend, MovementDialog)
    qtbot.keyClicks(spend.amount, "12.50")
    qtbot.keyClicks(spend.note, "Descaler")
    press_ok(qtbot, spend)

    assert window.proxy.index(0, COL_BALANCE).data() == "$27.50"
    assert window.detail.balance_label.text() == "$27.50"
    history = window.detail.history_rows()
    assert [row[1:] for row in history] == [
        ("Spent", "−$12.50", "$27.50", "Descaler"),
        ("Received", "+$40.00", "$40.00", ""),
    ]


def test_spending_more_than_the_balance_is_refused_in_the_dialog(
    qtbot: QtBot, ledger_path: Path, tmp_path: Path
) -> None:
    seed(ledger_path, NewCredit(source="gift_card", currency="USD", amount="10.00", title="Small card"))
    window = make_window(qtbot, ledger_path, tmp_path / "s.ini")
    window.select_credit(1)
    window.credit_actions["spend"].trigger()
    spend = window.actions_.dialog
    assert isinstance(spend, MovementDialog)
    qtbot.keyClicks(spend.amount, "10.01")
    assert not spend.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()
    assert "cannot be overspent" in spend.amount_error.text()
    spend.reject()
    window.close_ledger()


def test_recording_a_checkout_observation_changes_the_eligibility_panel(
    qtbot: QtBot, ledger_path: Path, tmp_path: Path
) -> None:
    seed(ledger_path, NewCredit(source="refund", currency="USD", amount="25.00", title="Refund balance"))
    window = make_window(qtbot, ledger_path, tmp_path / "s.ini")
    window.select_credit(1)
    panel = window.detail.eligibility
    before = panel.verdict_of("amazon_gift_cards")
    assert before != "no"
    panel.use_choice.setCurrentIndex(panel.use_choice.findData("amazon_gift_cards"))
    panel.outcome_buttons["grayed_out"].click()
    assert panel.verdict_of("amazon_gift_cards") == "no"
    row = panel.rows["amazon_gift_cards"]
    assert row.verdict_label.text() == "No"
    assert row.icon_label.pixmap() is not None and not row.icon_label.pixmap().isNull()
    assert "grayed out" in row.reason_label.text().lower() or "checkout" in row.reason_label.text().lower()
    window.close_ledger()


def test_search_and_filters_narrow_the_table(
    qtbot: QtBot, ledger_path: Path, tmp_path: Path
) -> None:
    seed(
        ledger_path,
        NewCredit(source="gift_card", currency="USD", amount="50", title="Birthday card", notes="from Aunt May"),
        NewCredit(source="promotional", currency="USD", amount="10", title="Prime Day promo",
                  expires_on=TODAY + timedelta(days=5), categories=("Books",)),
        NewCredit(source="refund", currency="GBP", amount="8", merchant="Amazon UK", region="GB",
                  title="Kettle refund", reference="ORDER-77"),
    )
    window = make_window(qtbot, ledger_path, tmp_path / "s.ini")
    assert len(shown_titles(window)) == 3
    qtbot.keyClicks(window.search, "aunt")
    assert shown_titles(window) == ["Birthday card"]
    window.search.clear()
    qtbot.keyClicks(window.search, "order-77")
    assert shown_titles(window) == ["Kettle refund"]
    window.search.clear()
    window.status_filter.setCurrentIndex(window.status_filter.findData("expiring"))
    assert shown_titles(window) == ["Prime Day promo"]
    window.status_filter.setCurrentIndex(0)
    window.source_filter.setCurrentIndex(window.source_filter.findData("refund"))
    assert shown_titles(window) == ["Kettle refund"]
    window.close_ledger()


def test_archive_then_undo_brings_the_credit_back(
    qtbot: QtBot, ledger_path: Path, tmp_path: Path
) -> None:
    seed(ledger_path, NewCredit(source="gift_card", currency="USD", amount="20", title="Keep me"))
    window = make_window(qtbot, ledger_path, tmp_path / "s.ini")
    window.select_credit(1)
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_Delete)
    assert shown_titles(window) == []
    window.status_filter.setCurrentIndex(window.status_filter.findData("archived"))
    assert shown_titles(window) == ["Keep me"]
    window.status_filter.setCurrentIndex(0)
    assert window.undo_action.isEnabled()
    window.undo_action.trigger()
    assert shown_titles(window) == ["Keep me"]
    assert window.proxy.index(0, COL_STATUS).data() == "Active"
    window.close_ledger()


def test_delete_asks_first_and_undo_restores_the_history(
    qtbot: QtBot, ledger_path: Path, tmp_path: Path
) -> None:
    seed(ledger_path, NewCredit(source="gift_card", currency="USD", amount="30", title="Doomed"))
    book = Ledger.open(ledger_path)
    book.spend(1, "5", TODAY, note="Coffee")
    book.close()
    window = make_window(qtbot, ledger_path, tmp_path / "s.ini")
    window.select_credit(1)
    window.credit_actions["delete"].trigger()
    box = window.actions_.confirmation
    assert isinstance(box, QMessageBox) and box.isVisible()
    delete_button = next(b for b in box.buttons() if b.text() == "&Delete")
    qtbot.mouseClick(delete_button, Qt.MouseButton.LeftButton)
    assert shown_titles(window) == []
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert shown_titles(window) == ["Doomed"]
    window.select_credit(1)
    assert window.detail.balance_label.text() == "$25.00"
    assert [row[2] for row in window.detail.history_rows()] == ["−$5.00", "+$30.00"]
    window.close_ledger()


def delete_selected(qtbot: QtBot, window: MainWindow) -> None:
    window.credit_actions["delete"].trigger()
    box = window.actions_.confirmation
    assert isinstance(box, QMessageBox)
    qtbot.mouseClick(next(b for b in box.buttons() if b.text() == "&Delete"), Qt.MouseButton.LeftButton)


def add_through_the_dialog(qtbot: QtBot, window: MainWindow, title: str, amount: str) -> None:
    window.add_action.trigger()
    dialog = window.actions_.dialog
    assert isinstance(dialog, CreditDialog)
    qtbot.keyClicks(dialog.title, title)
    qtbot.keyClicks(dialog.amount, amount)
    press_ok(qtbot, dialog)


def test_undo_of_a_delete_works_after_later_changes_and_says_where_the_credit_went(
    qtbot: QtBot, ledger_path: Path, tmp_path: Path
) -> None:
    seed(
        ledger_path,
        NewCredit(source="gift_card", currency="USD", amount="10", title="First"),
        NewCredit(source="gift_card", currency="USD", amount="30", title="Doomed"),
    )
    book = Ledger.open(ledger_path)
    book.spend(2, "5", TODAY, note="Coffee")
    book.close()
    window = make_window(qtbot, ledger_path, tmp_path / "s.ini")
    window.select_credit(2)
    window.credit_actions["archive"].trigger()
    window.status_filter.setCurrentIndex(window.status_filter.findData("archived"))
    window.select_credit(2)
    delete_selected(qtbot, window)
    window.status_filter.setCurrentIndex(0)
    # Later changes take the deleted rows' ids: the new credit gets id 2 and its entries the freed ones.
    add_through_the_dialog(qtbot, window, "Newcomer", "7")
    assert window.selected_credit_id() == 2

    qtbot.keyClick(window.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)

    assert window.statusBar().currentMessage() == "Delete undone: restored as credit 3"
    assert window.undo_action.text() == "Undo archive"
    window.undo_action.trigger()  # the archive step follows the credit to its new id
    assert window.statusBar().currentMessage() == "Archive undone"
    assert sorted(shown_titles(window)) == ["Doomed", "First", "Newcomer"]
    window.select_credit(3)
    assert window.detail.balance_label.text() == "$25.00"
    assert [row[2] for row in window.detail.history_rows()] == ["−$5.00", "+$30.00"]
    window.select_credit(2)
    assert window.detail.balance_label.text() == "$7.00"
    assert not window.undo_action.isEnabled()
    window.close_ledger()


def test_an_undo_that_can_no_longer_be_done_is_explained_and_no_longer_offered(
    qtbot: QtBot, ledger_path: Path, tmp_path: Path, cli: CliRunner
) -> None:
    seed(ledger_path, NewCredit(source="gift_card", currency="USD", amount="30", title="Doomed"))
    saved = tmp_path / "saved.json"
    assert cli("export", "-o", str(saved)).code == 0
    window = make_window(qtbot, ledger_path, tmp_path / "s.ini")
    window.select_credit(1)
    delete_selected(qtbot, window)
    # Meanwhile, from the command line, the old export is merged back: the same credit (same uid) returns.
    assert cli("import", str(saved), "--merge").code == 0
    before = ledger_rows(ledger_path)

    window.undo_action.trigger()

    box = window.findChild(QMessageBox, "warningBox")
    assert isinstance(box, QMessageBox) and box.isVisible()
    assert box.text() == "Cannot undo the delete: the deleted credit is already back in the ledger, as credit 1."
    assert not window.undo_action.isEnabled() and window.undo_action.text() == "Undo"
    assert ledger_rows(ledger_path) == before
    box.close()
    window.close_ledger()


def test_cancelling_the_delete_confirmation_keeps_the_credit(
    qtbot: QtBot, ledger_path: Path, tmp_path: Path
) -> None:
    seed(ledger_path, NewCredit(source="gift_card", currency="USD", amount="30", title="Stays"))
    window = make_window(qtbot, ledger_path, tmp_path / "s.ini")
    window.select_credit(1)
    window.credit_actions["delete"].trigger()
    box = window.actions_.confirmation
    assert box is not None
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Cancel), Qt.MouseButton.LeftButton)
    assert shown_titles(window) == ["Stays"]
    window.close_ledger()


def test_edit_changes_the_row_and_the_detail(
    qtbot: QtBot, ledger_path: Path, tmp_path: Path
) -> None:
    seed(ledger_path, NewCredit(source="gift_card", currency="USD", amount="30", title="Old title"))
    window = make_window(qtbot, ledger_path, tmp_path / "s.ini")
    window.select_credit(1)
    window.credit_actions["edit"].trigger()
    dialog = window.actions_.dialog
    assert isinstance(dialog, CreditDialog)
    assert dialog.amount.text() == "30.00"
    dialog.title.setText("New title")
    dialog.amount.setText("45.00")
    press_ok(qtbot, dialog)
    assert shown_titles(window) == ["New title"]
    assert window.detail.balance_label.text() == "$45.00"
    window.close_ledger()


def test_every_change_is_announced_on_ledger_changed(
    qtbot: QtBot, ledger_path: Path, tmp_path: Path
) -> None:
    seed(ledger_path, NewCredit(source="gift_card", currency="USD", amount="30", title="Watched"))
    window = make_window(qtbot, ledger_path, tmp_path / "s.ini")
    window.select_credit(1)
    with qtbot.waitSignal(window.ledger_changed) as blocker:
        window.detail.eligibility.outcome_buttons["offered"].click()
    assert blocker.args[0].kind == "checked" and blocker.args[0].credit_id == 1
    window.close_ledger()


def test_record_role_returns_the_listed_credit_behind_the_proxy(
    qtbot: QtBot, ledger_path: Path, tmp_path: Path
) -> None:
    seed(ledger_path, NewCredit(source="rewards", currency="EUR", amount="12.34", title="Points"))
    window = make_window(qtbot, ledger_path, tmp_path / "s.ini")
    record = window.proxy.index(0, 0).data(RECORD_ROLE)
    assert record.title == "Points" and record.balance_minor == 1234 and record.currency == "EUR"
    window.close_ledger()


def test_window_geometry_and_column_widths_are_remembered(
    qtbot: QtBot, ledger_path: Path, tmp_path: Path
) -> None:
    settings_path = tmp_path / "s.ini"
    first = make_window(qtbot, ledger_path, settings_path)
    first.resize(700, 510)
    first.table.setColumnWidth(COL_EXPIRES, 133)
    first.close()
    first.close_ledger()
    assert QSettings(str(settings_path), QSettings.Format.IniFormat).contains("window/geometry")
    second = make_window(qtbot, ledger_path, settings_path)
    assert second.table.columnWidth(COL_EXPIRES) == 133
    assert second.size().width() == 700
    second.close_ledger()


def test_help_opens_with_f1_and_explains_credit_types(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.keyClick(window, Qt.Key.Key_F1)
    assert window.help_dock.isVisible()
    assert window.help_panel is not None
    text = window.help_panel.toPlainText()
    for words in ("Gift card", "Refund", "Return credit", "Promotional", "Rewards"):
        assert words in text


def test_overview_totals_never_mix_currencies(
    qtbot: QtBot, ledger_path: Path, tmp_path: Path
) -> None:
    seed(
        ledger_path,
        NewCredit(source="gift_card", currency="USD", amount="10", expires_on=TODAY + timedelta(days=10)),
        NewCredit(source="gift_card", currency="USD", amount="5", expires_on=TODAY + timedelta(days=40)),
        NewCredit(source="gift_card", currency="GBP", amount="7", region="GB"),
    )
    window = make_window(qtbot, ledger_path, tmp_path / "s.ini")
    overview = window.overview
    assert overview.data is not None
    assert overview.data.balances == {"GBP": Decimal("7.00"), "USD": Decimal("15.00")}
    assert overview.data.expiring_soon == {"USD": Decimal("10.00")}
    assert overview.month_values("USD")[:2] == ["10.00", "5.00"]
    assert "$10.00" in window.summary.expiring_label.text()
    window.close_ledger()


def test_demo_ledger_holds_every_source(qtbot: QtBot, tmp_path: Path) -> None:
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    window = MainWindow(tmp_path / "demo.sqlite3", demo=True, today=lambda: TODAY, settings=settings)
    qtbot.addWidget(window)
    window.open_ledger()
    rows = window.model.all_rows()
    assert {row[SOURCE] for row in rows} == {"gift_card", "refund", "return_credit", "promotional", "rewards", "other"}
    assert {row[STATUS] for row in rows} == {"active", "expiring", "expired", "used", "archived"}
    assert "GBP" in {row[CURRENCY] for row in rows}
    window.close_ledger()


def test_every_skipped_rule_file_is_named_in_the_status_bar(qtbot: QtBot, ledger_path: Path, tmp_path: Path) -> None:
    seed(ledger_path, NewCredit(source="refund", currency="USD", amount="25.00", title="Refund balance"))
    rules = ledger_path.parent / "rules"
    rules.mkdir()
    (rules / "broken.toml").write_text("merchant = [", encoding="utf-8")
    (rules / "deep.toml").write_text("merchant = " + "[" * 100_000 + "]" * 100_000, encoding="utf-8")
    window = make_window(qtbot, ledger_path, tmp_path / "s.ini")
    window.select_credit(1)
    message = window.statusBar().currentMessage()
    assert "broken.toml: not valid TOML" in message and "deep.toml: not valid TOML" in message
    # The shipped rules still answer.
    assert window.detail.eligibility.verdict_of("cash_out") == "no"
    window.close_ledger()


def test_the_detail_panel_says_which_rule_files_changed_the_answers(
    qtbot: QtBot, ledger_path: Path, tmp_path: Path
) -> None:
    seed(
        ledger_path,
        NewCredit(source="refund", currency="USD", amount="25.00", title="Amazon refund"),
        NewCredit(source="refund", currency="USD", amount="5.00", title="Corner shop", merchant="Corner Shop"),
    )
    rules = ledger_path.parent / "rules"
    rules.mkdir()
    (rules / "mine.toml").write_text(
        'merchant = "Amazon"\nregion = "US"\n\n[[rules]]\nid = "no-transfer"\nsources = "all"\n'
        'uses = ["transfer"]\nverdict = "unlikely"\nreason = "My household shares one account."\n',
        encoding="utf-8",
    )
    window = make_window(qtbot, ledger_path, tmp_path / "s.ini")
    panel = window.detail.eligibility
    window.select_credit(1)
    assert not panel.rules_changed_label.isHidden()
    assert panel.rules_changed_label.text() == "Rules changed by mine.toml"
    assert panel.verdict_of("transfer") == "unlikely"
    window.select_credit(2)
    assert panel.rules_changed_label.isHidden()
    window.close_ledger()


def test_what_the_terms_say_recorded_in_the_edit_dialog_decides_and_is_quoted(
    qtbot: QtBot, ledger_path: Path, tmp_path: Path
) -> None:
    terms = "Refunded to your balance. Not valid for the purchase of gift cards."
    seed(ledger_path, NewCredit(source="refund", currency="USD", amount="25.00", title="Refund", terms=terms))
    window = make_window(qtbot, ledger_path, tmp_path / "s.ini")
    window.select_credit(1)
    panel = window.detail
    assert panel.eligibility.verdict_of("amazon_gift_cards") == "check_terms"  # the text alone decides nothing
    assert panel.terms_say_label.isHidden()
    window.credit_actions["edit"].trigger()
    dialog = window.actions_.dialog
    assert isinstance(dialog, CreditDialog)
    qtbot.mouseClick(dialog.terms_uses.use_suggestions, Qt.MouseButton.LeftButton)
    press_ok(qtbot, dialog)
    assert panel.eligibility.verdict_of("amazon_gift_cards") == "no"
    reason = panel.eligibility.rows["amazon_gift_cards"].reason_label.text()
    assert "terms forbid" in reason and "Not valid for the purchase of gift cards." in reason.replace("\u200b", "")
    assert not panel.terms_say_label.isHidden()
    assert "Forbid: Buying Amazon gift cards" in panel.terms_say_label.text()
    window.close_ledger()


def test_editing_a_credit_in_the_dialog_keeps_its_terms_url(qtbot: QtBot, ledger_path: Path, tmp_path: Path) -> None:
    url = "https://www.amazon.com/gc/terms"
    seed(ledger_path, NewCredit(source="gift_card", currency="USD", amount="10", title="Card", terms_url=url))
    window = make_window(qtbot, ledger_path, tmp_path / "s.ini")
    window.select_credit(1)
    window.credit_actions["edit"].trigger()
    dialog = window.actions_.dialog
    assert isinstance(dialog, CreditDialog)
    dialog.title.setText("Card, renamed")
    press_ok(qtbot, dialog)
    assert window.ledger is not None
    credit = window.ledger.detail(1, TODAY).credit
    assert (credit.title, credit.terms_url) == ("Card, renamed", url)
    window.close_ledger()


def test_rows_read_before_the_ledger_was_restored_are_read_again(
    qtbot: QtBot, ledger_path: Path, tmp_path: Path
) -> None:
    from ledger.storage.listing import read_listing

    seed(ledger_path, NewCredit(source="refund", currency="USD", amount="5", title="Before"))
    listing = read_listing(ledger_path, TODAY)
    seed(ledger_path, NewCredit(source="refund", currency="USD", amount="6", title="After"))
    con = sqlite3.connect(ledger_path)
    con.execute("PRAGMA user_version = 7")  # what a restore does to the generation
    con.close()
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    window = MainWindow(ledger_path, today=lambda: TODAY, settings=settings)
    qtbot.addWidget(window)
    window.open_file()
    window.fill(listing)
    assert shown_titles(window) == ["Before", "After"]
    window.fill(read_listing(ledger_path, TODAY))  # read as the ledger is now: shown as read
    assert shown_titles(window) == ["Before", "After"]
    window.close_ledger()
