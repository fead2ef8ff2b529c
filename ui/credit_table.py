"""The credit table: a model over the listed credits and the sort/filter proxy the view talks to.

Why the model itself filters and sorts: a QSortFilterProxyModel asks Python once per
row (filterAcceptsRow) or once per comparison (data() under lessThan). At 100,000
credits that is ~40 ms per keystroke and ~8 s per header click. So the proxy is the
view's seam (sort(), the filter setters, mapToSource) and hands the work to the model,
which does it a whole column at a time.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from operator import itemgetter
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QFont

from ledger.money import decimals, format_money
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
    Haystack,
    ListedCredit,
)
from ui.labels import MUTED, SOURCE_SHORT_LABELS, STATUS_LABELS, days_left_color, days_left_text

COLUMNS = ("Merchant", "Title", "Source", "Balance", "Currency", "Expires", "Days left", "Status")
(COL_MERCHANT, COL_TITLE, COL_SOURCE, COL_BALANCE, COL_CURRENCY, COL_EXPIRES, COL_DAYS_LEFT, COL_STATUS) = range(8)

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
RECORD_ROLE = Qt.ItemDataRole.UserRole + 2
ID_ROLE = Qt.ItemDataRole.UserRole + 3

_FIELD_OF_COLUMN = (MERCHANT, TITLE, SOURCE, BALANCE, CURRENCY, EXPIRES, DAYS_LEFT, STATUS)
_MUTED_STATUSES = frozenset({"expired", "used", "archived"})
# Balances of different currencies are compared at a common scale (4 decimals covers ISO 4217).
_SCALE = 4
_NO_EXPIRY = "9999-12-31"
_MUTED_FONT_STATUSES = frozenset({"expired"})
AnyIndex = QModelIndex | QPersistentModelIndex


def _money(balance_minor: int, currency: str) -> str:
    return format_money(Decimal(balance_minor).scaleb(-decimals(currency)), currency)


class CreditTableModel(QAbstractTableModel):
    """Listed credits (raw `ledger.storage.listing` tuples) as table rows; shows the rows that pass the filter."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[tuple[Any, ...]] = []
        self._shown: list[int] = []
        self._position: dict[int, int] = {}
        self._haystack: Haystack | None = None
        self._search = ""
        self._search_hits: tuple[str, list[int]] | None = None
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
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column)
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == COL_DAYS_LEFT and row[STATUS] == "expiring":
                return days_left_color(row[DAYS_LEFT], row[STATUS])
            return MUTED if row[STATUS] in _MUTED_STATUSES else None
        if role == Qt.ItemDataRole.FontRole:
            return self._muted_font if row[STATUS] in _MUTED_FONT_STATUSES else None
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (COL_BALANCE, COL_DAYS_LEFT):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and column == COL_STATUS:
            what = row[TITLE] or SOURCE_SHORT_LABELS.get(row[SOURCE], "")
            return f"{STATUS_LABELS.get(row[STATUS], row[STATUS])}: {what}"
        if role == SORT_ROLE:
            return self._sort_key(row, column)
        if role == RECORD_ROLE:
            return ListedCredit(*row)
        if role == ID_ROLE:
            return row[ID]
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Order the shown rows by a column (stable, so equal keys keep their earlier order)."""
        if not 0 <= column < len(COLUMNS):
            self._sort = None
            return
        self.layoutAboutToBeChanged.emit()
        before = self._capture_persistent()
        self._sort = (column, order)
        self._shown = self._sorted(self._shown)
        self._restore_persistent(before)
        self.layoutChanged.emit()

    # --- loading and refreshing -------------------------------------------------------------

    def set_rows(self, rows: list[tuple[Any, ...]]) -> None:
        """Replace every row (tuples in `ListedCredit` field order)."""
        self.beginResetModel()
        self._rows = rows
        self._position = {row[ID]: n for n, row in enumerate(rows)}
        self._haystack = None
        self._search_hits = None
        self._shown = self._selected()
        self.endResetModel()

    def put_row(self, row: ListedCredit | None, credit_id: int) -> None:
        """Add, replace or (with `row` None) drop one credit's row, then refilter."""
        position = self._position.get(credit_id)
        if row is None and position is None:
            return
        if row is None:
            assert position is not None
            del self._rows[position]
            self._position = {item[ID]: n for n, item in enumerate(self._rows)}
            if self._haystack is not None:
                del self._haystack.texts[position]
        elif position is None:
            self._rows.append(tuple(row))
            self._position[credit_id] = len(self._rows) - 1
            if self._haystack is not None:
                self._haystack.texts.extend(Haystack.of([tuple(row)]).texts)
        else:
            self._rows[position] = tuple(row)
            if self._haystack is not None:
                self._haystack.texts[position] = Haystack.of([tuple(row)]).texts[0]
        self._search_hits = None
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
        position = self._position.get(credit_id)
        if position is None:
            return -1
        try:
            return self._shown.index(position)
        except ValueError:
            return -1

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
        rows = self._rows
        candidates: list[int] | None = None
        if self._search:
            candidates = self._search_matches(self._search)
        if self._status is not None:
            status = self._status
            pool = range(len(rows)) if candidates is None else candidates
            candidates = [i for i in pool if rows[i][STATUS] == status]
        elif candidates is None:
            # "All" leaves archived credits out: they are put away on purpose.
            candidates = [i for i, row in enumerate(rows) if row[STATUS] != "archived"]
        else:
            candidates = [i for i in candidates if rows[i][STATUS] != "archived"]
        if self._source is not None:
            source = self._source
            candidates = [i for i in candidates if rows[i][SOURCE] == source]
        return self._sorted(candidates)

    def _search_matches(self, needle: str) -> list[int]:
        if self._haystack is None:
            self._haystack = Haystack.of(self._rows)
        folded = needle.casefold()
        within = None
        if self._search_hits is not None and self._search_hits[0] in folded:
            # Typing one more letter can only narrow the result: search the last hits only.
            within = self._search_hits[1]
        hits = self._haystack.matching(folded, within)
        self._search_hits = (folded, hits)
        return hits

    # --- sorting ----------------------------------------------------------------------------

    def _sorted(self, positions: list[int]) -> list[int]:
        if self._sort is None:
            return positions
        column, order = self._sort
        rows = self._rows
        key = self._sort_key
        return sorted(
            positions,
            key=lambda i: key(rows[i], column),
            reverse=order == Qt.SortOrder.DescendingOrder,
        )

    @staticmethod
    def _sort_key(row: tuple[Any, ...], column: int) -> Any:
        value = row[_FIELD_OF_COLUMN[column]]
        if column == COL_BALANCE:
            return value * 10 ** (_SCALE - decimals(row[CURRENCY]))
        if column == COL_DAYS_LEFT:
            return 10**9 if value is None else value
        if column == COL_EXPIRES:
            return value or _NO_EXPIRY
        if column in (COL_MERCHANT, COL_TITLE):
            return value.casefold()
        return value

    def _capture_persistent(self) -> list[tuple[QModelIndex, int, int]]:
        return [(index, self._shown[index.row()], index.column()) for index in self.persistentIndexList()]

    def _restore_persistent(self, before: list[tuple[QModelIndex, int, int]]) -> None:
        where = {position: n for n, position in enumerate(self._shown)}
        old = [index for index, _, _ in before]
        new = [
            self.index(where[position], column) if position in where else QModelIndex()
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


class CreditProxy(QSortFilterProxyModel):
    """The view's model: sorting and the search, status and source filters, done by the source model."""

    def __init__(self, source: CreditTableModel, parent: Any = None) -> None:
        super().__init__(parent)
        self.setSourceModel(source)
        self.setSortRole(SORT_ROLE)
        self.credits = source

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort in the source model, a column at a time (see the module docstring for why)."""
        self.credits.sort(column, order)

    def set_search(self, text: str) -> None:
        """Show credits whose title, merchant, reference or notes contain `text` (any case)."""
        self.credits.set_filter(search=text)

    def set_status(self, status: str | None) -> None:
        """Show only one status (None: every credit except the archived ones)."""
        self.credits.set_filter(status=status)

    def set_source(self, source: str | None) -> None:
        """Show only one source (None: every source)."""
        self.credits.set_filter(source=source)

    def credit_id(self, row: int) -> int | None:
        """The id of the credit on a shown row."""
        value = self.data(self.index(row, 0), ID_ROLE)
        return None if value is None else int(value)

    def ids(self, rows: Sequence[int]) -> list[int]:
        """The ids of several shown rows."""
        return [credit_id for credit_id in (self.credit_id(row) for row in rows) if credit_id is not None]
