"""Importing 100,000 CSV rows against plain sqlite3 `executemany` of the same rows, measured in the same run.

Run: `python -m bench.bench_import [ROWS]`. The target (issue 6) is a ratio of at most 3.
"""

from __future__ import annotations

import sqlite3
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from ledger.files.bulk import read_import_file
from ledger.files.csv_io import CSV_COLUMNS, import_csv
from ledger.storage.store import Ledger

ROWS = 100_000
ROUNDS = 3
TARGET_RATIO = 3.0
SOURCES = ("gift_card", "refund", "return_credit", "promotional", "rewards", "other")
CURRENCIES = (("USD", "25.00", "10.50"), ("EUR", "40.00", "40.00"), ("JPY", "3000", "1200"))


def sample_rows(count: int) -> list[dict[str, str]]:
    """Credits as a user's spreadsheet might hold them: every column used, some partly spent."""
    start = date(2024, 1, 1)
    rows = []
    for index in range(count):
        currency, amount, balance = CURRENCIES[index % len(CURRENCIES)]
        received = start + timedelta(days=index % 365)
        rows.append(
            {
                "merchant": "Amazon",
                "region": "US",
                "source": SOURCES[index % len(SOURCES)],
                "title": f"Credit number {index}",
                "currency": currency,
                "amount": amount,
                "balance": balance,
                "received_on": received.isoformat(),
                "expires_on": (received + timedelta(days=365)).isoformat() if index % 4 else "",
                "reference": f"112-{index:07d}-0000000",
                "categories": "Books;Toys" if index % 6 == 3 else "",
                "terms": "Valid on eligible items only.",
            }
        )
    return rows


def write_csv(path: Path, rows: list[dict[str, str]]) -> None:
    """The rows as a CSV file with the header the importer expects."""
    import csv

    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)


def time_import(folder: Path, csv_path: Path, now: datetime, round_number: int) -> tuple[float, int]:
    """Seconds for the whole import (read, check, back up, insert) into a fresh ledger."""
    ledger = Ledger.open(folder / f"imported-{round_number}.sqlite3")
    try:
        started = time.perf_counter()
        report = import_csv(ledger, read_import_file(csv_path), now)
        return time.perf_counter() - started, report.added
    finally:
        ledger.close()


def time_plain_sqlite(folder: Path, round_number: int) -> float:
    """Seconds for plain sqlite3 `executemany` of the same credit and entry rows, in one transaction.

    The rows are read from the imported ledger beforehand, so only the inserts are timed.
    """
    source = sqlite3.connect(folder / f"imported-{round_number}.sqlite3")
    credits = source.execute("SELECT * FROM credit ORDER BY id").fetchall()
    entries = source.execute(
        "SELECT credit_id, kind, amount_minor, occurred_on, note, created_at FROM entry ORDER BY id"
    ).fetchall()
    source.close()
    plain_path = folder / f"plain-{round_number}.sqlite3"
    Ledger.open(plain_path).close()  # the same schema, indexes and pragmas
    con = sqlite3.connect(plain_path, isolation_level=None)
    con.execute("PRAGMA journal_mode = WAL")
    con.execute("PRAGMA synchronous = NORMAL")
    con.execute("PRAGMA foreign_keys = ON")
    marks = ", ".join("?" for _ in credits[0])
    started = time.perf_counter()
    con.execute("BEGIN IMMEDIATE")
    con.executemany(f"INSERT INTO credit VALUES ({marks})", credits)
    con.executemany(
        "INSERT INTO entry (credit_id, kind, amount_minor, occurred_on, note, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        entries,
    )
    con.execute("COMMIT")
    elapsed = time.perf_counter() - started
    con.close()
    return elapsed


def main(argv: list[str]) -> int:
    """Run both, ROUNDS times each, alternating; compare the best times; exit 1 if the ratio misses the target."""
    count = int(argv[0]) if argv else ROWS
    now = datetime(2025, 1, 1, 12, tzinfo=UTC)
    imports: list[float] = []
    plains: list[float] = []
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        csv_path = folder / "credits.csv"
        write_csv(csv_path, sample_rows(count))
        for round_number in range(ROUNDS):
            seconds, added = time_import(folder, csv_path, now, round_number)
            imports.append(seconds)
            plains.append(time_plain_sqlite(folder, round_number))
    # The best of a few rounds: other programs on the machine only ever make a run slower.
    imported, plain = min(imports), min(plains)
    ratio = imported / plain
    print(f"rows: {added:,}, best of {ROUNDS} rounds")
    print(f"CSV import (read, check, back up, insert): {imported:.3f} s ({added / imported:,.0f} rows/s)")
    print(f"plain sqlite3 executemany, one transaction: {plain:.3f} s")
    print(f"ratio: {ratio:.2f}x (target <= {TARGET_RATIO:.0f}x): {'ok' if ratio <= TARGET_RATIO else 'MISSED'}")
    return 0 if ratio <= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
