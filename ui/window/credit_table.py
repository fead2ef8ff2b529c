"""The credit table: the model the view shows, which sorts and filters the listed credits itself.

Why no QSortFilterProxyModel: it asks Python once per row (filterAcceptsRow) or once per
comparison (data() under lessThan); at 100,000 credits that is ~40 ms per keystroke and
~8 s per header click. And even as a pass-through, a proxy doubles the Python calls of
every painted cell. So the view talks to this model directly; it sorts (`sort`, called
by the view's header) and filters (`set_search`, `set_status`, `set_source`) a whole
column at a time, with the indexes `ui.window.table_rows` keeps.
"""

from __future__ import annotations

from collections.abc import Sequence
from operator import itemgetter
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from ledger.storage.listing import (
    BALANCE,
    CURRENCY,
    DAYS_LEFT,
    EXPIRES,
    ID,
    MERCHANT,
    SOURCE,
    STATUS,
    TITLE,
    ListedCredit,
)
from ui.labels import MUTED, SOURCE_SHORT_LABELS, STATUS_LABELS, days_left_color, days_left_text
from ui.window.table_rows import (
    COL_BALANCE,
    COL_CURRENCY,
    COL_DAYS_LEFT,
    COL_EXPIRES,
    COL_MERCHANT,
    COL_SOURCE,
    COL_STATUS,
    COL_TITLE,
    COLUMNS,
    TableRows,
    key_function,
)

__all__ = [
    "COLUMNS",
    "COL_BALANCE",
    "COL_CURRENCY",
    "COL_DAYS_LEFT",
    "COL_EXPIRES",
    "COL_MERCHANT",
    "COL_SOURCE",
    "COL_STATUS",
    "COL_TITLE",
    "ID_ROLE",
    "RECORD_ROLE",
    "SORT_ROLE",
    "CreditTableModel",
]

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
RECORD_ROLE = Qt.ItemDataRole.UserRole + 2
ID_ROLE = Qt.ItemDataRole.UserRole + 3

_MUTED_STATUSES = frozenset({"expired", "used", "archived"})
_MUTED_FONT_STATUSES = frozenset({"expired"})
AnyIndex = QModelIndex | QPersistentModelIndex
# Looked up once: data() runs for every visible cell and role at each paint, and enum lookups add up.
_DISPLAY = Qt.ItemDataRole.DisplayRole
_FOREGROUND = Qt.ItemDataRole.ForegroundRole
_FONT = Qt.ItemDataRole.FontRole
_ALIGNMENT = Qt.ItemDataRole.TextAlignmentRole
_TOOLTIP = Qt.ItemDataRole.ToolTipRole
_RIGHT_ALIGNED = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


def _money(balance_minor: int, currency: str) -> str:
    # Imported here: the first amount is drawn after the window's first frame.
    from decimal import Decimal

    from ledger.money import decimals, format_money

    return format_money(Decimal(balance_minor).scaleb(-decimals(currency)), currency)


