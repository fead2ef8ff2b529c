"""Credits in and out as CSV (DESIGN.md "Files"): all-or-nothing import, spreadsheet-safe export.

An import reads and checks every row before it writes anything; the first bad row is named by
line and column. An export never lets a cell run as a formula in a spreadsheet.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from typing import NamedTuple, TextIO

from ledger.errors import LedgerError
from ledger.files.bulk import (
    ImportReport,
    backup_before_import,
    categories_from_text,
    collector_paused,
    credit_row,
    insert_rows,
    new_uids,
    next_credit_id,
    timestamp_text,
)
from ledger.money import from_minor, plain_decimal, to_minor
from ledger.storage.store import Ledger
from ledger.validation import PLAIN_CHECKS, CheckedCredit, CreditFieldError, check_credit_fields, parse_day
from ledger.vocab import EntryKind, plain_lower

CSV_COLUMNS = (
    "merchant",
    "region",
    "source",
    "title",
    "currency",
    "amount",
    "balance",
    "received_on",
    "expires_on",
    "reference",
    "categories",
    "terms",
)
REQUIRED_COLUMNS = ("source", "currency", "amount")
MAX_ROWS = 250_000  # below 1,000,000: rows get creation moments a microsecond apart within one second
CATEGORY_SEPARATOR = ";"
# What makes a spreadsheet read a cell as a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BALANCE_NOTE = "balance at import"
ISSUE = EntryKind.ISSUE.value
SPEND = EntryKind.SPEND.value

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class CsvProblem:
    """One thing wrong with a file: where (line, column when known) and what."""

    line: int
    column: str | None
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.message}"


class CsvImportError(LedgerError):
    """A CSV file refused; nothing was written. `problem` says where and what."""

    def __init__(self, problem: CsvProblem) -> None:
        super().__init__(str(problem))
        self.problem = problem


class CsvRow(NamedTuple):
    """One checked row: the credit and how much of it was already spent."""

    line: int
    credit: CheckedCredit
    spent_minor: int


@dataclass
class CsvPlan:
    """A read file: the good rows and, when reading on past errors, every problem found."""

    rows: list[CsvRow] = field(default_factory=list)
    problems: list[CsvProblem] = field(default_factory=list)


def _refuse(line: int, message: str, column: str | None = None) -> CsvImportError:
    return CsvImportError(CsvProblem(line, column, message))


def decode_csv(data: bytes) -> str:
    """The text of a CSV file: UTF-8 with or without a byte-order mark; anything else is refused clearly."""
    if not data.strip(b" \t\r\n\xef\xbb\xbf"):
        raise _refuse(1, "the file is empty: a CSV file needs a header row and one row per credit")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_like_utf16(data):
        raise _refuse(1, 'the file is UTF-16 text; save it as UTF-8 ("CSV UTF-8" in spreadsheet programs)')
    nul = data.find(b"\x00")
    if nul >= 0:
        raise _refuse(data.count(b"\n", 0, nul) + 1, "the file holds binary data (a NUL byte), it is not a CSV file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        byte = data[error.start]
        raise _refuse(
            line, f"byte 0x{byte:02X} is not UTF-8 text; save the file as UTF-8 (it may be Latin-1 or Windows-1252)"
        ) from None


def _looks_like_utf16(data: bytes) -> bool:
    sample = data[:200]
    return len(sample) >= 4 and (sample[1::2].count(0) > len(sample) // 4 or sample[0::2].count(0) > len(sample) // 4)


def _records(text: str, header: list[str]) -> Iterator[tuple[int, list[str]]]:
    """Each CSV record with the line it starts on (a quoted field may span lines).

    `header` is filled in by the caller once the first record is read, to name a column in errors.
    """
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    start = 1
    try:
        for record in reader:
            yield start, record
            start = reader.line_num + 1
    except csv.Error as error:
        if "field larger than field limit" in str(error):
            limit = csv.field_size_limit()
            index = _long_cell(text, start, limit)
            column = None
            if index is not None:
                column = header[index].strip() if index < len(header) and header[index].strip() else str(index + 1)
            raise _refuse(
                start, f"a cell is longer than {limit:,} characters, the most a CSV cell may hold", column
            ) from None
        raise _refuse(reader.line_num, f"the file is not valid CSV ({error})") from None


def _long_cell(text: str, line: int, limit: int) -> int | None:
    """The index of the first cell longer than `limit` in the record starting on `line` (None if not found)."""
    lines = io.StringIO(text, newline="")
    for _ in range(line - 1):
        lines.readline()
    rest = lines.read()
    column = length = 0
    quoted = False
    position = 0
    while position < len(rest):
        char = rest[position]
        if quoted:
            if char == '"' and rest[position + 1 : position + 2] == '"':
                position += 1
                length += 1
            elif char == '"':
                quoted = False
            else:
                length += 1
        elif char == '"':
            quoted = True
        elif char == ",":
            column, length = column + 1, 0
        elif char in "\r\n":
            return None
        else:
            length += 1
        if length > limit:
            return column
        position += 1
    return None


def _header(names: list[str]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, raw in enumerate(names):
        name = plain_lower(raw.strip())
        if not name:
            continue
        if name not in CSV_COLUMNS:
            raise _refuse(1, f"unknown column {raw.strip()!r}; the columns are: {', '.join(CSV_COLUMNS)}")
        if name in columns:
            raise _refuse(1, f"column {name!r} appears twice")
        columns[name] = index
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        raise _refuse(
            1,
            f"missing required column{'s' if len(missing) > 1 else ''} {', '.join(missing)}: "
            f"every file needs {', '.join(REQUIRED_COLUMNS)}",
        )
    return columns


def _date(text: str, column: str) -> date | None:
    if not text:
        return None
    try:
        return parse_day(text)
    except LedgerError as error:
        raise CreditFieldError(column, str(error)) from None


def _restore_neutralised(text: str) -> str:
    # An export prefixes formula-like text with an apostrophe; importing it back takes that off again.
    return text[1:] if text[:1] == "'" and text[1:2] in FORMULA_STARTS and text[1:2] != "" else text


def _spent(text: str, amount_minor: int, currency: str) -> int:
    """Minor units already spent, from the `balance` column (empty: nothing spent)."""
    if not text:
        return 0
    balance = plain_decimal(text)
    if balance is None:
        raise CreditFieldError("balance", f"{text!r} is not an amount: write it like 12.50")
    if balance < 0:
        raise CreditFieldError("balance", f"the balance cannot be negative, not {text}")
    try:
        balance_minor = to_minor(balance, currency)
    except LedgerError as error:
        raise CreditFieldError("balance", str(error)) from None
    if balance_minor > amount_minor:
        raise CreditFieldError(
            "balance", f"the balance {text} is more than the amount {from_minor(amount_minor, currency)}"
        )
    return amount_minor - balance_minor


class _RowReader:
    """Turns a row's cells into a checked credit; remembers checks of repeated values across rows."""

    def __init__(self, columns: dict[str, int], today: date) -> None:
        self.today = today
        self.checks = PLAIN_CHECKS.remembering()
        self.date = cache(_date)
        self.spent = cache(_spent)
        # Where each CSV_COLUMNS cell is in a row; an absent optional column points at an empty cell.
        self.where = [columns.get(name, -1) for name in CSV_COLUMNS]

    def credit(self, values: list[str]) -> tuple[CheckedCredit, int]:
        values.append("")  # index -1: the cell of every absent column
        cells = [values[index].strip() for index in self.where]
        if "'" in "".join(cells) and any(cell[:1] == "'" for cell in cells):
            cells = [_restore_neutralised(cell) for cell in cells]
        merchant, region, source, title, currency, amount, balance, received, expires, reference, cats, terms = cells
        for required, cell in (("source", source), ("currency", currency), ("amount", amount)):
            if not cell:
                raise CreditFieldError(required, f"the {required} is required")
        credit = check_credit_fields(
            source=plain_lower(source).replace(" ", "_").replace("-", "_"),
            currency=currency,
            amount=amount,
            merchant=merchant or "Amazon",
            region=region or "US",
            title=title,
            received_on=self.date(received, "received_on"),
            expires_on=self.date(expires, "expires_on"),
            reference=reference,
            categories=tuple(cats.split(CATEGORY_SEPARATOR)),
            terms=terms,
            terms_url="",
            claim_code="",
            notes="",
            today=self.today,
            checks=self.checks,
        )
        return credit, self.spent(balance, credit.amount_minor, credit.currency)


