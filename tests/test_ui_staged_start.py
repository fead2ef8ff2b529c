"""The app's window starts as a light shell; its contents are built after the first frame (ui/window/startup.py)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from ledger.storage.store import NewCredit
from tests.ui_helpers import TODAY, seed
from ui.window.main_window import MainWindow
from ui.window.startup import start_window


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
