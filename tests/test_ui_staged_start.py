"""The app's window starts as a light shell; its contents are built after the first frame (ui/window/startup.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from ledger.storage.backup import make_backup
from ledger.storage.store import NewCredit
from tests.test_backup_damage import damage, fill
from tests.ui_helpers import TODAY, seed
from ui.window.main_window import MainWindow
from ui.window.startup import start_window

NOW = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)


def test_a_staged_window_shows_only_its_shell_until_start_up_builds_and_fills_it(
    qtbot: QtBot, ledger_path: Path, tmp_path: Path
) -> None:
    seed(ledger_path, NewCredit(source="refund", currency="USD", amount="20", title="Kettle refund"))
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    window = MainWindow(ledger_path, today=lambda: TODAY, settings=settings, staged=True)
    qtbot.addWidget(window)
    assert not window.built and not hasattr(window, "table")
    assert window.windowTitle() == "Credit Ledger" and window.loading_label.text() == "Opening the ledger…"
    window.show()
    start_window(window, background=False)  # what the app runs once the shell is painted
    assert window.built and window.ledger is None  # built now; the ledger opens once that is painted
    qtbot.waitUntil(lambda: window.actions_ is not None, timeout=5000)
    assert window.model.total_count() == 1 and window.model.credit_id(0) is not None
    assert "Import…" in [action.text() for action in window.file_menu.actions()]
    window.close()
    window.close_ledger()


def test_a_shell_closed_before_it_was_built_keeps_the_layout_saved_before(
    qtbot: QtBot, ledger_path: Path, tmp_path: Path
) -> None:
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    settings.setValue("window/columns", b"kept")
    before = settings.value("window/columns")
    window = MainWindow(ledger_path, today=lambda: TODAY, settings=settings, staged=True)
    qtbot.addWidget(window)
    window.show()
    window.close()
    assert settings.value("window/columns") == before


def test_a_staged_window_on_a_damaged_ledger_offers_the_restore_once_built(
    qtbot: QtBot, ledger_path: Path, tmp_path: Path
) -> None:
    # The credits are read on another thread while the window is built: what that reading found is explained.
    fill(ledger_path, [f"credit {n} " for n in range(20)])
    make_backup(ledger_path, "daily", NOW)
    damage(ledger_path)
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    window = MainWindow(ledger_path, today=lambda: TODAY, settings=settings, staged=True)
    qtbot.addWidget(window)
    window.show()
    start_window(window, background=False)
    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "damagedLedgerBox") is not None, timeout=5000)
    box = window.findChild(QMessageBox, "damagedLedgerBox")
    assert box is not None and window.ledger is None
    assert "Import…" in [action.text() for action in window.file_menu.actions()]
    box.finished.disconnect()  # answering would restore or quit
    box.close()