def read_csv(data: bytes, today: date, *, all_problems: bool = False, progress: Progress | None = None) -> CsvPlan:
    """Check a CSV file's bytes. Raises CsvImportError at the first problem, unless `all_problems` collects them.

    Problems with the file as a whole (encoding, header, size) are always raised.
    """
    header: list[str] = []
    records = _records(decode_csv(data), header)
    first = next(records, None)
    if first is None:
        raise _refuse(1, "the file is empty: a CSV file needs a header row and one row per credit")
    header.extend(first[1])
    width = len(first[1])
    reader = _RowReader(_header(first[1]), today)
    plan = CsvPlan()
    total = max(data.count(b"\n"), 1)
    for count, (line, values) in enumerate(records, start=1):
        if count > MAX_ROWS:
            raise _refuse(line, f"the file has more than {MAX_ROWS:,} credits; split it into smaller files")
        if progress is not None and count % 5000 == 0:
            progress(line, total)
        if not "".join(values).strip():
            continue  # spreadsheets leave blank rows at the end
        try:
            if len(values) != width:
                raise LedgerError(f"{len(values)} values, but the header has {width} columns")
            credit, spent = reader.credit(values)
        except LedgerError as error:
            problem = CsvProblem(line, getattr(error, "field", None), str(error))
            if not all_problems:
                raise CsvImportError(problem) from None
            plan.problems.append(problem)
            continue
        plan.rows.append(CsvRow(line, credit, spent))
    if not plan.rows and not plan.problems:
        raise _refuse(1, "the file has a header row but no credits")
    if progress is not None:
        progress(total, total)
    return plan


