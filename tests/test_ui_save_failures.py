"""A save that fails in the window is shown in a box, loses nothing the user typed, and never goes to a lost file."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox
from pytestqt.qtbot import QtBot

from ledger.storage.backup import make_backup
from ledger.storage.restore import restore_backup
from ledger.storage.store import NewCredit
from tests.conftest import REPO
from tests.test_restore_safety import references
from tests.ui_helpers import OFFSCREEN_NOISE, make_window, seed
from ui.dialogs.credit_dialog import CreditDialog
from ui.files.backup_dialog import BackupDialog
from ui.window.main_window import MainWindow

pytestmark = OFFSCREEN_NOISE
NOW = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)


@pytest.fixture
def window(qtbot: QtBot, ledger_path: Path, tmp_path: Path) -> MainWindow:
    seed(ledger_path, NewCredit(source="gift_card", currency="USD", amount="5", reference="seeded"))
    return make_window(qtbot, ledger_path, tmp_path / "settings.ini")


def open_add_dialog(window: MainWindow) -> CreditDialog:
    assert window.actions_ is not None
    window.actions_.add()
    dialog = window.actions_.dialog
    assert isinstance(dialog, CreditDialog)
    dialog.source.setCurrentIndex(dialog.source.findData("refund"))
    dialog.amount.setText("12.34")
    dialog.currency.setText("USD")
    dialog.title.setText("Returned kettle")
    dialog.reference.setText("typed-by-hand")
    return dialog


def press_ok(dialog: CreditDialog) -> None:
    box = dialog.findChild(QDialogButtonBox)
    assert box is not None
    ok = box.button(QDialogButtonBox.StandardButton.Ok)
    assert ok.isEnabled(), dialog.validate()
    ok.click()


def test_a_save_refused_after_a_restore_elsewhere_keeps_the_dialog_and_the_input(
    qtbot: QtBot, window: MainWindow, ledger_path: Path
) -> None:
    source = make_backup(ledger_path, "manual", NOW)
    dialog = open_add_dialog(window)
    restore_backup(ledger_path, source, NOW, keep=10)  # as `credit-ledger restore` in a terminal would, meanwhile

    press_ok(dialog)
    box = dialog.findChild(QMessageBox, "warningBox")
    assert box is not None and box.isVisible()
    assert "Not saved" in box.text() and "restored from a backup" in box.text()
    assert dialog.isVisible() and dialog.title.text() == "Returned kettle" and dialog.amount.text() == "12.34"
    box.done(0)

    press_ok(dialog)  # the window has read the restored ledger: the same input saves now
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert references(ledger_path) == {"seeded", "typed-by-hand"}
    assert window.model.total_count() == 2


def test_cancelling_a_restore_then_another_program_using_the_ledger_loses_no_save(
    qtbot: QtBot, window: MainWindow, ledger_path: Path
) -> None:
    make_backup(ledger_path, "manual", NOW)
    backups = BackupDialog(window, now=lambda: NOW)
    qtbot.addWidget(backups)
    question = backups.restore_selected()
    assert question is not None
    question.button(QMessageBox.StandardButton.Cancel).click()
    backups.close()
    listing = subprocess.run(
        [sys.executable, "main.py", "--db", str(ledger_path), "remind", "--once"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert listing.returncode == 0, listing.stderr

    dialog = open_add_dialog(window)
    press_ok(dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert dialog.findChild(QMessageBox, "warningBox") is None
    assert references(ledger_path) == {"seeded", "typed-by-hand"}
    assert window.model.total_count() == 2