class CreditTableModel(QAbstractTableModel):
    """Listed credits (raw `ledger.storage.listing` tuples) as table rows; shows the rows that pass the filter."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._table = TableRows()
        self._rows = self._table.rows
        self._shown: list[int] = []
        self._search = ""
        self._status: str | None = None
        self._source: str | None = None
        self._sort: tuple[int, Qt.SortOrder] | None = None
        self._money_cache: dict[tuple[int, str], str] = {}
        self._muted_font = QFont()
        self._muted_font.setItalic(True)

    # --- Qt model interface -----------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802 (Qt's names)
        """Rows that pass the current filter."""
        return 0 if parent.isValid() else len(self._shown)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        """The fixed columns of COLUMNS."""
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        """Column titles; rows have no header."""
        horizontal = orientation == Qt.Orientation.Horizontal
        if horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(COLUMNS):
            return COLUMNS[section]
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Text, colours, the sort key, or the whole record of one cell."""
        if not index.isValid() or not 0 <= index.row() < len(self._shown):
            return None
        row = self._rows[self._shown[index.row()]]
        column = index.column()
        if role == _DISPLAY:
            return self._text(row, column)
        if role == _FOREGROUND:
            if column == COL_DAYS_LEFT and row[STATUS] == "expiring":
                return days_left_color(row[DAYS_LEFT], row[STATUS])
            return MUTED if row[STATUS] in _MUTED_STATUSES else None
        if role == _FONT:
            return self._muted_font if row[STATUS] in _MUTED_FONT_STATUSES else None
        if role == _ALIGNMENT:
            return _RIGHT_ALIGNED if column in (COL_BALANCE, COL_DAYS_LEFT) else None
        if role == _TOOLTIP and column == COL_TITLE:
            return row[TITLE] or None  # the whole title, however narrow the column
        if role == _TOOLTIP and column == COL_STATUS:
            what = row[TITLE] or SOURCE_SHORT_LABELS.get(row[SOURCE], "")
            return f"{STATUS_LABELS.get(row[STATUS], row[STATUS])}: {what}"
        if role == SORT_ROLE:
            return key_function(column)(row)
        if role == RECORD_ROLE:
            return ListedCredit(*row)
        if role == ID_ROLE:
            return row[ID]
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Order the shown rows by a column; equal keys stay in ledger order (as in Qt's own proxy)."""
        if not 0 <= column < len(COLUMNS):
            self._sort = None
            return
        if self._sort == (column, order):
            return  # the view asks twice per header click; the rows are already in this order
        self.layoutAboutToBeChanged.emit()
        before = self._capture_persistent()
        self._sort = (column, order)
        self._shown = self._selected()
        self._restore_persistent(before)
        self.layoutChanged.emit()

    # --- loading and refreshing -------------------------------------------------------------

    def set_rows(self, rows: list[tuple[Any, ...]]) -> None:
        """Replace every row (tuples in `ListedCredit` field order, kept in ledger order: by id)."""
        self.beginResetModel()
        self._table.replace(rows)
        self._rows = self._table.rows
        self._shown = self._selected()
        self.endResetModel()

    def put_row(self, row: ListedCredit | None, credit_id: int) -> None:
        """Add, replace or (with `row` None) drop one credit's row, then refilter."""
        if self._table.put(row, credit_id):
            self._rows = self._table.rows
            self._refilter()

    def all_rows(self) -> list[tuple[Any, ...]]:
        """Every loaded row, filtered or not (for the overview)."""
        return self._rows

    def widest_balance(self) -> str:
        """The balance text that needs the most room (the largest balance), so its column can fit it."""
        if not self._rows:
            return ""
        return self._text(max(self._rows, key=itemgetter(BALANCE)), COL_BALANCE)

    def is_filtered(self) -> bool:
        """Is a search, a status or a source filter narrowing the list?"""
        return bool(self._search) or self._status is not None or self._source is not None

    def hidden_archived_count(self) -> int:
        """Archived credits left out by "All" (they are put away on purpose)."""
        if self.is_filtered():
            return 0
        return len(self._rows) - len(self._shown)

    def total_count(self) -> int:
        """How many credits are loaded, filtered or not."""
        return len(self._rows)

    def row_of(self, credit_id: int) -> int:
        """The shown row of a credit, or -1 when it is filtered out or unknown."""
        position = self._table.position_of(credit_id)
        if position is None:
            return -1
        try:
            return self._shown.index(position)
        except ValueError:
            return -1

    # --- the view's seam: filters and ids ---------------------------------------------------

    def set_search(self, text: str) -> None:
        """Show credits whose title, merchant, reference, notes, categories or terms contain `text` (any case)."""
        self.set_filter(search=text)

    def set_status(self, status: str | None) -> None:
        """Show only one status (None: every credit except the archived ones)."""
        self.set_filter(status=status)

    def set_source(self, source: str | None) -> None:
        """Show only one source (None: every source)."""
        self.set_filter(source=source)

    def credit_id(self, row: int) -> int | None:
        """The id of the credit on a shown row."""
        if not 0 <= row < len(self._shown):
            return None
        return int(self._rows[self._shown[row]][ID])

    def ids(self, rows: Sequence[int]) -> list[int]:
        """The ids of several shown rows."""
        return [credit_id for credit_id in (self.credit_id(row) for row in rows) if credit_id is not None]

    # --- filtering --------------------------------------------------------------------------

    def set_filter(self, *, search: str | None = None, status: str | None = "", source: str | None = "") -> None:
        """Change any of the filters (an empty string leaves status or source as it is; None clears it)."""
        if search is not None:
            self._search = search.strip()
        if status != "":
            self._status = status
        if source != "":
            self._source = source
        self._refilter()

    def _refilter(self) -> None:
        self.beginResetModel()
        self._shown = self._selected()
        self.endResetModel()

    def _selected(self) -> list[int]:
        sort = None if self._sort is None else (self._sort[0], self._sort[1] == Qt.SortOrder.DescendingOrder)
        return self._table.select(self._search, self._status, self._source, sort)

    def _capture_persistent(self) -> list[tuple[QModelIndex, int, int]]:
        return [(index, self._shown[index.row()], index.column()) for index in self.persistentIndexList()]

    def _restore_persistent(self, before: list[tuple[QModelIndex, int, int]]) -> None:
        # Only a few indexes persist (the selection, the current cell): finding each is cheaper than a map of all.
        where: dict[int, int] = {}
        for _, position, _ in before:
            if position not in where:
                try:
                    where[position] = self._shown.index(position)
                except ValueError:
                    where[position] = -1
        old = [index for index, _, _ in before]
        new = [
            self.index(where[position], column) if where[position] >= 0 else QModelIndex()
            for _, position, column in before
        ]
        self.changePersistentIndexList(old, new)

    # --- display ----------------------------------------------------------------------------

    def _text(self, row: tuple[Any, ...], column: int) -> str:
        if column == COL_MERCHANT:
            return str(row[MERCHANT])
        if column == COL_TITLE:
            return str(row[TITLE])
        if column == COL_SOURCE:
            source: str = row[SOURCE]
            return SOURCE_SHORT_LABELS.get(source, source)
        if column == COL_BALANCE:
            key = (row[BALANCE], row[CURRENCY])
            text = self._money_cache.get(key)
            if text is None:
                text = self._money_cache[key] = _money(*key)
            return text
        if column == COL_CURRENCY:
            return str(row[CURRENCY])
        if column == COL_EXPIRES:
            return row[EXPIRES] or "—"
        if column == COL_DAYS_LEFT:
            return days_left_text(row[DAYS_LEFT])
        status: str = row[STATUS]
        return STATUS_LABELS.get(status, status)
