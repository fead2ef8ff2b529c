"""The credit table: the model the view shows, which sorts and filters the listed credits itself.

Why no QSortFilterProxyModel: it asks Python once per row (filterAcceptsRow) or once per
comparison (data() under lessThan); at 100,000 credits that is ~40 ms per keystroke and
~8 s per header click. And even as a pass-through, a proxy doubles the Python calls of
every painted cell. So the view talks to this model directly; it sorts (`sort`, called
by the view's header) and filters (`set_search`, `set_status`, `set_source`) a whole
column at a time.

And why it keeps indexes: a header click or a keystroke must not cost a pass of Python
over every row once the data is known. The model remembers, until the rows change, the
order of the whole ledger by each column sorted so far, which rows hold each status and
each source, and the last searches; a filter then walks the smallest of those lists, and
a sorted view keeps the ledger's order of the rows that pass (as Qt's own proxy does,
equal keys stay in ledger order).
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Sequence
from decimal import Decimal
from itertools import islice
from operator import itemgetter, lt
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
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

# How many searches the model remembers (deleting letters finds the shorter searches' results there),
# and how many rows their results may hold in all: each row is a pointer (8 bytes) in a result.
SEARCHES_KEPT = 12
SEARCH_ROWS_KEPT = 1_000_000

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
RECORD_ROLE = Qt.ItemDataRole.UserRole + 2
ID_ROLE = Qt.ItemDataRole.UserRole + 3

_FIELD_OF_COLUMN = (MERCHANT, TITLE, SOURCE, BALANCE, CURRENCY, EXPIRES, DAYS_LEFT, STATUS)
_MUTED_STATUSES = frozenset({"expired", "used", "archived"})
# Balances of different currencies are compared at a common scale (4 decimals covers ISO 4217).
_SCALE = 4
_NO_EXPIRY = "9999-12-31"
_MUTED_FONT_STATUSES = frozenset({"expired"})


# Orders kept per model (the last columns sorted by): each is as long as the ledger (4 MB at 500,000 credits).
ORDERS_KEPT = 3


def _remember(kept: dict[tuple[int, bool], list[int]], key: tuple[int, bool], order: list[int]) -> None:
    kept[key] = order
    while len(kept) > ORDERS_KEPT:
        del kept[next(iter(kept))]


def _same(value: Any) -> Any:
    return value


def _folded(text: str) -> str:
    return text.casefold()


# How a column's values sort, where that is not the value itself (balances also need the currency).
_VALUE_KEYS: dict[int, Callable[[Any], Any]] = {
    COL_MERCHANT: _folded,
    COL_TITLE: _folded,
    COL_EXPIRES: lambda value: value or _NO_EXPIRY,
    COL_DAYS_LEFT: lambda value: 10**9 if value is None else value,
}
# Columns with few distinct values, ordered by laying out the rows of each value (no sort of every row).
_GROUPED_COLUMNS = frozenset({COL_MERCHANT, COL_SOURCE, COL_CURRENCY, COL_EXPIRES, COL_DAYS_LEFT, COL_STATUS})
AnyIndex = QModelIndex | QPersistentModelIndex
# Looked up once: data() runs for every visible cell and role at each paint, and enum lookups add up.
_DISPLAY = Qt.ItemDataRole.DisplayRole
_FOREGROUND = Qt.ItemDataRole.ForegroundRole
_FONT = Qt.ItemDataRole.FontRole
_ALIGNMENT = Qt.ItemDataRole.TextAlignmentRole
_TOOLTIP = Qt.ItemDataRole.ToolTipRole
_RIGHT_ALIGNED = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


def _money(balance_minor: int, currency: str) -> str:
    return format_money(Decimal(balance_minor).scaleb(-decimals(currency)), currency)


class CreditTableModel(QAbstractTableModel):
    """Listed credits (raw `ledger.storage.listing` tuples) as table rows; shows the rows that pass the filter."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[tuple[Any, ...]] = []
        self._shown: list[int] = []
        # Every row's position as one shared set of int objects: the many lists of positions below
        # (filters, orders, searches) then cost a pointer per row each, not a new int per row.
        self._positions: list[int] = []
        self._haystack: Haystack | None = None
        self._search = ""
        self._search_hits: dict[str, list[int]] = {}
        self._status: str | None = None
        self._source: str | None = None
        self._sort: tuple[int, Qt.SortOrder] | None = None
        # Worked out on first use and kept until the rows change (`_forget`).
        self._orders: dict[tuple[int, bool], list[int]] = {}
        self._groups: dict[int, dict[Any, list[int]]] = {}
        self._unarchived: list[int] | None = None
        self._sorted_unarchived: dict[tuple[int, bool], list[int]] = {}
        self._columns: dict[int, list[Any]] = {}
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
        if role == _TOOLTIP and column == COL_STATUS:
            what = row[TITLE] or SOURCE_SHORT_LABELS.get(row[SOURCE], "")
            return f"{STATUS_LABELS.get(row[STATUS], row[STATUS])}: {what}"
        if role == SORT_ROLE:
            return self._key_function(column)(row)
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
        ids = list(map(itemgetter(ID), rows))
        if not all(map(lt, ids, islice(ids, 1, None))):
            rows = sorted(rows, key=itemgetter(ID))
        self._rows = rows
        self._haystack = None
        self._forget()
        self._shown = self._selected()
        self.endResetModel()

    def put_row(self, row: ListedCredit | None, credit_id: int) -> None:
        """Add, replace or (with `row` None) drop one credit's row, then refilter."""
        position = self._position_of(credit_id)
        if row is None and position is None:
            return
        if row is None:
            assert position is not None
            del self._rows[position]
            if self._haystack is not None:
                del self._haystack.texts[position]
        elif position is None:
            # Into its place in ledger (id) order, so the rows stay sorted by id.
            at = bisect_left(self._rows, credit_id, key=itemgetter(ID))
            self._rows.insert(at, tuple(row))
            if self._haystack is not None:
                self._haystack.texts.insert(at, Haystack.of([tuple(row)]).texts[0])
        else:
            self._rows[position] = tuple(row)
            if self._haystack is not None:
                self._haystack.texts[position] = Haystack.of([tuple(row)]).texts[0]
        self._forget()
        self._refilter()

    def _position_of(self, credit_id: int) -> int | None:
        """Where a credit's row is in `_rows` (sorted by id, so found by bisection: no map of every id)."""
        at = bisect_left(self._rows, credit_id, key=itemgetter(ID))
        return at if at < len(self._rows) and self._rows[at][ID] == credit_id else None

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
        position = self._position_of(credit_id)
        if position is None:
            return -1
        try:
            return self._shown.index(position)
        except ValueError:
            return -1

    # --- the view's seam: filters and ids ---------------------------------------------------

    def set_search(self, text: str) -> None:
        """Show credits whose title, merchant, reference or notes contain `text` (any case)."""
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

    def _forget(self) -> None:
        """The rows changed: every remembered order, group and search result is stale."""
        self._positions = list(range(len(self._rows)))
        self._search_hits.clear()
        self._orders.clear()
        self._groups.clear()
        self._unarchived = None
        self._sorted_unarchived.clear()
        self._columns.clear()

    def _selected(self) -> list[int]:
        rows = self._rows
        status, source = self._status, self._source
        statuses = self._column(STATUS)
        # "All" leaves archived credits out: they are put away on purpose.
        passed = self._unarchived_rows() if status is None else self._group(STATUS).get(status, [])
        if source is not None:
            with_source = self._group(SOURCE).get(source, [])
            if len(with_source) >= len(passed):
                sources = self._column(SOURCE)
                passed = [i for i in passed if sources[i] == source]
            elif status is None:
                passed = [i for i in with_source if statuses[i] != "archived"]
            else:
                passed = [i for i in with_source if statuses[i] == status]
        if self._search:
            folded = self._search.casefold()
            if len(passed) * 4 < len(rows):
                # Few rows pass the other filters: look through those only.
                passed = self._haystack_of_rows().matching(folded, passed)
            else:
                # Walk the search's hits (narrowed as the user types) and keep those the other filters pass.
                hits = self._search_matches(folded)
                if status is None:
                    hits = [i for i in hits if statuses[i] != "archived"]
                else:
                    hits = [i for i in hits if statuses[i] == status]
                if source is not None:
                    sources = self._column(SOURCE)
                    hits = [i for i in hits if sources[i] == source]
                passed = hits
        return self._sorted(passed)

    def _column(self, field: int) -> list[Any]:
        """One field of every row, as a list (cheaper to test in a loop than a field of a row)."""
        column = self._columns.get(field)
        if column is None:
            column = self._columns[field] = [row[field] for row in self._rows]
        return column

    def _group(self, field: int) -> dict[Any, list[int]]:
        """The rows holding each value of a field, in ledger order."""
        groups = self._groups.get(field)
        if groups is None:
            found: defaultdict[Any, list[int]] = defaultdict(list)
            for i, value in zip(self._positions, self._column(field), strict=True):
                found[value].append(i)
            groups = self._groups[field] = dict(found)
        return groups

    def _unarchived_rows(self) -> list[int]:
        if self._unarchived is None:
            statuses = self._column(STATUS)
            self._unarchived = [i for i in self._positions if statuses[i] != "archived"]
        return self._unarchived

    def _haystack_of_rows(self) -> Haystack:
        if self._haystack is None:
            self._haystack = Haystack.of(self._rows)
        return self._haystack

    def _search_matches(self, folded: str) -> list[int]:
        """Every row whose text holds `folded`, remembered for the last few searches (typing and deleting)."""
        hits = self._search_hits.get(folded)
        if hits is not None:
            return hits
        # Typing one more letter can only narrow a result: search the smallest earlier result it narrows.
        earlier = [found for needle, found in self._search_hits.items() if needle in folded]
        within = min(earlier, key=len) if earlier else self._positions
        hits = self._haystack_of_rows().matching(folded, within)
        self._search_hits[folded] = hits
        kept = self._search_hits
        while len(kept) > SEARCHES_KEPT or (len(kept) > 1 and sum(map(len, kept.values())) > SEARCH_ROWS_KEPT):
            del kept[next(iter(kept))]
        return hits

    # --- sorting ----------------------------------------------------------------------------

    def _sorted(self, positions: list[int]) -> list[int]:
        """The rows in the current sort order (ledger order when unsorted; ties in ledger order)."""
        if self._sort is None:
            return positions
        column, order = self._sort
        descending = order == Qt.SortOrder.DescendingOrder
        rows = self._rows
        if len(positions) * 8 < len(rows):
            # A few rows: sorting them is cheaper than walking the whole ledger's order.
            key = self._key_function(column)
            return sorted(positions, key=lambda i: key(rows[i]), reverse=descending)
        every = positions is self._unarchived
        if every and (column, descending) in self._sorted_unarchived:
            return self._sorted_unarchived[(column, descending)]
        whole = self._order(column, descending)
        if len(positions) == len(whole):
            found = list(whole)
        else:
            wanted = bytearray(len(rows))
            for i in positions:
                wanted[i] = 1
            found = [i for i in whole if wanted[i]]
        if every:
            _remember(self._sorted_unarchived, (column, descending), found)
        return found

    def _order(self, column: int, descending: bool) -> list[int]:
        """Every row's position, ordered by a column; ties in ledger order, whichever the direction."""
        found = self._orders.get((column, descending))
        if found is not None:
            return found
        field = _FIELD_OF_COLUMN[column]
        if column in _GROUPED_COLUMNS:
            # Few distinct values: order the values, then lay out the rows holding each (already in ledger order).
            groups = self._group(field)
            value_key = _VALUE_KEYS.get(column, _same)
            by_key: defaultdict[Any, list[Any]] = defaultdict(list)
            for value in groups:
                by_key[value_key(value)].append(value)
            found = []
            for key in sorted(by_key, reverse=descending):
                values = by_key[key]
                # Values equal as keys ("Amazon" and "amazon") share a place: their rows in ledger order.
                found.extend(groups[values[0]] if len(values) == 1 else sorted(i for v in values for i in groups[v]))
        else:
            keys = list(map(self._key_function(column), self._rows))
            found = sorted(self._positions, key=keys.__getitem__, reverse=descending)
        _remember(self._orders, (column, descending), found)
        return found

    def _key_function(self, column: int) -> Callable[[tuple[Any, ...]], Any]:
        """A row's sort key for a column (what SORT_ROLE gives, and what sorting compares)."""
        field = _FIELD_OF_COLUMN[column]
        if column in _VALUE_KEYS:
            value_key = _VALUE_KEYS[column]
            return lambda row: value_key(row[field])
        if column == COL_BALANCE:
            # Balances of different currencies compare at a common scale (1200 JPY above 20.00 USD).
            scales: dict[str, int] = {}

            def balance(row: tuple[Any, ...]) -> Any:
                currency = row[CURRENCY]
                scale = scales.get(currency)
                if scale is None:
                    scale = scales[currency] = 10 ** (_SCALE - decimals(currency))
                return row[BALANCE] * scale

            return balance
        return itemgetter(field)

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
