"""The File menu's Import, Export, Back up now and Backups entries, and what they do.

Call `install_transfer_actions(window)` once, after the menus are built. An import or a restore
reloads the table and emits the window's `ledger_changed` (kind "reloaded").
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox, QProgressDialog

from ledger import clock
from ledger.errors import LedgerError
from ledger.files.bulk import ImportReport, credit_count
from ledger.files.formats import EXPORT_FORMATS, export_file, export_format
from ledger.files.json_codes import ExportCodes
from ledger.storage.backup import backup_now
from ledger.vault.codes import code_count
from ui.dialogs.passphrase_dialog import PassphraseDialog
from ui.files.backup_dialog import BackupDialog, backups_to_keep
from ui.files.import_dialog import ImportDialog
from ui.reminders.background import Progress, run_in_background

if TYPE_CHECKING:
    from ui.window.main_window import MainWindow
    from ui.window.vault_session import VaultSession

EXPORT_FILTERS = {
    "json": "Whole ledger, to move or keep (*.json)",
    "csv": "Spreadsheet of credits (*.csv)",
    "ics": "Calendar of expiry dates (*.ics)",
}
IMPORT_FILTER = "Credit files (*.csv *.json);;Spreadsheet (*.csv);;Whole ledger (*.json)"


def imported_text(report: ImportReport) -> str:
    """One line for the status bar about an import."""
    text = f"Imported {report.added:,} credit{'s' if report.added != 1 else ''}"
    if report.skipped:
        text += f"; {report.skipped:,} already in the ledger skipped"
    return text + (f". Backup taken first: {report.backup.name}" if report.backup else ".")


class TransferActions(QObject):
    """Import, export and backups for one window."""

    def __init__(self, window: MainWindow, now: Callable[[], datetime] = clock.now) -> None:
        super().__init__(window)
        self.window = window
        self.now = now
        self.dialog: QDialog | None = None
        self.dialog_box: QMessageBox | None = None
        self.progress: QProgressDialog | None = None
        menu = window.file_menu
        before = window.quit_action  # everything goes above Quit, below what the window put there
        self.import_action = QAction("Import…", menu)
        self.import_action.setShortcut(QKeySequence("Ctrl+I"))
        self.import_action.setToolTip("Add credits from a .csv file, or a whole ledger from .json")
        self.export_action = QAction("Export…", menu)
        self.export_action.setShortcut(QKeySequence("Ctrl+E"))
        self.export_action.setToolTip("Save the ledger as .json, the credits as .csv, or expiry dates as .ics")
        self.backup_action = QAction("Back up now", menu)
        self.backups_action = QAction("Backups and restore…", menu)
        menu.insertActions(before, [self.import_action, self.export_action])
        menu.insertSeparator(before)
        menu.insertActions(before, [self.backup_action, self.backups_action])
        menu.insertSeparator(before)
        self.import_action.triggered.connect(self.choose_import)
        self.export_action.triggered.connect(self.choose_export)
        self.backup_action.triggered.connect(self.back_up)
        self.backups_action.triggered.connect(self.show_backups)

    # --- import ---------------------------------------------------------------------------

    def choose_import(self) -> None:
        """Ask for a file, then preview it."""
        name, _ = QFileDialog.getOpenFileName(self.window, "Import credits", str(Path.home()), IMPORT_FILTER)
        if name:
            self.start_import(Path(name))

    def start_import(self, path: Path) -> ImportDialog | None:
        """Open the preview of a file; importing it reloads the window. Returns the open dialog."""
        ledger = self.window.ledger
        if ledger is None:
            return None
        with ledger.query() as connection:
            held = credit_count(connection)
        dialog = ImportDialog(self.window, ledger, path, self.now, held, vault=self._vault())
        dialog.accepted.connect(lambda: self._imported(dialog))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _imported(self, dialog: ImportDialog) -> None:
        from ui.window.main_window import LedgerChange

        self.window.reload()
        self.window.ledger_changed.emit(LedgerChange("reloaded", None))
        if dialog.report is not None:
            self.window.statusBar().showMessage(imported_text(dialog.report), 15_000)

    def _vault(self) -> VaultSession | None:
        actions = self.window.actions_
        return actions.vault if actions is not None else None

    # --- export ---------------------------------------------------------------------------

    def choose_export(self) -> None:
        """Ask where and in which format, then export."""
        stamp = self.now().strftime("%Y-%m-%d")
        name, chosen = QFileDialog.getSaveFileName(
            self.window,
            "Export",
            str(Path.home() / f"credit-ledger-{stamp}.json"),
            ";;".join(EXPORT_FILTERS.values()),
        )
        if not name:
            return
        path = Path(name)
        fmt = next((key for key, text in EXPORT_FILTERS.items() if text == chosen), "json")
        if path.suffix.lower().lstrip(".") not in EXPORT_FORMATS:
            path = path.with_name(f"{path.name}.{fmt}")
        self.choose_codes(path, export_format(None, path))

    def choose_codes(self, path: Path, fmt: str) -> QMessageBox | None:
        """For a JSON export of a ledger with claim codes, ask whether they go along (encrypted), then export."""
        ledger, vault = self.window.ledger, self._vault()
        count = code_count(ledger) if ledger is not None and fmt == "json" else 0
        if not count or vault is None:
            self.export_to(path, fmt)
            return None
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Claim codes",
            f"This ledger holds {count:,} claim code{'s' if count != 1 else ''}. Put them in {path.name}, "
            "encrypted with a passphrase you choose now? Without them the file is safe to keep anywhere, "
            "but the codes stay only in this ledger.",
            QMessageBox.StandardButton.Cancel,
            self.window,
        )
        box.setObjectName("exportCodesBox")
        include = box.addButton("Include, encrypted…", QMessageBox.ButtonRole.AcceptRole)
        leave_out = box.addButton("Leave them out", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(leave_out)

        def answered(_result: int) -> None:
            if box.clickedButton() is leave_out:
                self.export_to(path, fmt)
            elif box.clickedButton() is include:
                self.ask_export_passphrase(path, fmt, vault)

        box.finished.connect(answered)
        self.dialog_box = box
        box.open()
        return box

    def ask_export_passphrase(self, path: Path, fmt: str, vault: VaultSession) -> PassphraseDialog:
        """Ask for the export's passphrase (typed twice), unlock the ledger's codes, then export them sealed."""
        dialog = PassphraseDialog(
            self.window,
            "Passphrase for the export",
            f"The claim codes in {path.name} will open only with this passphrase. Keep it somewhere safe: "
            "without it the codes in the file cannot be recovered.",
            new=True,
        )

        def chosen() -> None:
            passphrase = dialog.passphrase()
            vault.with_key(lambda key: self.export_to(path, fmt, ExportCodes(passphrase, lambda: key)))

        dialog.accepted.connect(chosen)
        self.dialog = dialog
        dialog.open()
        return dialog

    def export_to(self, path: Path, fmt: str, codes: ExportCodes | None = None) -> QProgressDialog | None:
        """Export in the background with a progress window; the status bar says when it is done.

        Claim codes go along only with `codes` (JSON, sealed under the passphrase chosen for the file)."""
        ledger = self.window.ledger
        if ledger is None:
            return None
        now = self.now()
        progress = QProgressDialog(f"Exporting to {path.name}…", "", 0, 0, self.window)
        progress.setCancelButton(None)
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(300)
        self.progress = progress

        def work(_progress: Progress) -> int:
            return export_file(ledger, path, fmt, now, codes=codes)

        task = run_in_background(work, progress)
        task.done.connect(lambda count: self._exported(path, fmt, count))
        task.failed.connect(self._export_failed)
        progress.open()
        return progress

    def _exported(self, path: Path, fmt: str, count: int) -> None:
        if self.progress is not None:
            self.progress.close()
        what = f"{count:,} {'event' if fmt == 'ics' else 'credit'}{'s' if count != 1 else ''}"
        self.window.statusBar().showMessage(f"Exported {what} to {path}", 15_000)

    def _export_failed(self, message: str) -> None:
        if self.progress is not None:
            self.progress.close()
        box = QMessageBox(QMessageBox.Icon.Warning, "Export", f"Nothing was exported: {message}", parent=self.window)
        box.open()

    # --- backups --------------------------------------------------------------------------

    def back_up(self) -> None:
        """Take a backup now; the status bar names it."""
        try:
            target = backup_now(self.window.path, "manual", self.now(), backups_to_keep(self.window))
        except LedgerError as error:
            self.window.statusBar().showMessage(f"No backup taken: {error}", 15_000)
            return
        self.window.statusBar().showMessage(f"Backed up to {target}", 15_000)

    def show_backups(self) -> BackupDialog:
        """The list of backups, to restore one."""
        dialog = BackupDialog(self.window, self.now)
        self.dialog = dialog
        dialog.open()
        return dialog


def install_transfer_actions(window: MainWindow) -> TransferActions:
    """Add Import, Export, Back up now and Backups to the window's File menu (once); the window owns them."""
    return TransferActions(window)
