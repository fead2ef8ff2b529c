"""CSV import and export: the DESIGN.md columns, all or nothing, hostile files, spreadsheet-safe cells."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sqlite3
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from ledger.errors import LedgerError
from ledger.files import csv_io
from ledger.files.bulk import MAX_IMPORT_BYTES, read_import_file
from ledger.files.csv_io import CSV_COLUMNS, CsvImportError, export_csv, import_csv, neutralise, read_csv
from ledger.storage.store import Ledger, NewCredit
from tests.conftest import CliResult, CliRunner, file_digest, in_time

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
TODAY = NOW.date()
HEADER = "source,currency,amount\n"


def ledger_rows(path: Path) -> list[tuple[object, ...]]:
    """Every row of every table, read afresh (the write-ahead log included)."""
    con = sqlite3.connect(path)
    try:
        tables = [row[0] for row in con.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        return [(table, *row) for table in tables for row in con.execute(f"SELECT * FROM {table}")]
    finally:
        con.close()


def import_text(ledger: Ledger, text: str | bytes) -> None:
    import_csv(ledger, text.encode() if isinstance(text, str) else text, NOW)


# --- what an import understands -------------------------------------------------------


def test_only_source_currency_and_amount_are_required(ledger: Ledger) -> None:
    import_text(ledger, HEADER + "gift_card,USD,25\n")
    [credit] = ledger.summaries(TODAY)
    assert (credit.merchant, credit.region, credit.source) == ("Amazon", "US", "gift_card")
    assert (credit.amount, credit.balance, credit.received_on) == (Decimal("25.00"), Decimal("25.00"), TODAY)


def test_every_column_is_read_and_categories_split_on_semicolons(ledger: Ledger) -> None:
    text = (
        ",".join(CSV_COLUMNS) + "\n"
        "Amazon,GB,promotional,Spring offer,GBP,10.00,10.00,2025-02-01,2025-06-30,OFFER-1,Books; Toys,Books only\n"
    )
    import_text(ledger, text)
    credit = ledger.detail(1, TODAY).credit
    assert credit.region == "GB"
    assert credit.title == "Spring offer"
    assert credit.received_on == date(2025, 2, 1)
    assert credit.expires_on == date(2025, 6, 30)
    assert credit.reference == "OFFER-1"
    assert credit.categories == ["Books", "Toys"]
    assert credit.terms == "Books only"


def test_a_balance_below_the_amount_becomes_a_spend_entry(ledger: Ledger) -> None:
    import_text(ledger, "source,currency,amount,balance\ngift_card,USD,25.00,10.50\nrefund,USD,5,5\n")
    detail = ledger.detail(1, TODAY)
    assert detail.balance == Decimal("10.50")
    assert [(entry.kind, entry.amount_minor) for entry in detail.entries] == [("issue", 2500), ("spend", -1450)]
    assert [entry.kind for entry in ledger.detail(2, TODAY).entries] == ["issue"]


def test_utf8_with_a_byte_order_mark_and_any_header_order(ledger: Ledger) -> None:
    import_text(ledger, "\ufeffAmount,Title,Currency,Source\r\n12.5,Café crème,EUR,gift_card\r\n".encode())
    [credit] = ledger.summaries(TODAY)
    assert (credit.title, credit.amount, credit.currency) == ("Café crème", Decimal("12.50"), "EUR")


def test_blank_rows_at_the_end_are_ignored(ledger: Ledger) -> None:
    import_text(ledger, HEADER + "gift_card,USD,25\n,,\n\n")
    assert len(ledger.summaries(TODAY)) == 1


def test_a_dry_run_checks_everything_and_writes_nothing(ledger: Ledger, ledger_path: Path) -> None:
    before = ledger_rows(ledger_path)
    report = import_csv(ledger, (HEADER + "gift_card,USD,25\nrefund,EUR,3\n").encode(), NOW, dry_run=True)
    assert (report.added, report.dry_run) == (2, True)
    assert ledger_rows(ledger_path) == before


def test_an_import_takes_a_backup_first(ledger: Ledger, ledger_path: Path) -> None:
    report = import_csv(ledger, (HEADER + "gift_card,USD,25\n").encode(), NOW)
    assert report.backup is not None and report.backup.parent == ledger_path.parent / "backups"


def test_the_preview_reads_on_and_lists_every_problem() -> None:
    data = (HEADER + "gift_card,USD,25\nnope,USD,1\ngift_card,XYZ,1\ngift_card,USD,-1\n").encode()
    plan = read_csv(data, TODAY, all_problems=True)
    assert len(plan.rows) == 1
    assert [(p.line, p.column) for p in plan.problems] == [(3, "source"), (4, "currency"), (5, "amount")]


# --- hostile files: each refused with its own message, nothing written ----------------


def _huge(path: Path) -> None:
    with path.open("wb") as handle:
        handle.write(HEADER.encode())
        handle.truncate(MAX_IMPORT_BYTES + 1)  # sparse: big on paper, cheap on disk


HOSTILE = [
    ("empty", b"", "line 1: the file is empty"),
    ("header only", HEADER.encode(), "line 1: the file has a header row but no credits"),
    ("missing column", b"source,amount\ngift_card,25\n", "line 1: missing required column currency"),
    ("unknown column", b"source,currency,amount,colour\ngift_card,USD,1,red\n", "line 1: unknown column 'colour'"),
    ("utf-16", (HEADER + "gift_card,USD,25\n").encode("utf-16"), "line 1: the file is UTF-16 text"),
    (
        "latin-1",
        (HEADER + "gift_card,USD,25\n" + "gift_card,EUR,5,Café\n").encode("latin-1"),
        "line 3: byte 0xE9 is not UTF-8 text",
    ),
    ("binary junk", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "line 3: the file holds binary data"),
    (
        "bad date",
        b"source,currency,amount,expires_on\ngift_card,USD,25,2025-02-30\n",
        "line 2, column expires_on: '2025-02-30' is not a date",
    ),
    (
        "future receipt",
        b"source,currency,amount,received_on\ngift_card,USD,25,2025-03-02\n",
        "line 2, column received_on: the date received (2025-03-02) is in the future",
    ),
    (
        "negative amount",
        HEADER.encode() + b"gift_card,USD,25\ngift_card,USD,-5\n",
        "line 3, column amount: the amount must be more than zero",
    ),
    ("too many decimals", HEADER.encode() + b"gift_card,JPY,10.5\n", "line 2, column amount: JPY has 0 decimal places"),
    (
        "balance above amount",
        b"source,currency,amount,balance\ngift_card,USD,5,6\n",
        "line 2, column balance: the balance 6 is more than the amount 5.00",
    ),
    ("ragged row", HEADER.encode() + b"gift_card,USD\n", "line 2: 2 values, but the header has 3 columns"),
    ("unclosed quote", HEADER.encode() + b'gift_card,USD,"25\n', "line 2: the file is not valid CSV"),
]


@pytest.mark.parametrize(("content", "message"), [case[1:] for case in HOSTILE], ids=[case[0] for case in HOSTILE])
def test_hostile_files_are_refused_with_their_own_message_and_nothing_written(
    ledger: Ledger, ledger_path: Path, tmp_path: Path, content: bytes, message: str
) -> None:
    import_text(ledger, HEADER + "gift_card,USD,1\n")  # a ledger with something to lose
    before, digest = ledger_rows(ledger_path), file_digest(ledger_path)
    backups = sorted((ledger_path.parent / "backups").iterdir())
    with pytest.raises(CsvImportError, match="^" + re.escape(message)):
        import_text(ledger, content)
    assert ledger_rows(ledger_path) == before
    assert file_digest(ledger_path) == digest
    assert sorted((ledger_path.parent / "backups").iterdir()) == backups


def test_a_huge_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    _huge(path)
    with pytest.raises(ValueError, match=r"huge.csv is 50.0 MB; at most 50 MB can be imported at once"):
        read_import_file(path)


def test_a_file_with_too_many_rows_is_refused(
    ledger: Ledger, ledger_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(csv_io, "MAX_ROWS", 3)
    before = ledger_rows(ledger_path)
    with pytest.raises(CsvImportError, match=re.escape("line 5: the file has more than 3 credits; split it")):
        import_text(ledger, HEADER + "gift_card,USD,1\n" * 4)
    assert ledger_rows(ledger_path) == before


def test_the_first_bad_row_is_named_even_after_a_multi_line_cell(ledger: Ledger) -> None:
    text = 'source,currency,amount,terms\ngift_card,USD,1,"two\nlines"\ngift_card,USD,oops,\n'
    with pytest.raises(CsvImportError, match=re.escape("line 4, column amount: 'oops' is not an amount")):
        import_text(ledger, text)


# --- export ----------------------------------------------------------------------------


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_formula_like_text_is_neutralised(start: str) -> None:
    assert neutralise(f"{start}SUM(A1:A9)") == f"'{start}SUM(A1:A9)"


@pytest.mark.parametrize("value", ["-5", "+1.50", "12.50", "Plain title", ""])
def test_numbers_and_plain_text_are_left_alone(value: str) -> None:
    assert neutralise(value) == value


def test_exported_cells_cannot_run_as_formulas_and_import_back_unchanged(ledger: Ledger, tmp_path: Path) -> None:
    hostile = '=HYPERLINK("http://evil.example","click")'
    ledger.add_credit(
        NewCredit(
            source="gift_card",
            currency="USD",
            amount="25",
            title=hostile,
            reference="@SUM(1)",
            merchant="+Shop",
            categories=("-Books",),
        ),
        TODAY,
    )
    out = io.StringIO()
    export_csv(ledger, out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert rows[0]["title"] == "'" + hostile
    assert rows[0]["reference"] == "'@SUM(1)"
    assert rows[0]["merchant"] == "'+Shop"
    assert rows[0]["categories"] == "'-Books"
    for row in rows:
        assert not any(cell[:1] in "=+-@\t\r" and cell[:1] for cell in row.values())

    other = Ledger.open(tmp_path / "other.sqlite3")
    try:
        import_csv(other, out.getvalue().encode(), NOW)
        credit = other.detail(1, TODAY).credit
        assert (credit.title, credit.reference, credit.merchant, credit.categories) == (
            hostile,
            "@SUM(1)",
            "+Shop",
            ["-Books"],
        )
    finally:
        other.close()


def test_export_then_import_keeps_every_column_and_balance(ledger: Ledger, tmp_path: Path) -> None:
    import_text(
        ledger,
        ",".join(CSV_COLUMNS) + "\n"
        'Amazon,US,rewards,"Points, converted",USD,30.00,12.34,2025-01-05,2025-12-31,R-1,Electronics;Books,"Line one\n'
        'line two"\n',
    )
    out = io.StringIO()
    export_csv(ledger, out)
    other = Ledger.open(tmp_path / "other.sqlite3")
    try:
        import_csv(other, out.getvalue().encode(), NOW)
        again = io.StringIO()
        export_csv(other, again)
    finally:
        other.close()
    assert again.getvalue() == out.getvalue()


# --- command line -----------------------------------------------------------------------


@pytest.fixture
def pinned_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CREDIT_LEDGER_NOW", NOW.isoformat())


@pytest.mark.usefixtures("pinned_clock")
def test_cli_import_and_export_csv(cli: CliRunner, tmp_path: Path) -> None:
    source = tmp_path / "credits.csv"
    source.write_text(HEADER + "gift_card,USD,25\nrefund,EUR,3\n", encoding="utf-8")
    assert cli("import", str(source), "--dry-run").out.startswith("Checked")
    result = cli("import", str(source), "--json")
    assert result.code == 0
    assert json.loads(result.out)["imported"] == 2
    exported = cli("export", "--format", "csv")
    assert exported.out.splitlines()[0] == ",".join(CSV_COLUMNS)
    assert len(exported.out.splitlines()) == 3
    target = tmp_path / "out.csv"
    assert cli("export", "-o", str(target)).code == 0
    assert target.read_bytes().startswith(b"\xef\xbb\xbf")  # spreadsheet programs then read it as UTF-8
    assert target.stat().st_mode & 0o777 == 0o600


@pytest.mark.usefixtures("pinned_clock")
@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"source,amount\nx,1\n", "missing required column currency"),
        (None, "at most 50 MB can be imported at once"),
        (b"source,currency,amount\ngift_card,USD,25\n", "the file is not valid JSON"),
    ],
    ids=["empty", "missing column", "huge", "csv named .json"],
)
def test_cli_import_refusals_exit_2_with_one_line(
    cli: CliRunner, ledger_path: Path, tmp_path: Path, content: bytes | None, message: str
) -> None:
    Ledger.open(ledger_path).close()
    before = ledger_rows(ledger_path)
    bad = tmp_path / ("bad.json" if "JSON" in message else "bad.csv")
    if content is None:
        _huge(bad)
    else:
        bad.write_bytes(content)
    result = cli("import", str(bad))
    assert result.code == 2
    assert result.out == ""
    assert len(result.err.strip().splitlines()) == 1
    assert message in result.err
    assert ledger_rows(ledger_path) == before


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "fifo"])
def test_a_pipe_or_device_is_refused_without_reading_it(tmp_path: Path, device: str) -> None:
    path = Path(device)
    if device == "fifo":
        path = tmp_path / "credits.csv"
        os.mkfifo(path)
    refused = in_time(lambda: read_import_file(path))
    assert isinstance(refused, LedgerError) and "not a regular file" in str(refused)


@pytest.mark.usefixtures("pinned_clock")
def test_cli_import_of_a_fifo_or_a_folder_exits_2(cli: CliRunner, tmp_path: Path) -> None:
    fifo = tmp_path / "credits.csv"
    os.mkfifo(fifo)
    result = in_time(lambda: cli("import", str(fifo)))
    assert isinstance(result, CliResult) and result.code == 2 and "not a regular file" in result.err
    folder = cli("import", str(tmp_path))
    assert folder.code == 2 and "is a folder" in folder.err


@pytest.mark.parametrize("quoted", [False, True])
def test_a_cell_longer_than_the_csv_limit_is_named_by_line_and_column(ledger: Ledger, quoted: bool) -> None:
    long = "x" * 200_000
    cell = f'"{long}, with ""quotes"""' if quoted else long
    text = f"source,currency,amount,terms\ngift_card,USD,5,short\ngift_card,USD,5,{cell}\n"
    with pytest.raises(CsvImportError) as caught:
        import_text(ledger, text)
    assert str(caught.value) == (
        f"line 3, column terms: a cell is longer than {csv.field_size_limit():,} characters, "
        "the most a CSV cell may hold"
    )
    assert "field limit" not in str(caught.value)
