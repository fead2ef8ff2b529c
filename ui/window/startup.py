"""Starting the window in stages, each after the previous one is on screen.

1. The window's shell is shown empty ("Opening the ledger…") with only what its first frame needs
   imported (not even PySide's `Qt` namespace, about 20 ms).
2. After that first frame: the table, the panels, the tool bar and the menus are built, the ledger's
   credits are read while SQLite checks the file (on another thread), then the file is opened and the
   table filled.
3. After the filled table is painted: the most urgent credit is selected, and the credit actions,
   the File menu's import/export, "Plan a purchase…", reminders (the scheduler, notifications) and
   the daily backup are attached. Each waits for the previous stage's paint, so the user sees the credits at once
   and the rest arrives while they read them.

A window that is never painted (started hidden in the tray, or not exposed) moves on after a
short wait instead.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

if TYPE_CHECKING:
    from ui.window.main_window import MainWindow

# How long to wait for a paint that may never come (a window on another workspace is not painted).
PAINT_WAIT_MS = 1000


class _AfterPaint(QObject):
    """Calls back once, right after the widget's next paint (or after PAINT_WAIT_MS without one)."""

    def __init__(self, widget: QWidget, callback: Callable[[], None]) -> None:
        super().__init__(widget)
        self.widget = widget
        self.callback: Callable[[], None] | None = callback
        widget.installEventFilter(self)
        QTimer.singleShot(PAINT_WAIT_MS, self, self._go)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        """On the watched widget's paint, go on once the event loop is back (the frame is then on screen)."""
        if watched is self.widget and event.type() == QEvent.Type.Paint and self.callback is not None:
            QTimer.singleShot(0, self, self._go)
        return False

    def _go(self) -> None:
        callback, self.callback = self.callback, None
        if callback is None:
            return
        self.widget.removeEventFilter(self)
        self.deleteLater()
        callback()


def after_paint(widget: QWidget, callback: Callable[[], None]) -> None:
    """Run `callback` once the widget has been painted next (at once, from the event loop, if it is hidden)."""
    if widget.isVisible():
        _AfterPaint(widget, callback)
    else:
        QTimer.singleShot(0, widget, callback)


def start_window(window: MainWindow, background: bool) -> None:
    """Stage 2: build the window's contents, open the ledger and fill the table; stage 3 follows the filled
    table's paint."""
    if not window.built:
        # Painted once built, before the table is filled: its layout is then worked out while the table is
        # empty (laid out holding thousands of rows, the first paint would wait about a second).
        window.build()
        after_paint(window, lambda: start_window(window, background))
        return
    opened, listing = _open_or_explain(window)
    if not opened:
        # A restore offered for a damaged file opens the ledger later: the File menu and reminders wait for it.
        _attach_services(window, background)
        return
    window.fill(listing)
    after_paint(window.table.viewport(), lambda: _attach_the_rest(window, background))


def _attach_services(window: MainWindow, background: bool) -> None:
    from ui.files.transfer_actions import install_transfer_actions
    from ui.reminders.reminder_service import install_reminders
    from ui.window.plan_actions import install_plan_actions

    install_transfer_actions(window)
    install_plan_actions(window)
    # Reminders attach before `ledger_opened`, so their first reconcile sees the ledger open.
    install_reminders(window, background=background)


def _attach_the_rest(window: MainWindow, background: bool) -> None:
    from ledger import clock
    from ledger.errors import LedgerError
    from ledger.storage.backup import startup_backup
    from ledger.storage.settings import load_settings

    window.restore_selection()
    _attach_services(window, background)
    window.finish_opening()
    if window.ledger is None:
        return
    try:
        startup_backup(window.path, clock.now(), load_settings(window.ledger).backups_to_keep)
    except LedgerError as error:
        window.statusBar().showMessage(f"The daily backup failed: {error}", 15_000)


def _open_or_explain(window: MainWindow) -> tuple[bool, tuple[int, list[tuple[Any, ...]]] | None]:
    """Open the ledger file, reading its credits while SQLite checks the file; a damaged or unusable file
    is explained (and a restore offered) instead. Whether it opened, and what was read (None: read later)."""
    from PySide6.QtWidgets import QMessageBox

    from ledger.storage.db import read_while_checking
    from ledger.storage.inspection import DamagedLedgerError, LedgerFileError
    from ledger.storage.listing import read_listing

    try:
        listing = None
        if not window.demo:  # the demo ledger is filled as it opens: read it after
            listing = read_while_checking(
                window.path, lambda: read_listing(window.path, window.today(), window.expiring_within)
            )
        window.open_file(checked=listing is not None)
    except DamagedLedgerError as error:
        from ui.files.backup_dialog import offer_restore

        offer_restore(window, error)
        return False, None
    except LedgerFileError as error:
        box = QMessageBox(QMessageBox.Icon.Critical, "Credit Ledger", str(error), parent=window)
        box.finished.connect(lambda _result: QApplication.exit(2))
        box.open()
        return False, None
    return window.ledger is not None, listing
