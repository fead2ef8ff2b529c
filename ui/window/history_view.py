"""A credit's history in the detail panel: every movement with the balance after it, newest first; a mistaken
spend or refund is selected here to be corrected or removed (buttons, a context menu, the Delete key)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QMenu,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.labels import ENTRY_LABELS

COLUMNS = ("Date", "What", "Amount", "Balance", "Note")
NOTE = COLUMNS.index("Note")
# The kinds a user recorded by hand and may put right; the issue follows the credit's amount (Edit).
CORRECTABLE = ("spend", "refund")
SHOWN_ROWS = 8


def running_balances(entries: Sequence[Any]) -> list[tuple[Any, int]]:
    """Each entry with the balance after it (minor units), in the order they happened: by date, then as recorded."""
    balance = 0
    result = []
    for entry in sorted(entries, key=lambda entry: (entry.occurred_on, entry.id)):
        balance += entry.amount_minor
        result.append((entry, balance))
    return result


class HistoryView(QWidget):
    """The history table and its Correct…/Remove buttons, which trigger the panel's actions on the chosen entry."""

    def __init__(self, correct_action: QAction, remove_action: QAction, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("history")
        self.table.setAccessibleName("Entry history")
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        # Tab leaves the table; the arrows move between its rows.
        self.table.setTabKeyNavigation(False)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setWordWrap(False)
        # Date, what, amount and balance take what they need; the note takes the rest and elides. These are
        # modes, not one-off widths, so a refresh can never leave the note column narrow.
        header = self.table.horizontalHeader()
        for column in range(NOTE):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(NOTE, QHeaderView.ResizeMode.Stretch)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.table.doubleClicked.connect(lambda _index: correct_action.trigger())
        layout.addWidget(self.table)

        self.correct_action, self.remove_action = correct_action, remove_action
        # Del in the history removes the chosen movement; elsewhere Del belongs to others (the credit table archives).
        remove_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.table.addAction(remove_action)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.correct_button = QPushButton("Correct…")
        self.correct_button.setAccessibleName("Correct the chosen spend or refund")
        self.correct_button.clicked.connect(correct_action.trigger)
        self.remove_button = QPushButton("Remove")
        self.remove_button.setAccessibleName("Remove the chosen spend or refund")
        self.remove_button.setToolTip(f"Remove the chosen spend or refund ({QKeySequence('Del').toString()})")
        self.remove_button.clicked.connect(remove_action.trigger)
        for button in (self.correct_button, self.remove_button):
            button.setMinimumWidth(button.fontMetrics().horizontalAdvance(button.text()) + 16)
            buttons.addWidget(button)
        layout.addLayout(buttons)
        self._selection_changed()

    def show_entries(self, entries: Sequence[Any], currency: str) -> None:
        """Show a credit's entries, newest first, each with the balance after it."""
        from ledger.money import format_money, from_minor

        rows = list(reversed(running_balances(entries)))
        self.table.clearSelection()
        self.table.setRowCount(len(rows))
        for row, (entry, balance) in enumerate(rows):
            amount = from_minor(entry.amount_minor, currency)
            sign = "−" if amount < 0 else "+"
            cells = (
                entry.occurred_on.isoformat(),
                ENTRY_LABELS.get(entry.kind, entry.kind),
                f"{sign}{format_money(abs(amount), currency)}",
                format_money(from_minor(balance, currency), currency),
                entry.note,
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, (entry.id, entry.kind))
                if column in (2, 3):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if column == NOTE and text:
                    item.setToolTip(text)
                self.table.setItem(row, column, item)
        # Tall enough for every entry (up to eight): the panel scrolls, the table inside it need not.
        shown = min(max(len(rows), 1), SHOWN_ROWS)
        rows_height = self.table.verticalHeader().defaultSectionSize() * shown
        self.table.setFixedHeight(self.table.horizontalHeader().sizeHint().height() + rows_height + 4)
        self.table.setVerticalScrollBarPolicy(
            Qt.ScrollBarPolicy.ScrollBarAsNeeded if len(rows) > shown else Qt.ScrollBarPolicy.ScrollBarAlwaysOff
        )
        self._selection_changed()

    def chosen_entry(self) -> int | None:
        """The id of the spend or refund chosen in the history (None: nothing, or the issue, is chosen)."""
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        item = self.table.item(rows[0].row(), 0)
        if item is None:
            return None
        entry_id, kind = item.data(Qt.ItemDataRole.UserRole)
        return int(entry_id) if kind in CORRECTABLE else None

    def choose_entry(self, entry_id: int) -> bool:
        """Select an entry's row (False when it is not shown)."""
        for row in range(self.table.rowCount()):
            item = self.table.item(row, 0)
            if item is not None and item.data(Qt.ItemDataRole.UserRole)[0] == entry_id:
                self.table.selectRow(row)
                return True
        return False

    def _selection_changed(self) -> None:
        chosen = self.chosen_entry() is not None
        for control in (self.correct_action, self.remove_action, self.correct_button, self.remove_button):
            control.setEnabled(chosen)

    def context_menu_at(self, point: QPoint) -> QMenu | None:
        """Choose the row at `point` (in the table's viewport) and return its menu; None for the amount received."""
        index = self.table.indexAt(point)
        if not index.isValid():
            return None
        self.table.selectRow(index.row())
        if self.chosen_entry() is None:
            return None
        menu = QMenu(self)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.addAction(self.correct_action)
        menu.addAction(self.remove_action)
        return menu

    def _context_menu(self, point: QPoint) -> None:
        menu = self.context_menu_at(point)
        if menu is not None:
            menu.popup(self.table.viewport().mapToGlobal(point))

    def rows(self) -> list[tuple[str, ...]]:
        """The history as shown, newest first (for tests and screen readers)."""
        return [
            tuple(self._text(row, column) for column in range(len(COLUMNS))) for row in range(self.table.rowCount())
        ]

    def _text(self, row: int, column: int) -> str:
        item = self.table.item(row, column)  # every cell is filled by show_entries
        return item.text() if item is not None else ""
