"""What the window says and where it leaves the user after an action: sentences in the status bar,
a delete that names what is lost, the next credit selected, and Ctrl+Z that works at once."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from ledger.storage.store import NewCredit
from tests.ui_helpers import OFFSCREEN_NOISE, make_window, seed
from ui.window.main_window import MainWindow

pytestmark = OFFSCREEN_NOISE


@pytest.fixture
def window(qtbot: QtBot, ledger_path: Path, tmp_path: Path) -> MainWindow:
    seed(
        ledger_path,
        NewCredit(source="gift_card", currency="USD", amount="30", title="First"),
        NewCredit(source="gift_card", currency="USD", amount="12.50", title="Second"),
        NewCredit(source="gift_card", currency="USD", amount="8", title="Third"),
    )
    win = make_window(qtbot, ledger_path, tmp_path / "s.ini")
    yield win
    win.close_ledger()


def status(window: MainWindow) -> str:
    return window.statusBar().currentMessage()


def test_a_checkout_check_is_reported_in_a_proper_sentence(window: MainWindow) -> None:
    window.select_credit(1)
    panel = window.detail.eligibility
    panel.use_choice.setCurrentIndex(panel.use_choice.findData("amazon_gift_cards"))
    panel.outcome_buttons["offered"].click()
    assert status(window) == "Recorded: Amazon gift cards were offered at checkout"


def test_undo_says_what_was_undone(window: MainWindow) -> None:
    window.select_credit(1)
    window.credit_actions["archive"].trigger()
    window.undo_action.trigger()
    assert status(window) == "Archive undone"


def test_after_archiving_the_next_credit_is_shown(window: MainWindow) -> None:
    window.select_credit(2)
    window.credit_actions["archive"].trigger()
    assert window.detail.credit_id == 3
    assert window.selected_credit_id() == 3


def test_delete_names_the_balance_lost_and_ctrl_z_undoes_it_without_a_click(qtbot: QtBot, window: MainWindow) -> None:
    window.select_credit(2)
    window.search.setFocus()
    window.credit_actions["delete"].trigger()
    box = window.actions_.confirmation
    assert isinstance(box, QMessageBox)
    assert "$12.50" in box.text() and "Ctrl+Z" in box.text()
    delete = next(button for button in box.buttons() if button.text() == "&Delete")
    qtbot.mouseClick(delete, Qt.MouseButton.LeftButton)
    assert window.model.row_of(2) < 0
    assert window.detail.credit_id == 3
    focused = QApplication.focusWidget()
    assert focused is window.table
    qtbot.keyClick(focused, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.model.row_of(2) >= 0
    assert status(window) == "Delete undone"


def test_spend_is_ctrl_shift_s_so_ctrl_s_keeps_its_usual_meaning(window: MainWindow) -> None:
    assert window.credit_actions["spend"].shortcut() == QKeySequence("Ctrl+Shift+S")


def test_the_help_lists_each_verdict_and_the_empty_state_links_to_it(
    qtbot: QtBot, ledger_path: Path, tmp_path: Path
) -> None:
    from ui.window.help_panel import HELP_HTML

    for verdict in ("Yes", "Likely", "Check the terms", "Unlikely", "No"):
        assert f"<b>{verdict}</b>" in HELP_HTML.split("<ul>")[1].split("</ul>")[0]
    empty = make_window(qtbot, tmp_path / "empty.sqlite3", tmp_path / "e.ini")
    link = empty.empty_state.help_button
    assert link.objectName() == "linkButton" and link.cursor().shape() == Qt.CursorShape.PointingHandCursor
    qtbot.mouseClick(link, Qt.MouseButton.LeftButton)
    assert empty.help_dock.isVisible()
    empty.close_ledger()