def _spend_day(credit: CheckedCredit, today: date) -> date:
    # A spend recorded at import is dated today, but never before receipt nor after expiry.
    day = min(today, credit.expires_on) if credit.expires_on is not None else today
    return max(day, credit.received_on)


def write_plan(ledger: Ledger, plan: CsvPlan, now: datetime) -> ImportReport:
    """Write checked rows in one transaction (after a backup); refuses a plan that has problems."""
    if plan.problems:
        raise CsvImportError(plan.problems[0])
    backup = backup_before_import(ledger, now)
    today = now.date()
    spends = 0
    # Each credit gets its own creation moment, a microsecond apart, so they sort in file order.
    # Their identity is the random uid, never the moment: two imports in one second must not collide.
    head, _, tail = timestamp_text(now.replace(microsecond=0)).partition(".")
    zone = tail[6:]
    uids = new_uids(len(plan.rows))
    with ledger.transaction() as connection:
        first_id = next_credit_id(connection)
        credits = []
        entries = []
        for offset, row in enumerate(plan.rows):
            credit_id = first_id + offset
            created = f"{head}.{offset:06d}{zone}"
            credit = row.credit
            credits.append(credit_row(credit, credit_id, uids[offset], created, created))
            entries.append((credit_id, ISSUE, credit.amount_minor, credits[-1][8], "", created))
            if row.spent_minor:
                day = _spend_day(credit, today).isoformat()
                entries.append((credit_id, SPEND, -row.spent_minor, day, BALANCE_NOTE, created))
                spends += 1
        insert_rows(connection, credits=credits, entries=entries)
    return ImportReport(format="csv", added=len(plan.rows), spends=spends, backup=backup)


def import_csv(ledger: Ledger, data: bytes, now: datetime, *, dry_run: bool = False) -> ImportReport:
    """Import a CSV file's bytes all or nothing; a dry run checks everything and writes nothing."""
    with collector_paused():
        plan = read_csv(data, now.date())
        if dry_run:
            spends = sum(1 for row in plan.rows if row.spent_minor)
            return ImportReport(format="csv", added=len(plan.rows), spends=spends, dry_run=True)
        return write_plan(ledger, plan, now)


def neutralise(value: str) -> str:
    """A cell a spreadsheet will show as text: formula-like text that is not a number gets a leading `'`."""
    if value[:1] in FORMULA_STARTS and value[:1] != "" and not _is_number(value):
        return "'" + value
    return value


def _is_number(text: str) -> bool:
    # Plain ASCII numbers only: "-١" or "-1_0" would start a formula, so they get the apostrophe (imports take it off).
    return plain_decimal(text) is not None


def export_csv(ledger: Ledger, out: TextIO) -> int:
    """Write every credit as one CSV row (balance as of now); returns how many were written."""
    with ledger.query() as connection:
        rows = connection.execute(
            "SELECT c.merchant, c.region, c.source, c.title, c.currency, c.amount_minor, COALESCE(b.total, 0),"
            " c.received_on, c.expires_on, c.reference, c.categories, c.terms FROM credit c"
            " LEFT JOIN (SELECT credit_id, SUM(amount_minor) AS total FROM entry GROUP BY credit_id) b"
            " ON b.credit_id = c.id ORDER BY c.id"
        ).fetchall()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for merchant, region, source, title, currency, amount, balance, received, expires, ref, cats, terms in rows:
        categories = CATEGORY_SEPARATOR.join(categories_from_text(cats))
        writer.writerow(
            [
                neutralise(merchant),
                neutralise(region),
                source,
                neutralise(title),
                currency,
                str(from_minor(amount, currency)),
                str(from_minor(balance, currency)),
                received,
                expires or "",
                neutralise(ref),
                neutralise(categories),
                neutralise(terms),
            ]
        )
    return len(rows)
