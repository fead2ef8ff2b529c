"""Credits in and out as CSV (DESIGN.md "Files"): all-or-nothing import, spreadsheet-safe export.

An import reads and checks every row before it writes anything; the first bad row is named by
line and column. An export never lets a cell run as a formula in a spreadsheet.
"""

from __future__ import annotations

import csv
import io
import re
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
from ledger.money import from_minor, known_currencies, plain_decimal, to_minor
from ledger.storage.store import Ledger
from ledger.validation import (
    PLAIN_CHECKS,
    CheckedCredit,
    CreditFieldError,
    CreditFieldErrors,
    FieldProblems,
    check_credit_fields,
    parse_day,
    source_in_words,
    source_refusal,
)
from ledger.vocab import EntryKind, Source, plain_lower, plain_upper

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
# What separates the cells: spreadsheets set to a language that writes 1,50 save with semicolons.
DELIMITERS = ",;\t"
# An amount with a currency's mark before or after it: "$25.00", "25.00 €", "USD 5" (the number is checked later).
_MARKED_AMOUNT = re.compile(r"(?P<before>[^0-9]*?)\s*(?P<number>[+-]?[0-9.]+)\s*(?P<after>[^0-9]*)")
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


@dataclass(frozen=True)
class BadRow:
    """A row refused, as written (its cells by column name), with every problem found in it."""

    line: int
    cells: dict[str, str]
    problems: list[CsvProblem]


@dataclass
class CsvPlan:
    """A read file: the good rows and, when reading on past errors, the bad rows and every problem found."""

    rows: list[CsvRow] = field(default_factory=list)
    problems: list[CsvProblem] = field(default_factory=list)
    bad_rows: list[BadRow] = field(default_factory=list)


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


def delimiter(text: str) -> str:
    """What separates the cells (comma, semicolon or tab), found in the header row.

    Only the header is sniffed: its cells are column names, while a row's text may hold any of the three
    (categories are separated by semicolons). A header with none of them is read as comma-separated.
    """
    header = text.lstrip("\ufeff").split("\n", 1)[0]
    try:
        return csv.Sniffer().sniff(header, delimiters=DELIMITERS).delimiter
    except csv.Error:
        return ","


