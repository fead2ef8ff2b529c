"""Backups in the window: the list with dates, back up now, restore (with confirmation), and recovery at start-up.

Restoring closes the window's ledger, replaces the file (the current one is backed up first,
or set aside if damaged) and opens it again. Boxes open with `open()`, never `exec()`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDialogButtonBox,
    QFileDialog,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from ledger import clock
from ledger.errors import LedgerError
from ledger.storage.backup import BackupInfo, backup_now, is_healthy_ledger, list_backups
from ledger.storage.inspection import DamagedLedgerError, LedgerFileError
from ledger.storage.restore import RestoreReport, restore_backup
from ledger.storage.settings import Settings, load_settings
from ui.dialogs.confirm import confirm
from ui.dialogs.screen_fit import FittingDialog

if TYPE_CHECKING:
    from ui.window.main_window import MainWindow

BACKUP_COLUMNS = ("Taken", "Why", "Size", "File")
REASONS = {"daily": "daily, at start-up", "manual": "by hand", "before-import": "before an import"}


def _reason(info: BackupInfo) -> str:
    if info.reason.startswith("before-restore"):
        return "before a restore"
    if info.reason.startswith("before-0"):
        return "before an upgrade"
    return REASONS.get(info.reason, info.reason)


def backups_to_keep(window: MainWindow) -> int:
    """The user's setting, or its default when no ledger is open (a damaged file)."""
    return load_settings(window.ledger).backups_to_keep if window.ledger is not None else Settings().backups_to_keep


def restore_into_window(window: MainWindow, source: Path, now: datetime) -> RestoreReport:
    """Replace the window's ledger with a backup and show it; on a refusal the old ledger stays open."""
    from ledger.storage.store import Ledger
    from ui.window.main_window import LedgerChange

    keep = backups_to_keep(window)
    was_open = window.ledger is not None
    window.close_ledger()  # the file is about to be replaced: no connection may stay on it
    try:
        report = restore_backup(window.path, source, now, keep)
    except LedgerError:
        if was_open:
            window.ledger = Ledger.open(window.path)
            window.watch_ledger(window.ledger)
        raise
    if window.actions_ is None:
        window.open_ledger()  # first open (the ledger was damaged at start-up)
    else:
        window.ledger = Ledger.open(window.path)
        window.watch_ledger(window.ledger)
        window.reload()
    window.ledger_changed.emit(LedgerChange("reloaded", None))
    return report


def what_happens_to_the_ledger(path: Path) -> str:
    """What a restore does with the ledger as it is now, said for this case: backed up, set aside, or nothing."""
    if not path.exists() or path.stat().st_size == 0:
        return "There is no ledger file now; the backup becomes the ledger."
    if is_healthy_ledger(path):
        return "The ledger as it is now is backed up first."
    return "The ledger as it is now is damaged: it is set aside next to it (never overwritten), not backed up."


def _restored_text(report: RestoreReport) -> str:
    lines = [f"Restored from {report.restored_from.name}."]
    if report.previous_backup is not None:
        lines.append(f"The ledger as it was is kept in {report.previous_backup.name}.")
    if report.damaged_copy is not None:
        lines.append(f"The damaged file was set aside as {report.damaged_copy}.")
    return " ".join(lines)


