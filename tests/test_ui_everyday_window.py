"""Everyday use of the main window: it shows what other programs wrote, warns before a likely duplicate
or an expired credit is added, searches categories and terms, and offers the credit actions on the row."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from ledger.storage.backup import make_backup
from ledger.storage.restore import restore_backup
from ledger.storage.store import Ledger, NewCredit, OutsideChange
from tests.conftest import REPO, ledger_rows
from tests.ui_helpers import OFFSCREEN_NOISE, TODAY, make_window, seed, shown_titles, window_for_a_test
from ui.dialogs.credit_dialog import CreditDialog
from ui.window.credit_table import COL_BALANCE, COL_TITLE
from ui.window.main_window import MainWindow

pytestmark = OFFSCREEN_NOISE
# A popup menu on the offscreen platform: it cannot raise windows or grab the keyboard; not our noise either.
POPUP_NOISE = pytest.mark.qt_log_ignore(
    *OFFSCREEN_NOISE.args, r"This plugin does not support raise\(\)", r"This plugin does not support grabbing"
)


@pytest.fixture
def window(qtbot: QtBot, ledger_path: Path, tmp_path: Path) -> Iterator[MainWindow]:
    yield from window_for_a_test(qtbot, ledger_path, tmp_path / "settings.ini")


def kettle_refund(**more: object) -> NewCredit:
    fields: dict[str, object] = {"source": "refund", "currency": "USD", "amount": "40.00", "title": "Kettle refund",
                                 "reference": "113-55", "received_on": TODAY - timedelta(days=3)}
    return NewCredit(**(fields | more))  # type: ignore[arg-type]


def fill_add_dialog(qtbot: QtBot, window: MainWindow, title: str, reference: str = "113-55") -> CreditDialog:
    window.add_action.trigger()
    dialog = window.actions_.dialog
    assert isinstance(dialog, CreditDialog)
    dialog.source.setCurrentIndex(dialog.source.findData("refund"))
    qtbot.keyClicks(dialog.title, title)
    qtbot.keyClicks(dialog.amount, "40.00")
    qtbot.keyClicks(dialog.reference, reference)
    return dialog


def press_ok(qtbot: QtBot, dialog: CreditDialog) -> None:
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert ok.isEnabled(), dialog.validate()
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)


def warning_box(window: MainWindow) -> QMessageBox:
    box = window.actions_.confirmation
    assert isinstance(box, QMessageBox) and box.isVisible()
    return box


def button(box: QMessageBox, text: str) -> QPushButton:
    found = [b for b in box.buttons() if b.text().replace("&", "") == text]
    assert len(found) == 1, [b.text() for b in box.buttons()]
    return found[0]  # type: ignore[return-value]


# --- warnings before adding ---------------------------------------------------------------------


def test_adding_a_likely_duplicate_asks_first_and_go_back_keeps_the_input_and_saves_nothing(
    qtbot: QtBot, ledger_path: Path, tmp_path: Path
) -> None:
    seed(ledger_path, kettle_refund())
    window = make_window(qtbot, ledger_path, tmp_path / "s.ini")
    before = ledger_rows(ledger_path)
    dialog = fill_add_dialog(qtbot, window, "Kettle again")
    press_ok(qtbot, dialog)
    box = warning_box(window)
    assert "looks like credit 1 already in the ledger (“Kettle refund”" in box.text()
    assert "same merchant, source, amount and reference" in box.text()
    qtbot.mouseClick(button(box, "Go back"), Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and dialog.title.text() == "Kettle again" and dialog.reference.text() == "113-55"
    assert ledger_rows(ledger_path) == before
    dialog.reject()
    window.close_ledger()


def test_add_anyway_saves_the_likely_duplicate_and_selects_it(
    qtbot: QtBot, ledger_path: Path, tmp_path: Path
) -> None:
    seed(ledger_path, kettle_refund())
    window = make_window(qtbot, ledger_path, tmp_path / "s.ini")
    dialog = fill_add_dialog(qtbot, window, "Kettle again")
    press_ok(qtbot, dialog)
    qtbot.mouseClick(button(warning_box(window), "Add anyway"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert sorted(shown_titles(window)) == ["Kettle again", "Kettle refund"]
    assert window.detail.credit_id == 2
    window.close_ledger()


def test_a_credit_unlike_any_stored_one_is_added_without_a_question(
    qtbot: QtBot, ledger_path: Path, tmp_path: Path
) -> None:
    seed(ledger_path, kettle_refund())
    window = make_window(qtbot, ledger_path, tmp_path / "s.ini")
    dialog = fill_add_dialog(qtbot, window, "Another order", reference="200-01")
    press_ok(qtbot, dialog)
    assert window.actions_.confirmation is None
    assert not dialog.isVisible() and len(shown_titles(window)) == 2
    window.close_ledger()


def test_adding_a_credit_whose_expiry_is_past_asks_first(qtbot: QtBot, window: MainWindow) -> None:
    dialog = fill_add_dialog(qtbot, window, "Old voucher")
    dialog.received.setDate(dialog.received.date().addDays(-60))
    dialog.has_expiry.setChecked(True)
    dialog.expires.setDate(dialog.received.date().addDays(30))
    press_ok(qtbot, dialog)
    box = warning_box(window)
    expired_on = (TODAY - timedelta(days=30)).isoformat()
    assert f"Its expiry date, {expired_on}, is already past: it cannot be spent." in box.text()
    qtbot.mouseClick(button(box, "Add anyway"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert shown_titles(window) == ["Old voucher"]


# --- the window shows the truth: changes made elsewhere ------------------------------------------


def card(n: int) -> NewCredit:
    return NewCredit(source="gift_card", currency="USD", amount=f"{10 + n}.00", title=f"Card {n:02d}",
                     reference=f"R-{n}", received_on=TODAY - timedelta(days=5))


def balance_of(window: MainWindow, credit_id: int) -> str:
    return str(window.model.index(window.model.row_of(credit_id), COL_BALANCE).data())


def test_a_ledger_connection_sees_other_connections_writes_but_not_its_own(ledger_path: Path) -> None:
    [credit_id] = seed(ledger_path, card(1))
    mine, theirs = Ledger.open(ledger_path), Ledger.open(ledger_path)
    try:
        assert mine.outside_change() is None
        mine.spend(credit_id, "1.00", TODAY)
        assert mine.outside_change() is None
        theirs.spend(credit_id, "2.00", TODAY)
        assert mine.outside_change() is OutsideChange.CHANGED
        mine.acknowledge_changes()
        assert mine.outside_change() is None
    finally:
        mine.close()
        theirs.close()


def test_a_spend_by_the_command_line_in_another_process_shows_without_any_user_action(
    qtbot: QtBot, ledger_path: Path, tmp_path: Path
) -> None:
    first, second = seed(ledger_path, card(1), card(2))
    window = make_window(qtbot, ledger_path, tmp_path / "s.ini")
    window.select_credit(first)
    command = [sys.executable, str(REPO / "main.py"), "--db", str(ledger_path), "spend", str(first), "4.00"]
    done = subprocess.run(command, capture_output=True, text=True, env=dict(os.environ), check=False)
    assert done.returncode == 0, done.stderr
    qtbot.waitUntil(lambda: balance_of(window, first) == "$7.00")
    assert window.detail.credit_id == first and window.selected_credit_id() == first
    assert window.detail.balance_label.text() == "$7.00"
    assert balance_of(window, second) == "$12.00"
    window.close_ledger()


def test_an_outside_change_keeps_the_selection_sort_search_and_scroll_position(
    qtbot: QtBot, ledger_path: Path, tmp_path: Path
) -> None:
    ids = seed(ledger_path, *(card(n) for n in range(80)))
    window = make_window(qtbot, ledger_path, tmp_path / "s.ini")
    window.resize(900, 400)
    window.table.sortByColumn(COL_TITLE, Qt.SortOrder.DescendingOrder)
    window.search.setText("card")
    chosen = ids[40]
    window.select_credit(chosen)
    bar = window.table.verticalScrollBar()
    assert bar.maximum() > 10
    bar.setValue(bar.maximum() // 2 + 3)
    scrolled = bar.value()
    other = Ledger.open(ledger_path)  # another program's connection
    try:
        new_id = other.add_credit(card(90), TODAY)
        other.spend(chosen, "1.00", TODAY)
    finally:
        other.close()
    qtbot.waitUntil(lambda: window.model.row_of(new_id) == 0)
    assert shown_titles(window)[:2] == ["Card 90", "Card 79"]
    assert window.search.text() == "card" and window.model.rowCount() == 81
    assert window.selected_credit_id() == chosen and window.detail.credit_id == chosen
    assert window.detail.balance_label.text() == "$49.00"
    assert bar.value() == scrolled
    window.close_ledger()


def test_an_outside_change_waits_while_a_dialog_is_open_and_shows_once_it_closes(
    qtbot: QtBot, ledger_path: Path, tmp_path: Path
) -> None:
    [first] = seed(ledger_path, card(1))
    window = make_window(qtbot, ledger_path, tmp_path / "s.ini")
    window.select_credit(first)
    window.credit_actions["edit"].trigger()
    dialog = window.actions_.dialog
    assert isinstance(dialog, CreditDialog) and dialog.isVisible()
    other = Ledger.open(ledger_path)
    try:
        other.add_credit(card(2), TODAY)
    finally:
        other.close()
    window.show_outside_changes()
    assert shown_titles(window) == ["Card 01"]  # not reloaded under the editing dialog
    dialog.reject()
    qtbot.waitUntil(lambda: shown_titles(window) == ["Card 01", "Card 02"])
    assert window.detail.credit_id == first
    window.close_ledger()


def test_a_ledger_file_moved_away_is_not_recreated_by_the_window_looking_for_changes(
    qtbot: QtBot, ledger_path: Path, tmp_path: Path
) -> None:
    seed(ledger_path, card(1))
    window = make_window(qtbot, ledger_path, tmp_path / "s.ini")
    window.outside_timer.stop()
    ledger_path.rename(tmp_path / "moved.sqlite3")  # as a restore by another program does for a moment
    assert window.show_outside_changes() is False
    assert not ledger_path.exists()
    assert shown_titles(window) == ["Card 01"]
    window.close_ledger()


def test_f5_reloads_the_ledger_at_once(qtbot: QtBot, ledger_path: Path, tmp_path: Path) -> None:
    seed(ledger_path, card(1))
    window = make_window(qtbot, ledger_path, tmp_path / "s.ini")
    window.outside_timer.stop()  # only F5 may show the change here
    other = Ledger.open(ledger_path)
    try:
        other.add_credit(card(2), TODAY)
    finally:
        other.close()
    assert window.reload_action.shortcut().toString() == "F5"
    assert window.reload_action in window.view_menu.actions()
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_F5)
    assert shown_titles(window) == ["Card 01", "Card 02"]
    assert window.statusBar().currentMessage() == "Reloaded the ledger"
    window.close_ledger()


def test_a_restore_by_another_program_shows_the_restored_ledger_without_any_user_action(
    qtbot: QtBot, ledger_path: Path, tmp_path: Path
) -> None:
    seed(ledger_path, card(1))
    now = datetime(2025, 3, 10, 12, tzinfo=UTC)
    backup = make_backup(ledger_path, "manual", now)
    seed(ledger_path, card(2))
    window = make_window(qtbot, ledger_path, tmp_path / "s.ini")
    assert shown_titles(window) == ["Card 01", "Card 02"]
    restore_backup(ledger_path, backup, now + timedelta(minutes=1), keep=10)
    qtbot.waitUntil(lambda: shown_titles(window) == ["Card 01"])
    assert "restored or replaced by another program" in window.statusBar().currentMessage()
    window.close_ledger()


# --- reaching things: tooltips, Escape, the row's context menu -----------------------------------


def test_the_title_cell_shows_the_whole_title_as_its_tooltip(qtbot: QtBot, ledger_path: Path, tmp_path: Path) -> None:
    long_title = "Refund for the stainless steel electric kettle with the broken lid, order placed in January"
    seed(ledger_path, kettle_refund(title=long_title))
    window = make_window(qtbot, ledger_path, tmp_path / "s.ini")
    assert window.model.index(0, COL_TITLE).data(Qt.ItemDataRole.ToolTipRole) == long_title
    window.close_ledger()


def test_escape_in_the_search_box_clears_it_then_returns_to_the_table(
    qtbot: QtBot, ledger_path: Path, tmp_path: Path
) -> None:
    seed(ledger_path, card(1), card(2))
    window = make_window(qtbot, ledger_path, tmp_path / "s.ini")
    window.focus_search()
    qtbot.keyClicks(window.search, "01")
    assert shown_titles(window) == ["Card 01"]
    qtbot.keyClick(window.search, Qt.Key.Key_Escape)
    assert window.search.text() == "" and shown_titles(window) == ["Card 01", "Card 02"]
    assert window.search.hasFocus()
    qtbot.keyClick(window.search, Qt.Key.Key_Escape)
    assert window.table.hasFocus()
    window.close_ledger()


def row_menu_actions(window: MainWindow) -> list[object]:
    menu = window.row_menu.menu
    assert menu is not None and menu.isVisible()
    return [action for action in menu.actions() if not action.isSeparator()]


@POPUP_NOISE
def test_right_clicking_a_row_selects_it_and_offers_the_edit_menus_own_credit_actions(
    qtbot: QtBot, ledger_path: Path, tmp_path: Path
) -> None:
    first, second = seed(ledger_path, card(1), card(2))
    window = make_window(qtbot, ledger_path, tmp_path / "s.ini")
    window.select_credit(first)
    where = window.table.visualRect(window.model.index(window.model.row_of(second), COL_TITLE)).center()
    viewport = window.table.viewport()
    right_click = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, where, viewport.mapToGlobal(where))
    QApplication.sendEvent(viewport, right_click)
    assert window.selected_credit_id() == second
    offered = row_menu_actions(window)
    assert offered == list(window.credit_actions.values())
    assert all(action in window.edit_menu.actions() for action in offered)
    assert all(action.isEnabled() for action in offered)
    window.row_menu.menu.close()
    window.close_ledger()


@POPUP_NOISE
@pytest.mark.parametrize("key", [Qt.Key.Key_Menu, Qt.Key.Key_F10], ids=["menu-key", "shift-f10"])
def test_the_menu_key_and_shift_f10_open_the_selected_rows_actions(
    qtbot: QtBot, ledger_path: Path, tmp_path: Path, key: Qt.Key
) -> None:
    [first] = seed(ledger_path, card(1))
    window = make_window(qtbot, ledger_path, tmp_path / "s.ini")
    window.select_credit(first)
    window.table.setFocus()
    modifier = Qt.KeyboardModifier.ShiftModifier if key == Qt.Key.Key_F10 else Qt.KeyboardModifier.NoModifier
    qtbot.keyClick(window.table, key, modifier)
    assert row_menu_actions(window)[0] is window.credit_actions["edit"]
    window.row_menu.menu.close()
    window.close_ledger()


# --- the overview -------------------------------------------------------------------------------


def test_the_overview_says_in_words_when_a_currency_has_nothing_expiring_instead_of_an_empty_chart(
    qtbot: QtBot, ledger_path: Path, tmp_path: Path
) -> None:
    seed(
        ledger_path,
        NewCredit(source="rewards", currency="USD", amount="32.40", expires_on=TODAY + timedelta(days=40)),
        NewCredit(source="refund", currency="EUR", amount="15.00"),  # no expiry date
    )
    window = make_window(qtbot, ledger_path, tmp_path / "s.ini")
    overview = window.overview
    assert overview.currency_choice.currentText() == "USD"
    assert not overview.chart_view.isHidden() and overview.nothing_expiring.isHidden()
    overview.currency_choice.setCurrentText("EUR")
    assert overview.chart_view.isHidden() and not overview.nothing_expiring.isHidden()
    assert overview.nothing_expiring.text().startswith("No EUR credit expires in the next 12 months.")
    assert overview.chart.series() == [] and overview.chart.axes() == []
    overview.currency_choice.setCurrentText("USD")
    assert not overview.chart_view.isHidden() and overview.bar_label_texts() == ["$32.40"]
    window.close_ledger()


def test_the_overview_of_a_ledger_with_nothing_expiring_says_so(
    qtbot: QtBot, ledger_path: Path, tmp_path: Path
) -> None:
    seed(ledger_path, NewCredit(source="refund", currency="USD", amount="15.00"))
    window = make_window(qtbot, ledger_path, tmp_path / "s.ini")
    overview = window.overview
    assert not overview.nothing_expiring.isHidden() and overview.chart_view.isHidden()
    assert overview.nothing_expiring.text().startswith("No USD credit expires in the next 12 months.")
    window.close_ledger()