def _records(text: str, header: list[str], separator: str) -> Iterator[tuple[int, list[str]]]:
    """Each CSV record with the line it starts on (a quoted field may span lines).

    `header` is filled in by the caller once the first record is read, to name a column in errors.
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, strict=True)
    start = 1
    try:
        for record in reader:
            yield start, record
            start = reader.line_num + 1
    except csv.Error as error:
        if "field larger than field limit" in str(error):
            limit = csv.field_size_limit()
            index = _long_cell(text, start, limit, separator)
            column = None
            if index is not None:
                column = header[index].strip() if index < len(header) and header[index].strip() else str(index + 1)
            raise _refuse(
                start, f"a cell is longer than {limit:,} characters, the most a CSV cell may hold", column
            ) from None
        raise _refuse(reader.line_num, f"the file is not valid CSV ({error})") from None


def _long_cell(text: str, line: int, limit: int, separator: str = ",") -> int | None:
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
        elif char == separator:
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


@cache
def currency_marks(currency: str) -> frozenset[str]:
    """How amounts in a currency may be marked: its code and its symbols, in English and in the languages of
    the countries that pay with it ("$", "CA$" and "CAD" for Canadian dollars; "¥" and "￥" for yen)."""
    from babel.core import Locale, UnknownLocaleError, get_global
    from babel.numbers import get_currency_symbol

    marks = {currency, get_currency_symbol(currency, "en")}
    languages = get_global("territory_languages")
    for territory, history in get_global("territory_currencies").items():
        if not any(code == currency and tender and end is None for code, _start, end, tender in history):
            continue
        for language, about in languages.get(territory, {}).items():
            if about.get("official_status") in ("official", "de_facto_official"):
                try:
                    marks.add(get_currency_symbol(currency, Locale.parse(f"{language}_{territory}")))
                except (UnknownLocaleError, ValueError):
                    continue  # a language CLDR has no number data for in that country
    return frozenset(marks)


@cache
def _mark_owners() -> dict[str, str]:
    """The currency each code and English symbol stands for ("$" is USD, "€" EUR), to say what a mark is."""
    from babel.numbers import get_currency_symbol

    owners = {code: code for code in known_currencies()}
    for code in sorted(known_currencies()):
        owners.setdefault(get_currency_symbol(code, "en"), code)
    return owners


def _amount_text(text: str, currency: str, column: str) -> str:
    """The number of an amount cell that carries its currency's mark ("$25.00", "25.00 €", "USD 5"); any other
    cell comes back as it is, for the amount check to judge. A mark of another currency is refused."""
    if not text or (text[0] in "0123456789." and text[-1] in "0123456789."):
        return text
    found = _MARKED_AMOUNT.fullmatch(text)
    code = plain_upper(currency.strip())
    if found is None or code not in known_currencies():
        return text  # not a marked number, or a currency that is itself refused
    before, after = found["before"].strip(), found["after"].strip()
    if bool(before) == bool(after):
        return text  # a plain signed number ("-5"), or marks on both sides
    mark = before or after
    if mark in currency_marks(code) or plain_upper(mark) == code:
        return found["number"]
    owner = _mark_owners().get(mark) or _mark_owners().get(plain_upper(mark))
    if owner is None:
        return text
    shown = owner if owner == plain_upper(mark) else f"{owner} ({mark})"
    raise CreditFieldError(
        column,
        f"{text!r:.40} is written in {shown}, but this row's currency is {code}: "
        f"write the amount in {code}, or change the row's currency",
    )


def _spent(text: str, amount_minor: int, currency: str) -> int:
    """Minor units already spent, from the `balance` column (empty: nothing spent)."""
    if not text:
        return 0
    balance = plain_decimal(_amount_text(text, currency, "balance"))
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


def _source(text: str) -> str:
    """The source a cell names in the vocabulary or in everyday words ("Gift card", "promo")."""
    source = source_in_words(text)
    if source not in _SOURCES:
        raise CreditFieldError("source", source_refusal(text))
    return source


_SOURCES = frozenset(member.value for member in Source)


class _RowReader:
    """Turns a row's cells into a checked credit; remembers checks of repeated values across rows."""

    def __init__(self, columns: dict[str, int], today: date) -> None:
        self.today = today
        self.checks = PLAIN_CHECKS.remembering()
        self.date = cache(_date)
        self.spent = cache(_spent)
        self.amount = cache(_amount_text)
        self.source = cache(_source)
        self.columns = columns
        # Where each CSV_COLUMNS cell is in a row; an absent optional column points at an empty cell.
        self.where = [columns.get(name, -1) for name in CSV_COLUMNS]

    def cells(self, values: list[str]) -> list[str]:
        """The row's cells in CSV_COLUMNS order, trimmed, with an export's formula guard taken off."""
        values = [*values, ""]  # index -1: the cell of every absent column
        cells = [values[index].strip() if index < len(values) else "" for index in self.where]
        if "'" in "".join(cells) and any(cell[:1] == "'" for cell in cells):
            cells = [_restore_neutralised(cell) for cell in cells]
        return cells

    def credit(self, values: list[str], every: bool = False) -> tuple[CheckedCredit, int]:
        """The row's credit and what was spent of it. Raises CreditFieldError for the first problem, or with
        `every` CreditFieldErrors for all of them, in the file's column order."""
        merchant, region, source, title, currency, amount, balance, received, expires, reference, cats, terms = (
            self.cells(values)
        )
        found = FieldProblems(every)
        for required, cell in (("source", source), ("currency", currency), ("amount", amount)):
            if not cell:
                found.report(CreditFieldError(required, f"the {required} is required"))
        credit = check_credit_fields(
            source=found.check("source", source, self.source, source) if source else source,
            currency=currency,
            amount=found.check("amount", amount, self.amount, amount, currency, "amount"),
            merchant=merchant or "Amazon",
            region=region or "US",
            title=title,
            received_on=found.check("received_on", None, self.date, received, "received_on"),
            expires_on=found.check("expires_on", None, self.date, expires, "expires_on"),
            reference=reference,
            categories=tuple(cats.split(CATEGORY_SEPARATOR)),
            terms=terms,
            terms_url="",
            claim_code="",
            notes="",
            today=self.today,
            checks=self.checks,
            problems=found,
        )
        spent = 0
        if not found.failed("currency", "amount"):
            spent = found.check("balance", 0, self.spent, balance, credit.amount_minor, credit.currency)
        if found.found:
            order = {name: self.columns.get(name, len(CSV_COLUMNS)) for name in CSV_COLUMNS}
            found.found.sort(key=lambda problem: order.get(problem.field, len(CSV_COLUMNS)))
            found.raise_found()
        return credit, spent

    def cells_by_name(self, values: list[str]) -> dict[str, str]:
        """The row as written, by column name (for showing a refused row)."""
        return dict(zip(CSV_COLUMNS, self.cells(values), strict=True))


def read_csv(data: bytes, today: date, *, all_problems: bool = False, progress: Progress | None = None) -> CsvPlan:
    """Check a CSV file's bytes. Raises CsvImportError at the first problem, unless `all_problems` collects them.

    Problems with the file as a whole (encoding, header, size) are always raised.
    """
    header: list[str] = []
    text = decode_csv(data)
    records = _records(text, header, delimiter(text))
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
            if not all_problems:
                raise CsvImportError(CsvProblem(line, getattr(error, "field", None), str(error))) from None
            problems = _every_problem(reader, values, error, line)
            plan.problems.extend(problems)
            plan.bad_rows.append(BadRow(line, reader.cells_by_name(values), problems))
            continue
        plan.rows.append(CsvRow(line, credit, spent))
    if not plan.rows and not plan.problems:
        raise _refuse(1, "the file has a header row but no credits")
    if progress is not None:
        progress(total, total)
    return plan


def _every_problem(reader: _RowReader, values: list[str], first: LedgerError, line: int) -> list[CsvProblem]:
    """Every problem of a refused row, read again cell by cell (only refused rows pay for this)."""
    if not isinstance(first, CreditFieldError):
        return [CsvProblem(line, None, str(first))]  # the row as a whole is wrong: its cells are not where they seem
    try:
        reader.credit(values, every=True)
    except CreditFieldErrors as errors:
        return [CsvProblem(line, problem.field, str(problem)) for problem in errors.problems]
    except CreditFieldError as error:
        return [CsvProblem(line, error.field, str(error))]
    return [CsvProblem(line, first.field, str(first))]


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
