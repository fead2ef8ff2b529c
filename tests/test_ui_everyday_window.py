"""Everyday use of the main window: it shows what other programs wrote, warns before a likely duplicate
or an expired credit is added, searches categories and terms, and offers the credit actions on the row."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from ledger.storage.store import NewCredit
from tests.conftest import ledger_rows
from tests.ui_helpers import OFFSCREEN_NOISE, TODAY, make_window, seed
from ui.dialogs.credit_dialog import CreditDialog
from ui.window.credit_table import COL_TITLE
from ui.window.main_window import MainWindow

pytestmark = OFFSCREEN_NOISE


@pytest.fixture
def window(qtbot: QtBot, ledger_path: Path, tmp_path: Path) -> MainWindow:
    win = make_window(qtbot, ledger_path, tmp_path / "settings.ini")
    yield win
    win.close()
    win.close_ledger()


def shown_titles(window: MainWindow) -> list[str]:
    return [window.model.index(row, COL_TITLE).data() for row in range(window.model.rowCount())]


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
