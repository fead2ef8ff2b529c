"""The credit table's rows and what it remembers about them to sort and filter a whole column at a time.

Plain Python (no Qt): `ui.window.credit_table.CreditTableModel` shows what this selects.

A header click or a keystroke must not cost a pass of Python over every row once the data is
known. So, until the rows change, this remembers the order of the whole ledger by each column
sorted so far (few-valued columns are laid out by value, without sorting every row), which rows
hold each status and each source, and the last searches (deleting letters finds them again). A
filter then walks the shortest of those lists, and a sorted selection keeps the ledger's order of
the rows that pass: as in Qt's own proxy, equal keys stay in ledger (id) order, whichever the
direction.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable
from itertools import islice
from operator import itemgetter, lt
from typing import Any

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

COLUMNS = ("Merchant", "Title", "Source", "Balance", "Currency", "Expires", "Days left", "Status")
(COL_MERCHANT, COL_TITLE, COL_SOURCE, COL_BALANCE, COL_CURRENCY, COL_EXPIRES, COL_DAYS_LEFT, COL_STATUS) = range(8)
FIELD_OF_COLUMN = (MERCHANT, TITLE, SOURCE, BALANCE, CURRENCY, EXPIRES, DAYS_LEFT, STATUS)

# How many searches are remembered (deleting letters finds the shorter searches' results there), and
# how many rows their results may hold in all: each row is a pointer (8 bytes) in a result.
SEARCHES_KEPT = 12
SEARCH_ROWS_KEPT = 1_000_000
# Orders kept (the last columns sorted by): each is as long as the ledger (4 MB at 500,000 credits).
ORDERS_KEPT = 3

# Balances of different currencies are compared at a common scale (4 decimals covers ISO 4217).
_SCALE = 4
_NO_EXPIRY = "9999-12-31"


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


def key_function(column: int) -> Callable[[tuple[Any, ...]], Any]:
    """A row's sort key for a column (balances of different currencies at a common scale)."""
    field = FIELD_OF_COLUMN[column]
    if column in _VALUE_KEYS:
        value_key = _VALUE_KEYS[column]
        return lambda row: value_key(row[field])
    if column == COL_BALANCE:
        # 1200 JPY sorts above 20.00 USD.
        from ledger.money import decimals  # not needed for the window's first frame

        scales: dict[str, int] = {}

        def balance(row: tuple[Any, ...]) -> Any:
            currency = row[CURRENCY]
            scale = scales.get(currency)
            if scale is None:
                scale = scales[currency] = 10 ** (_SCALE - decimals(currency))
            return row[BALANCE] * scale

        return balance
    return itemgetter(field)


class TableRows:
    """The listed credits (raw `ledger.storage.listing` tuples, kept in id order) and their indexes."""

    def __init__(self) -> None:
        self.rows: list[tuple[Any, ...]] = []
        # Every row's position as one shared set of int objects: the many lists of positions below
        # (filters, orders, searches) then cost a pointer per row each, not a new int per row.
        self._positions: list[int] = []
        self._haystack: Haystack | None = None
        # Worked out on first use and kept until the rows change (`_forget`).
        self._search_hits: dict[str, list[int]] = {}
        self._orders: dict[tuple[int, bool], list[int]] = {}
        self._groups: dict[int, dict[Any, list[int]]] = {}
        self._unarchived: list[int] | None = None
        self._sorted_unarchived: dict[tuple[int, bool], list[int]] = {}
        self._columns: dict[int, list[Any]] = {}

    def replace(self, rows: list[tuple[Any, ...]]) -> None:
        """Take these rows (sorted by id here if they are not)."""
        ids = list(map(itemgetter(ID), rows))
        if not all(map(lt, ids, islice(ids, 1, None))):
            rows = sorted(rows, key=itemgetter(ID))
        self.rows = rows
        self._haystack = None
        self._forget()

    def put(self, row: ListedCredit | None, credit_id: int) -> bool:
        """Add, replace or (with `row` None) drop one credit's row; False when there was nothing to drop."""
        position = self.position_of(credit_id)
        if row is None and position is None:
            return False
        if row is None:
            assert position is not None
            del self.rows[position]
            if self._haystack is not None:
                del self._haystack.texts[position]
        elif position is None:
            # Into its place in id order, so the rows stay sorted by id.
            at = bisect_left(self.rows, credit_id, key=itemgetter(ID))
            self.rows.insert(at, tuple(row))
            if self._haystack is not None:
                self._haystack.texts.insert(at, Haystack.of([tuple(row)]).texts[0])
        else:
            self.rows[position] = tuple(row)
            if self._haystack is not None:
                self._haystack.texts[position] = Haystack.of([tuple(row)]).texts[0]
        self._forget()
        return True

    def position_of(self, credit_id: int) -> int | None:
        """Where a credit's row is (the rows are sorted by id, so found by bisection: no map of every id)."""
        at = bisect_left(self.rows, credit_id, key=itemgetter(ID))
        return at if at < len(self.rows) and self.rows[at][ID] == credit_id else None

    def select(self, search: str, status: str | None, source: str | None, sort: tuple[int, bool] | None) -> list[int]:
        """The positions of the rows that pass the filters, in the order asked for (column, descending).

        No status means every status but archived ("All" leaves archived credits out: they are put
        away on purpose); no sort means id order.
        """
        passed = self._filtered(search, status, source)
        return passed if sort is None else self._sorted(passed, *sort)

    def _forget(self) -> None:
        """The rows changed: every remembered order, group and search result is stale."""
        self._positions = list(range(len(self.rows)))
        self._search_hits.clear()
        self._orders.clear()
        self._groups.clear()
        self._unarchived = None
        self._sorted_unarchived.clear()
        self._columns.clear()

    def _filtered(self, search: str, status: str | None, source: str | None) -> list[int]:
        rows = self.rows
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
        if search:
            folded = search.casefold()
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
        return passed

    def _column(self, field: int) -> list[Any]:
        """One field of every row, as a list (cheaper to test in a loop than a field of a row)."""
        column = self._columns.get(field)
        if column is None:
            column = self._columns[field] = [row[field] for row in self.rows]
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
            self._haystack = Haystack.of(self.rows)
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

    def _sorted(self, positions: list[int], column: int, descending: bool) -> list[int]:
        """The rows ordered by a column; ties in ledger order."""
        rows = self.rows
        if len(positions) * 8 < len(rows):
            # A few rows: sorting them is cheaper than walking the whole ledger's order.
            key = key_function(column)
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
        field = FIELD_OF_COLUMN[column]
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
            keys = list(map(key_function(column), self.rows))
            found = sorted(self._positions, key=keys.__getitem__, reverse=descending)
        _remember(self._orders, (column, descending), found)
        return found
