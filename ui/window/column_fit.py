"""The credit table's columns at any width: money is never cut, the title takes the slack, and when the
table is narrow the columns a reader needs least fold away (their values stay in the detail panel).

What must stay visible at 800 px: the title, balance, expiry date, days left and status.
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QHeaderView, QTableView

from ui.window.credit_table import (
    COL_BALANCE,
    COL_CURRENCY,
    COL_DAYS_LEFT,
    COL_EXPIRES,
    COL_MERCHANT,
    COL_SOURCE,
    COL_STATUS,
    COL_TITLE,
    COLUMNS,
    CreditTableModel,
)

DEFAULT_WIDTHS = {
    COL_MERCHANT: 80, COL_SOURCE: 104, COL_BALANCE: 88, COL_CURRENCY: 78,
    COL_EXPIRES: 90, COL_DAYS_LEFT: 76, COL_STATUS: 74,
}
# Folded first to last as the table narrows: the currency is in the balance's symbol, the merchant and
# source are in the detail panel.
FOLD_ORDER = (COL_CURRENCY, COL_MERCHANT, COL_SOURCE)
TITLE_MIN = 150
CELL_PADDING = 24


class FittedTableView(QTableView):
    """A table view that tells its `ColumnFit` when its visible area (the viewport) changes size.

    Not an event filter on `viewport()`: the first call of `viewport()` makes PySide6 build the Python
    type of every QWidget subclass (about 5 ms at start-up), and a filter there would see every paint
    and mouse move. QAbstractScrollArea calls `resizeEvent` for the viewport's resizes only.
    """

    def __init__(self) -> None:
        super().__init__()
        self.column_fit: ColumnFit | None = None
        self._viewport_width: int | None = None

    def viewport_width(self) -> int:
        """The visible area's width (before the first resize: the most it can be)."""
        if self._viewport_width is None:
            return self.maximumViewportSize().width()
        return self._viewport_width

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        """The viewport changed size: refit the columns."""
        super().resizeEvent(event)
        self._viewport_width = event.size().width()
        if self.column_fit is not None:
            self.column_fit.fit()


class ColumnFit(QObject):
    """Keeps the table's columns fitted to its width and the balance column wide enough for every balance."""

    def __init__(self, table: FittedTableView, model: CreditTableModel) -> None:
        super().__init__(table)
        self.table = table
        self.model = model
        self.header = table.horizontalHeader()
        self._widths = dict(DEFAULT_WIDTHS)
        self._fitting = False
        for column, width in DEFAULT_WIDTHS.items():
            table.setColumnWidth(column, width)
        self.apply_modes()
        self.header.sectionResized.connect(self._remember)
        table.column_fit = self

    def apply_modes(self) -> None:
        """The title stretches, the balance is sized by us; again after a saved header state is restored."""
        self.header.setStretchLastSection(False)
        for column in range(len(COLUMNS)):
            self.header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        self.header.setSectionResizeMode(COL_TITLE, QHeaderView.ResizeMode.Stretch)
        self.header.setSectionResizeMode(COL_BALANCE, QHeaderView.ResizeMode.Fixed)
        for column in range(len(COLUMNS)):
            size = self.header.sectionSize(column)
            if column != COL_TITLE and size > 0 and not self.header.isSectionHidden(column):
                self._widths[column] = size
        self.fit_money()

    def fit_money(self) -> None:
        """Widen the balance column to the widest balance loaded (after every load or change)."""
        text = self.model.widest_balance()
        needed = self.table.fontMetrics().horizontalAdvance(text) + CELL_PADDING if text else 0
        width = max(DEFAULT_WIDTHS[COL_BALANCE], needed)
        if width != self.header.sectionSize(COL_BALANCE):
            self.header.resizeSection(COL_BALANCE, width)
        self.fit()

    def fit(self) -> None:
        """Fold the least needed columns until the title has room (or nothing more can fold)."""
        if self._fitting:
            return
        available = self.table.viewport_width()
        others = {column: width for column, width in self._widths.items() if column != COL_TITLE}
        folded: set[int] = set()
        for column in FOLD_ORDER:
            if available - sum(width for key, width in others.items() if key not in folded) >= TITLE_MIN:
                break
            folded.add(column)
        self._fitting = True
        try:
            for column in FOLD_ORDER:
                if self.header.isSectionHidden(column) != (column in folded):
                    self.header.setSectionHidden(column, column in folded)
                    if column not in folded:
                        self.header.resizeSection(column, self._widths[column])
        finally:
            self._fitting = False

    def folded(self) -> list[int]:
        """The columns folded away at the current width."""
        return [column for column in FOLD_ORDER if self.header.isSectionHidden(column)]

    def _remember(self, column: int, _old: int, new: int) -> None:
        if column in self._widths and new > 0 and not self._fitting:
            self._widths[column] = new
            self.fit()
