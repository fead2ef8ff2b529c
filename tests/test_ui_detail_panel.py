"""The detail panel in everyday use (issue 12): the terms and notes as written, what was recorded at checkout (and
removing a mistaken observation), the history with its running balance, and putting a mistaken spend or refund
right: each undone by one Ctrl+Z, each reachable from the Edit menu."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMenu, QMessageBox
from pytestqt.qtbot import QtBot

from ledger.storage.store import Ledger, NewCredit
from tests.ui_helpers import OFFSCREEN_NOISE, TODAY, make_window
from ui.dialogs.movement_dialog import MovementDialog
from ui.window.main_window import MainWindow

pytestmark = OFFSCREEN_NOISE

FINE_PRINT = "Valid on items sold by Amazon.com only. " * 40 + "Not valid on gift cards."


@pytest.fixture
def window(qtbot: QtBot, ledger_path: Path, tmp_path: Path) -> Iterator[MainWindow]:
    book = Ledger.open(ledger_path)
    received = TODAY - timedelta(days=30)
    book.add_credit(NewCredit(source="promotional", currency="USD", amount="50", title="Promo", terms=FINE_PRINT,
                              notes="From the spring sale", received_on=received,
                              expires_on=TODAY + timedelta(days=60)), TODAY)  # fmt: skip
    book.add_credit(NewCredit(source="refund", currency="USD", amount="20", title="Kettle refund",
                              received_on=received), TODAY)  # fmt: skip
    book.spend(1, "10", TODAY, on=TODAY - timedelta(days=10), note="Books")
    book.spend(1, "15", TODAY, on=TODAY - timedelta(days=5), note="Tea")
    book.refund(1, "5", TODAY, on=TODAY - timedelta(days=2), note="Tea returned")
    book.record_check(1, "general_purchases", "grayed_out")
    book.spend(2, "10", TODAY, note="Kettle")
    book.refund(2, "8", TODAY, note="Kettle returned")
    book.close()
    win = make_window(qtbot, ledger_path, tmp_path / "settings.ini")
    win.resize(1280, 760)
    assert win.select_credit(1)
    yield win
    win.close()
    win.close_ledger()


def history_row(window: MainWindow, what: str) -> int:
    return next(row for row, cells in enumerate(window.detail.history_rows()) if cells[1] == what)


def choose(window: MainWindow, what: str) -> None:
    table = window.detail.history.table
    table.setFocus()
    table.selectRow(history_row(window, what))


def balance(window: MainWindow) -> str:
    return window.detail.balance_label.text()


def press_ctrl_z(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.keyClick(window.detail.history.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)


# --- terms, notes and checkout observations ----------------------------------------------------


def test_the_terms_and_notes_are_shown_as_written_selectable_wrapped_and_scrolling_when_long(
    qtbot: QtBot, window: MainWindow
) -> None:
    panel = window.detail
    terms, notes = panel.terms_text, panel.notes_text
    QApplication.processEvents()
    assert terms.toPlainText() == FINE_PRINT and notes.toPlainText() == "From the spring sale"
    assert terms.isVisible() and notes.isVisible()
    assert terms.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByMouse
    assert terms.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByKeyboard
    assert terms.horizontalScrollBar().maximum() == 0  # wrapped, never wider than the panel
    assert terms.verticalScrollBar().maximum() > 0  # forty lines of fine print scroll inside their box
    assert terms.height() < panel.viewport().height()
    assert notes.verticalScrollBar().maximum() == 0  # a short note needs no scrolling
    window.select_credit(2)
    assert not panel.terms_text.isVisible() and not panel.notes_text.isVisible()  # nothing written: no rows


def test_recorded_checkout_observations_list_what_was_tried_the_result_and_when(window: MainWindow) -> None:
    listed = window.detail.eligibility.checks_list
    assert window.ledger is not None
    (check,) = window.ledger.detail(1, TODAY).checks
    when = check.observed_at.astimezone().strftime("%Y-%m-%d %H:%M")  # the time it was recorded, local
    assert [listed.item(row).text() for row in range(listed.count())] == [f"Everyday purchases: grayed out · {when}"]
    window.select_credit(2)
    assert not window.detail.eligibility.checks_box.isVisible()


def test_a_mistaken_checkout_observation_is_removed_and_one_ctrl_z_brings_it_back(
    qtbot: QtBot, window: MainWindow
) -> None:
    eligibility = window.detail.eligibility
    assert eligibility.verdict_of("general_purchases") == "no"  # what checkout showed beats the rules
    assert not eligibility.remove_check_button.isEnabled()  # nothing chosen yet
    eligibility.checks_list.setFocus()
    eligibility.checks_list.setCurrentRow(0)
    qtbot.keyClick(eligibility.checks_list, Qt.Key.Key_Delete)
    assert eligibility.checks_list.count() == 0
    assert window.ledger is not None and window.ledger.detail(1, TODAY).checks == []
    assert eligibility.verdict_of("general_purchases") != "no"  # the rules decide again
    assert window.undo_action.text() == "Undo observation removal"
    press_ctrl_z(qtbot, window)
    assert [check.outcome for check in window.ledger.detail(1, TODAY).checks] == ["grayed_out"]
    assert eligibility.verdict_of("general_purchases") == "no"


def test_the_use_tried_at_checkout_starts_afresh_for_another_credit(window: MainWindow) -> None:
    choice = window.detail.eligibility.use_choice
    choice.setCurrentIndex(choice.findData("third_party_gift_cards"))
    window.detail.eligibility.outcome_buttons["not_offered"].click()
    assert choice.currentData() == "third_party_gift_cards"  # the same credit keeps it after recording
    window.select_credit(2)
    assert choice.currentIndex() == 0
    window.select_credit(1)
    assert choice.currentIndex() == 0


def test_ctrl_k_takes_the_keyboard_to_the_use_tried_at_checkout(qtbot: QtBot, window: MainWindow) -> None:
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is window.detail.eligibility.use_choice


# --- history: running balance, correct, remove ------------------------------------------------


def test_history_shows_the_balance_after_each_movement_newest_first(window: MainWindow) -> None:
    rows = [(cells[1], cells[2], cells[3]) for cells in window.detail.history_rows()]
    assert rows == [
        ("Refunded", "+$5.00", "$30.00"),
        ("Spent", "−$15.00", "$25.00"),
        ("Spent", "−$10.00", "$40.00"),
        ("Received", "+$50.00", "$50.00"),
    ]


def test_a_spend_corrected_from_history_changes_the_balance_and_one_ctrl_z_restores_it(
    qtbot: QtBot, window: MainWindow
) -> None:
    history = window.detail.history
    choose(window, "Spent")  # the newest spend: $15.00 for tea
    assert history.correct_button.isEnabled()
    qtbot.mouseClick(history.correct_button, Qt.MouseButton.LeftButton)
    dialog = window.actions_.dialog
    assert isinstance(dialog, MovementDialog)
    assert (dialog.amount.text(), dialog.on.day(), dialog.note.text()) == ("15.00", TODAY - timedelta(days=5), "Tea")
    dialog.amount.setText("1.50")
    dialog.note.setText("Tea bags")
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    assert balance(window) == "$43.50"
    assert window.detail.history_rows()[1][2:] == ("−$1.50", "$38.50", "Tea bags")
    assert window.undo_action.text() == "Undo correction"
    press_ctrl_z(qtbot, window)
    assert balance(window) == "$30.00"
    assert window.detail.history_rows()[1][2:] == ("−$15.00", "$25.00", "Tea")


def test_a_correction_beyond_the_balance_is_refused_in_the_dialog_and_nothing_changes(
    qtbot: QtBot, window: MainWindow
) -> None:
    choose(window, "Spent")
    window.detail.correct_movement_action.trigger()
    dialog = window.actions_.dialog
    assert isinstance(dialog, MovementDialog)
    dialog.amount.setText("45.01")  # $30 left plus the $15 this spend took: $45 at most
    assert "more than the balance ($45.00)" in dialog.amount_error.text()
    assert not dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()
    dialog.amount.setText("45")
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    assert balance(window) == "$0.00"


def test_a_correction_the_ledger_refuses_keeps_the_dialog_open_with_one_clear_line(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.select_credit(2)
    choose(window, "Spent")  # $10 for a kettle, of which $8 came back as a refund
    window.detail.correct_movement_action.trigger()
    dialog = window.actions_.dialog
    assert isinstance(dialog, MovementDialog)
    dialog.amount.setText("4")
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    box = dialog.findChild(QMessageBox)
    assert box is not None and "more than that was refunded onto the credit since" in box.text()
    assert dialog.isVisible() and dialog.amount.text() == "4"
    box.close()
    dialog.reject()
    assert balance(window) == "$18.00"


def test_the_delete_key_in_history_removes_a_refund_and_one_ctrl_z_puts_it_back(
    qtbot: QtBot, window: MainWindow
) -> None:
    choose(window, "Refunded")
    qtbot.keyClick(window.detail.history.table, Qt.Key.Key_Delete)
    assert balance(window) == "$25.00"
    assert [cells[1] for cells in window.detail.history_rows()] == ["Spent", "Spent", "Received"]
    assert window.model.row_of(1) >= 0  # Del in the history never archives the credit
    assert window.undo_action.text() == "Undo refund removal"
    press_ctrl_z(qtbot, window)
    assert balance(window) == "$30.00"
    assert window.detail.history_rows()[0][1:] == ("Refunded", "+$5.00", "$30.00", "Tea returned")


def test_the_amount_received_is_not_removed_from_history(window: MainWindow) -> None:
    choose(window, "Received")
    history = window.detail.history
    assert not history.remove_button.isEnabled() and not history.correct_button.isEnabled()  # Edit changes it


def test_removing_the_spend_a_refund_came_back_from_is_refused_with_one_clear_line(
    qtbot: QtBot, window: MainWindow
) -> None:
    history = window.detail.history
    for _ in range(2):
        choose(window, "Spent")
        qtbot.mouseClick(history.remove_button, Qt.MouseButton.LeftButton)
    # The newest ($15) went; without the other too, the $5 refund would have come back from nothing.
    assert balance(window) == "$45.00"
    box = window.findChild(QMessageBox, "warningBox")
    assert box is not None and "more refunded onto credit 1 than was spent from it" in box.text()
    assert "\n" not in box.text() and "Traceback" not in box.text()
    box.close()


def test_the_history_context_menu_offers_correct_and_remove_for_a_spend(qtbot: QtBot, window: MainWindow) -> None:
    table = window.detail.history.table
    row = history_row(window, "Spent")
    point = table.visualRect(table.model().index(row, 0)).center()
    menu = window.detail.history.context_menu_at(point)
    assert isinstance(menu, QMenu)
    assert [action.text() for action in menu.actions()] == ["Correct spend or refund…", "Remove spend or refund"]
    assert window.detail.history.chosen_entry() is not None  # the row under the pointer is chosen
    received = table.visualRect(table.model().index(history_row(window, "Received"), 0)).center()
    assert window.detail.history.context_menu_at(received) is None


# --- every panel action in the Edit menu ------------------------------------------------------


def test_every_panel_control_has_an_edit_menu_item_with_its_shortcut(window: MainWindow) -> None:
    items = {action.text(): action.shortcut().toString() for action in window.edit_menu.actions()}
    assert items["I tried at checkout…"] == "Ctrl+K"
    assert items["Reveal claim code"] == "Ctrl+Shift+R"
    assert items["Copy claim code"] == "Ctrl+Shift+C"
    assert items["Correct spend or refund…"] == "Ctrl+Shift+E"
    assert items["Remove spend or refund"] == "Del"
    assert items["Remove checkout observation"] == "Del"
    assert items["Spend…"] and items["Refund…"] and items["Edit credit…"]
    detail = window.detail
    assert detail.checkout_action.isEnabled()
    assert not detail.reveal_code_action.isEnabled()  # this credit has no claim code
    assert not detail.correct_movement_action.isEnabled()  # nothing chosen in History yet
    choose(window, "Spent")
    assert detail.correct_movement_action.isEnabled() and detail.remove_movement_action.isEnabled()
    window.table.selectionModel().clear()
    assert not any(action.isEnabled() for action in detail.panel_actions())


def test_removing_through_the_edit_menu_acts_on_the_movement_chosen_in_history(window: MainWindow) -> None:
    choose(window, "Refunded")
    window.detail.remove_movement_action.trigger()
    assert balance(window) == "$25.00"


def test_undoing_a_correction_after_deleting_and_bringing_back_the_credit_restores_that_spend_only(
    qtbot: QtBot, ledger_path: Path, tmp_path: Path
) -> None:
    book = Ledger.open(ledger_path)
    received = TODAY - timedelta(days=30)
    card = NewCredit(source="gift_card", currency="USD", amount="100", title="A", received_on=received)
    first = book.add_credit(card, TODAY)
    book.add_credit(card, TODAY)
    book.spend(first, "10", TODAY, note="coffee")
    book.spend(first, "40", TODAY, note="typo")
    book.close()
    window = make_window(qtbot, ledger_path, tmp_path / "settings.ini")
    assert window.select_credit(first)
    table = window.detail.history.table
    table.setFocus()
    table.selectRow(next(row for row, cells in enumerate(window.detail.history_rows()) if cells[-1] == "typo"))
    window.detail.correct_movement_action.trigger()
    dialog = window.actions_.dialog
    assert isinstance(dialog, MovementDialog)
    dialog.amount.setText("4.00")
    dialog.note.setText("fixed")
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    window.credit_actions["delete"].trigger()
    box = window.actions_.confirmation
    assert isinstance(box, QMessageBox)
    qtbot.mouseClick(next(b for b in box.buttons() if b.text() == "&Delete"), Qt.MouseButton.LeftButton)

    press_ctrl_z(qtbot, window)  # the delete: the credit's entries come back under new ids
    press_ctrl_z(qtbot, window)  # the correction

    check = Ledger.open(ledger_path)
    try:
        entries = sorted((entry.kind, entry.amount_minor, entry.note) for entry in check.detail(first, TODAY).entries)
    finally:
        check.close()
    assert entries == [("issue", 10000, ""), ("spend", -4000, "typo"), ("spend", -1000, "coffee")]
