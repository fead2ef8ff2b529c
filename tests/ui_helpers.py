"""Helpers for the GUI tests: a real main window on a real ledger file, and ways to drive its dialogs."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QDialog, QDialogButtonBox
from pytestqt.qtbot import QtBot

from ledger.storage.store import Ledger, NewCredit
from ui.window.main_window import MainWindow

if TYPE_CHECKING:
    from ui.dialogs.plan_dialog import PlanDialog
    from ui.reminders.reminder_service import ReminderService

TODAY = date(2025, 3, 10)

# The offscreen platform used in tests says this about every top-level window; it is not our noise.
OFFSCREEN_NOISE = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)")


def make_window(qtbot: QtBot, path: Path, settings_path: Path, today: date = TODAY) -> MainWindow:
    """A shown main window with its ledger open, settings kept in a private ini file."""
    settings = QSettings(str(settings_path), QSettings.Format.IniFormat)
    window = MainWindow(path, today=lambda: today, settings=settings)
    qtbot.addWidget(window)
    with qtbot.waitExposed(window):
        window.show()
    with qtbot.waitActive(window):
        window.activateWindow()
    window.open_ledger()
    return window


def window_for_a_test(qtbot: QtBot, path: Path, settings_path: Path) -> Iterator[MainWindow]:
    """A fixture's window: `make_window`, closed with its ledger once the test is over (`yield from` it)."""
    window = make_window(qtbot, path, settings_path)
    yield window
    window.close()
    window.close_ledger()


def reminder_windows(
    qtbot: QtBot, path: Path, settings_path: Path, clock: Callable[[], datetime] | None = None
) -> Iterator[Callable[..., ReminderService]]:
    """A fixture's opener of main windows with reminders installed at a given app clock (`clock` unless told);
    their reminders are shut down once the test is over (`yield from` it)."""
    from ui.reminders.reminder_service import install_reminders

    services: list[ReminderService] = []

    def open_at(now: Callable[[], datetime] | None = clock) -> ReminderService:
        assert now is not None, "the app's clock: given here or to reminder_windows"
        settings = QSettings(str(settings_path), QSettings.Format.IniFormat)
        window = MainWindow(path, today=lambda: now().date(), settings=settings)
        qtbot.addWidget(window)
        service = install_reminders(window, now=now)
        services.append(service)
        window.show()
        window.open_ledger()
        return service

    yield open_at
    for service in services:
        service.shutdown()


def shown_titles(window: MainWindow) -> list[str]:
    """The titles the credit table shows, top to bottom."""
    from ui.window.credit_table import COL_TITLE

    return [window.model.index(row, COL_TITLE).data() for row in range(window.model.rowCount())]


def seed(path: Path, *credits: NewCredit, today: date = TODAY) -> list[int]:
    """Record credits straight through the ledger (for tests that start from existing data)."""
    book = Ledger.open(path)
    try:
        return [book.add_credit(credit, today) for credit in credits]
    finally:
        book.close()


def ok_button(dialog: QDialog) -> QDialogButtonBox:
    """The dialog's button box (its OK button is what validation enables)."""
    box = dialog.findChild(QDialogButtonBox)
    assert box is not None
    return box


def plan_followed(qtbot: QtBot, dialog: PlanDialog) -> None:
    """Wait until a plan dialog has planned for what was typed (it plans a moment after the last key)."""
    qtbot.waitUntil(lambda: not dialog.replan_timer.isActive(), timeout=5000)