class BackupDialog(FittingDialog):
    """The ledger's backups, newest first, with Back up now and Restore."""

    def __init__(self, window: MainWindow, now: Callable[[], datetime] = clock.now) -> None:
        super().__init__(window)
        self.window_ = window
        self.now = now
        self.setWindowTitle("Backups")
        self.setObjectName("backupDialog")
        self.resize(720, 380)
        layout = QVBoxLayout(self)
        intro = QLabel(
            f"Backups of {window.path.name} are kept in {window.path.parent / 'backups'}. One is taken each day "
            "the app starts, and before every import, upgrade and restore."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.table = QTableWidget(0, len(BACKUP_COLUMNS))
        self.table.setAccessibleName("Backups")
        # Tab moves on to the buttons; the arrow keys choose a backup.
        self.table.setTabKeyNavigation(False)
        self.table.setHorizontalHeaderLabels(BACKUP_COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.backup_button: QPushButton = buttons.addButton("&Back up now", QDialogButtonBox.ButtonRole.ActionRole)
        self.restore_button: QPushButton = buttons.addButton("&Restore…", QDialogButtonBox.ButtonRole.ActionRole)
        self.file_button: QPushButton = buttons.addButton("Restore from &file…", QDialogButtonBox.ButtonRole.ActionRole)
        self.backup_button.clicked.connect(self.back_up)
        self.restore_button.clicked.connect(self.restore_selected)
        self.file_button.clicked.connect(self._choose_file)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.backups: list[BackupInfo] = []
        self.refresh()

    def refresh(self) -> None:
        """Read the backups folder again."""
        self.backups = list_backups(self.window_.path)
        self.table.setRowCount(len(self.backups))
        zone = self.now().tzinfo
        for row, info in enumerate(self.backups):
            cells = (
                info.taken_at.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
                _reason(info),
                f"{info.size / 1024:,.0f} KB",
                info.path.name,
            )
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        if self.backups:
            self.table.selectRow(0)
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.restore_button.setEnabled(bool(self.table.selectionModel().selectedRows()))
        self.backup_button.setEnabled(self.window_.ledger is not None)

    def back_up(self) -> None:
        """Take a backup now and show it at the top of the list."""
        try:
            target = backup_now(self.window_.path, "manual", self.now(), backups_to_keep(self.window_))
        except LedgerError as error:
            self.status.setText(str(error))
            return
        self.status.setText(f"Backed up to {target.name}.")
        self.refresh()

    def restore_selected(self) -> QMessageBox | None:
        """Ask, then restore the selected backup; returns the open question (None if nothing is selected)."""
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        return self.ask_to_restore(self.backups[rows[0].row()].path)

    def ask_to_restore(self, source: Path) -> QMessageBox:
        """The confirmation before a restore; the restore runs only on Restore."""
        return confirm(
            self,
            "Restore a backup",
            f"Replace the ledger with {source.name}? Changes made since then will be replaced. "
            + what_happens_to_the_ledger(self.window_.path),
            "Restore",
            lambda: self._restore(source),
        )

    def _restore(self, source: Path) -> None:
        try:
            report = restore_into_window(self.window_, source, self.now())
        except (LedgerError, LedgerFileError) as error:
            self.status.setText(f"Not restored: {error}")
            return
        self.status.setText(_restored_text(report))
        self.window_.statusBar().showMessage(_restored_text(report), 15_000)
        self.refresh()

    def _choose_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, "Restore from a file", str(self.window_.path.parent / "backups"), "Ledger files (*.sqlite3 *.db)"
        )
        if name:
            self.ask_to_restore(Path(name))


def offer_restore(
    window: MainWindow, error: DamagedLedgerError, now: Callable[[], datetime] = clock.now
) -> QMessageBox:
    """At start-up, explain a damaged ledger and offer its newest good backup; the damaged file is kept aside."""
    text = (
        f"The ledger file {window.path} is damaged, so it was not opened and nothing was written to it.\n\n"
        f"What SQLite reported: {error.problem}"
    )
    window.loading_label.clear()  # it said "Opening the ledger…"; the box below says why it was not opened
    box = QMessageBox(QMessageBox.Icon.Critical, "Credit Ledger: damaged ledger", text, parent=window)
    box.setObjectName("damagedLedgerBox")
    restore = None
    if error.backup is not None:
        box.setInformativeText(
            f"The newest good backup is {error.backup.name}. Restoring it keeps the damaged file aside, next to it."
        )
        restore = box.addButton("&Restore newest good backup", QMessageBox.ButtonRole.AcceptRole)
    else:
        box.setInformativeText("No good backup was found. You can choose a backup file yourself, or quit.")
    choose = box.addButton("&Choose a backup…", QMessageBox.ButtonRole.ActionRole)
    box.addButton("&Quit", QMessageBox.ButtonRole.RejectRole)

    def answered(_result: int) -> None:
        clicked = box.clickedButton()
        if restore is not None and clicked is restore and error.backup is not None:
            try:
                report = restore_into_window(window, error.backup, now())
            except (LedgerError, LedgerFileError) as failure:
                refusal = QMessageBox(
                    QMessageBox.Icon.Critical, "Credit Ledger", f"Not restored: {failure}", parent=window
                )
                refusal.finished.connect(lambda _result: QApplication.exit(2))
                refusal.open()
                return
            window.statusBar().showMessage(_restored_text(report), 20_000)
        elif clicked is choose:
            BackupDialog(window, now).open()
        else:
            QApplication.exit(2)
        box.deleteLater()

    box.finished.connect(answered)
    box.open()
    return box
