"""The credit table's columns at any width: money is never cut, the title takes the slack, and when the
table is narrow the columns a reader needs least fold away (their values stay in the detail panel).

What must stay visible at 800 px: the title, balance, expiry date, days left and status. Narrower still (a
laptop at scale 2), the columns left shrink to their contents, so the title keeps its room.
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
# Narrower than 800 px (a laptop at scale 2), when even shrunk to their contents the columns leave the title
# less than this, the status and then the days left fold too: both are in the detail panel, the title is not.
LAST_FOLDS = (COL_STATUS, COL_DAYS_LEFT)
TITLE_FLOOR = 80
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
        """Fold the least needed columns until the title has room; if it still has not, shrink the columns left
        to their contents, unless the user chose their width, and at the last fold the status and days left too
        (and give all of it back once there is room again)."""
        if self._fitting:
            return
        available = self.table.viewport_width()
        widths = {column: width for column, width in self._widths.items() if column != COL_TITLE}

        def title_room() -> int:
            return available - sum(width for column, width in widths.items() if column not in folded)

        folded: set[int] = set()
        for column in FOLD_ORDER:
            if title_room() >= TITLE_MIN:
                break
            folded.add(column)
        if title_room() < TITLE_MIN:
            for column, width in widths.items():
                # A width the user chose is theirs: only columns at their first width shrink.
                if column != COL_BALANCE and width == DEFAULT_WIDTHS[column]:
                    widths[column] = min(width, self.content_width(column))
            for column in LAST_FOLDS:
                if title_room() >= TITLE_FLOOR:
                    break
                folded.add(column)
        self._fitting = True
        try:
            for column in (*FOLD_ORDER, *LAST_FOLDS):
                if self.header.isSectionHidden(column) != (column in folded):
                    self.header.setSectionHidden(column, column in folded)
            for column, width in widths.items():
                # The balance is always as wide as its money (`fit_money`).
                if column not in folded and column != COL_BALANCE and self.header.sectionSize(column) != width:
                    self.header.resizeSection(column, width)
        finally:
            self._fitting = False

    def content_width(self, column: int) -> int:
        """The width a column's heading and the rows in view need."""
        return max(self.header.sectionSizeFromContents(column).width(), self.table.sizeHintForColumn(column))

    def folded(self) -> list[int]:
        """The columns folded away at the current width."""
        return [column for column in (*FOLD_ORDER, *LAST_FOLDS) if self.header.isSectionHidden(column)]

    def _remember(self, column: int, _old: int, new: int) -> None:
        if column in self._widths and new > 0 and not self._fitting:
            self._widths[column] = new
            self.fit()
