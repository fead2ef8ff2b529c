"""The import preview: every row and every problem of a file is shown before anything is written.

Reading and writing run off the GUI thread with a progress bar, so a 100,000-row file never
freezes the window. Import stays disabled while the file has any problem (all or nothing).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QListWidget,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ledger.files.bulk import ImportReport, read_import_file
from ledger.files.csv_io import BadRow, CsvImportError, CsvPlan, read_csv, write_plan
from ledger.files.formats import import_format
from ledger.files.json_checks import JsonImportError, read_document
from ledger.files.json_codes import ImportCodes
from ledger.files.json_io import import_json
from ledger.money import from_minor
from ledger.storage.store import Ledger
from ledger.validation import PLAIN_CHECKS, CheckedCredit
from ledger.vault.sealing import ExportSeal, export_key
from ui.dialogs.passphrase_dialog import PassphraseDialog
from ui.dialogs.screen_fit import FittingDialog
from ui.reminders.background import Progress, run_in_background

if TYPE_CHECKING:
    from ledger.vault.ledger_key import VaultKey
    from ui.window.vault_session import VaultSession

PREVIEW_COLUMNS = ("Line", "Source", "Currency", "Amount", "Balance", "Received", "Expires", "Title", "Problems")
# The columns of a refused row, shown as written in the file.
_WRITTEN = ("source", "currency", "amount", "balance", "received_on", "expires_on", "title")
# A refused row's background: a light red, always with its problems in words beside it.
BAD_ROW = QColor("#fbe3e1")
Index = QModelIndex | QPersistentModelIndex


@dataclass
class ImportPreview:
    """A read file: the rows to show, the problems found, and what is needed to write it."""

    fmt: str
    data: bytes
    rows: list[tuple[str, ...]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    # The line of the file each problem is on, as the preview's first column shows it ("" when not known).
    problem_lines: list[str] = field(default_factory=list)
    plan: CsvPlan | None = None
    # A JSON file's claim codes: how its sealed ones were sealed (None: none sealed), and whether it has any.
    code_seal: ExportSeal | None = None
    has_codes: bool = False


def _row(line: str, credit: CheckedCredit, balance_minor: int) -> tuple[str, ...]:
    return (
        line,
        credit.source,
        credit.currency,
        str(from_minor(credit.amount_minor, credit.currency)),
        str(from_minor(balance_minor, credit.currency)),
        credit.received_on.isoformat(),
        credit.expires_on.isoformat() if credit.expires_on else "",
        credit.title,
        "",
    )


def _bad_row(bad: BadRow) -> tuple[str, ...]:
    """A refused row as written, with every problem found in it."""
    problems = "; ".join(
        f"{problem.column}: {problem.message}" if problem.column else problem.message for problem in bad.problems
    )
    return (str(bad.line), *(bad.cells.get(name, "") for name in _WRITTEN), problems)


def read_preview(path: Path, today: date, progress: Progress) -> ImportPreview:
    """Read and check a file for the preview; problems are collected, never raised."""
    data = read_import_file(path)
    fmt = import_format(path, data)
    preview = ImportPreview(fmt=fmt, data=data)
    try:
        if fmt == "csv":
            plan = read_csv(data, today, all_problems=True, progress=progress)
            preview.plan = plan
            preview.problems = [str(problem) for problem in plan.problems]
            preview.problem_lines = [str(problem.line) for problem in plan.problems]
            shown = [(row.line, _row(str(row.line), row.credit, row.credit.amount_minor - row.spent_minor))
                     for row in plan.rows]  # fmt: skip
            shown += [(bad.line, _bad_row(bad)) for bad in plan.bad_rows]
            # In the file's order, the refused rows among the good ones.
            preview.rows = [row for _, row in sorted(shown, key=lambda item: item[0])]
        else:
            document = read_document(data, PLAIN_CHECKS.remembering(), today)
            preview.code_seal = document.code_seal
            preview.has_codes = any(credit.sealed_code or credit.credit.claim_code for credit in document.credits)
            preview.rows = [
                _row(f"#{credit.id}", credit.credit, sum(entry[1] for entry in credit.entries))
                for credit in document.credits
            ]
    except (CsvImportError, JsonImportError) as error:
        preview.problems = [str(error)]
    return preview


class PreviewModel(QAbstractTableModel):
    """The rows of a file being imported, read-only; a refused row is tinted and says its problems."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[tuple[str, ...]] = []

    def set_rows(self, rows: list[tuple[str, ...]]) -> None:
        """Show these rows instead (the last cell of each: its problems, empty for a good row)."""
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def is_refused(self, row: int) -> bool:
        """Whether the row has problems."""
        return bool(self._rows[row][-1])

    def row_of_line(self, line: str) -> int:
        """The row showing a line of the file, or -1."""
        return next((row for row, cells in enumerate(self._rows) if cells[0] == line), -1)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 (Qt's names)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(PREVIEW_COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.BackgroundRole and self.is_refused(index.row()):
            return BAD_ROW
        if role == Qt.ItemDataRole.ForegroundRole and self.is_refused(index.row()):
            return QColor("#1f2933")  # dark on the tint, whatever the theme's text colour
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return PREVIEW_COLUMNS[section]
        return None


class ImportDialog(FittingDialog):
    """Preview a .csv or .json file, then import it all at once; `report` holds what was done."""

    def __init__(
        self,
        parent: QWidget | None,
        ledger: Ledger,
        path: Path,
        now: Callable[[], datetime],
        held_credits: int,
        *,
        vault: VaultSession | None = None,
    ) -> None:
        super().__init__(parent)
        self.ledger = ledger
        self.vault = vault
        # How the import reaches claim codes in the file, once asked for (the file's passphrase, the ledger's key).
        self.codes: ImportCodes | None = None
        self.passphrase_dialog: PassphraseDialog | None = None
        self.path = Path(path)
        self.now = now
        self.held_credits = held_credits
        self.preview: ImportPreview | None = None
        self.report: ImportReport | None = None
        self.setWindowTitle(f"Import {self.path.name}")
        self.setObjectName("importDialog")
        self.resize(820, 520)
        self._build()
        self._start_reading()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        self.summary = QLabel(f"Reading {self.path.name}…")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.progress = QProgressBar()
        layout.addWidget(self.progress)
        self.model = PreviewModel(self)
        self.table = QTableView()
        self.table.setAccessibleName("The file's rows")
        # Tab moves on to the problems and the buttons; the arrow keys move between the cells.
        self.table.setTabKeyNavigation(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table, 3)
        self.problems = QListWidget()
        self.problems.setObjectName("importProblems")
        self.problems.setAccessibleName("Problems in the file")
        self.problems.setWordWrap(True)  # each problem whole, without scrolling sideways
        self.problems.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.problems.currentRowChanged.connect(self._show_problem_row)
        self.problems.hide()
        layout.addWidget(self.problems, 1)
        self.merge = QCheckBox(
            f"This ledger already has {self.held_credits:,} credits: add only the ones it does not have (merge)"
        )
        self.merge.hide()
        self.merge.toggled.connect(self._update_button)
        layout.addWidget(self.merge)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button: QPushButton = self.buttons.addButton("&Import", QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setEnabled(False)
        self.buttons.accepted.connect(self._start_writing)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    # --- reading ----------------------------------------------------------------------------

    def _start_reading(self) -> None:
        today = self.now().date()
        self.reading = run_in_background(lambda progress: read_preview(self.path, today, progress), self)
        self.reading.progress.connect(self._show_progress)
        self.reading.done.connect(self._show_preview)
        self.reading.failed.connect(self._refused)

    def _show_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def _show_preview(self, preview: ImportPreview) -> None:
        self.preview = preview
        self.progress.setRange(0, 1)
        self.progress.setValue(1)
        self.model.set_rows(preview.rows)
        self.table.resizeColumnsToContents()
        if preview.problems:
            self.problems.addItems(preview.problems)
            self.problems.show()
            count = len(preview.problems)
            self.summary.setText(
                f"{count:,} problem{'s' if count != 1 else ''} in {self.path.name}. Nothing can be imported until "
                "the file is fixed: an import is all or nothing."
            )
        else:
            rows = len(preview.rows)
            what = f"{rows:,} credit{'s' if rows != 1 else ''}"
            self.summary.setText(f"{what} ready to import from {self.path.name} ({preview.fmt.upper()}).")
        self.merge.setVisible(preview.fmt == "json" and self.held_credits > 0 and not preview.problems)
        self._update_button()

    def _show_problem_row(self, index: int) -> None:
        """Show the row a chosen problem is on."""
        lines = self.preview.problem_lines if self.preview is not None else []
        row = self.model.row_of_line(lines[index]) if 0 <= index < len(lines) else -1
        if row >= 0:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))

    def _refused(self, message: str) -> None:
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.problems.clear()
        self.problems.addItem(message)
        self.problems.show()
        self.summary.setText("Nothing was imported.")
        self.import_button.setEnabled(False)

    def _update_button(self) -> None:
        preview = self.preview
        ready = preview is not None and not preview.problems and bool(preview.rows)
        if preview is not None and preview.fmt == "json" and self.held_credits > 0:
            ready = ready and self.merge.isChecked()
        self.import_button.setEnabled(ready)

    # --- writing ----------------------------------------------------------------------------

    def _start_writing(self) -> None:
        preview = self.preview
        if preview is None or not self.import_button.isEnabled():
            return
        if preview.has_codes and self.codes is None and self.vault is not None:
            self._ask_for_codes(preview, self.vault)
            return
        self.import_button.setEnabled(False)
        self.merge.setEnabled(False)
        self.progress.setRange(0, 0)  # one transaction: busy, not measurable
        self.summary.setText(f"Importing {len(preview.rows):,} credits…")
        ledger, now, merge, codes = self.ledger, self.now(), self.merge.isChecked(), self.codes

        def work(_progress: Progress) -> ImportReport:
            if preview.plan is not None:
                return write_plan(ledger, preview.plan, now)
            return import_json(ledger, preview.data, now, merge=merge, codes=codes)

        self.writing = run_in_background(work, self)
        self.writing.done.connect(self._written)
        self.writing.failed.connect(self._refused)

    def _ask_for_codes(self, preview: ImportPreview, vault: VaultSession) -> None:
        """Ask for the file's passphrase (if its codes are sealed), unlock this ledger's key, then import."""

        def with_passphrase(passphrase: str | None) -> None:
            def start(key: VaultKey) -> None:
                self.codes = ImportCodes(lambda: passphrase, lambda: key)
                self._start_writing()

            vault.with_key(start, sealing=True)

        seal = preview.code_seal
        if seal is None:
            with_passphrase(None)
            return
        dialog = PassphraseDialog(
            self,
            "Claim codes in the file",
            f"{self.path.name} holds claim codes encrypted with the passphrase chosen when it was exported. "
            "Type it to bring the codes along.",
        )
        dialog.save = lambda: export_key(dialog.passphrase(), seal)  # a wrong one is said, and the dialog stays
        dialog.accepted.connect(lambda: with_passphrase(dialog.passphrase()))
        self.passphrase_dialog = dialog
        dialog.open()

    def _written(self, report: ImportReport) -> None:
        self.report = report
        self.accept()
