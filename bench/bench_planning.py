"""Reminder planning at 100,000 credits, beside a plain indexed sqlite3 query of the same credits (issues 5, 11).

Run: `python -m bench.bench_planning`. Target (issue 11): planning (the due reminders and the exact
next due time, straight from the ledger file) at most 2x the plain query, medians of interleaved
rounds. The baseline is the bare indexed SELECT planning cannot do without: the same credits
(those in the reminder window) and columns, with their balances, fetched with the sqlite3 module
alone. The ratio shows what planning adds on top: the sent reminders, the rules, the next due time.
"""

from __future__ import annotations

import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from ledger.reminders.planning import ReminderPolicy  # noqa: E402
from ledger.reminders.store import plan_due, window_end  # noqa: E402
from ledger.storage.store import Ledger  # noqa: E402

COUNT = 100_000
ROUNDS = 41
TODAY = date(2026, 3, 10)
NOW = datetime(2026, 3, 10, 12, 0).astimezone()
TARGET_RATIO = 2.0
STAMP = "2026-01-01T00:00:00.000000+00:00"


def build_ledger(path: Path, count: int) -> None:
    """A migrated ledger of `count` credits: expiries over three years, some spent, archived, muted or reminded."""
    Ledger.open(path).close()
    credits, entries, sent = [], [], []
    for n in range(1, count + 1):
        expires = None if n % 5 == 0 else (TODAY + timedelta(days=(n * 7) % 1100 - 60)).isoformat()
        amount = 1000 + (n * 37) % 9000
        currency = ("USD", "USD", "EUR", "GBP")[n % 4]
        flags = (int(n % 50 == 0), int(n % 70 == 0))  # archived, reminders muted
        texts = ("", "", "", "[]", None, "")  # reference, terms, terms_url, categories, claim_code_sealed, notes
        dates = ("2025-01-01", expires)
        credits.append(
            (n, "Amazon", "US", "gift_card", f"Credit {n}", currency, amount, *dates, *texts, *flags, STAMP, STAMP)
        )
        entries.append((n, "issue", amount, "2025-01-01", "", STAMP))
        if n % 3 == 0:
            spent = amount if n % 9 == 0 else amount // 3  # every ninth credit is used up
            entries.append((n, "spend", -spent, "2025-02-01", "", STAMP))
        if expires and n % 2 == 0:
            sent.append((n, 30, expires, STAMP, "desktop"))
    connection = sqlite3.connect(path)
    with connection:
        connection.executemany(
            "INSERT INTO credit (id, merchant, region, source, title, currency, amount_minor, received_on, expires_on,"
            " reference, terms, terms_url, categories, claim_code_sealed, notes, archived, reminders_muted,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            credits,
        )
        connection.executemany(
            "INSERT INTO entry (credit_id, kind, amount_minor, occurred_on, note, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            entries,
        )
        connection.executemany(
            "INSERT INTO reminder_sent (credit_id, lead_days, expires_on, sent_at, channel) VALUES (?, ?, ?, ?, ?)",
            sent,
        )
    connection.execute("ANALYZE")
    connection.close()


def median_ms(sides: dict[str, Callable[[], object]]) -> dict[str, float]:
    """The median wall time of each side over ROUNDS rounds, the sides taking turns, after one warm-up each."""
    for work in sides.values():
        work()
    times: dict[str, list[float]] = {name: [] for name in sides}
    for _ in range(ROUNDS):
        for name, work in sides.items():
            started = time.perf_counter()
            work()
            times[name].append((time.perf_counter() - started) * 1000)
    return {name: statistics.median(values) for name, values in times.items()}


def main() -> int:
    """Build the ledger, time both, print the figures and whether planning met its target."""
    policy = ReminderPolicy()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ledger.sqlite3"
        build_ledger(path, COUNT)
        ledger = Ledger.open(path)
        raw = sqlite3.connect(path)
        bounds = (TODAY.isoformat(), window_end(policy, TODAY).isoformat())

        def plain_query() -> list[tuple[object, ...]]:
            # The same credits and columns planning reads, with their balances: the floor for any planner.
            return raw.execute(
                "SELECT c.id, c.expires_on, c.currency, c.merchant, c.source, c.title, c.snoozed_until,"
                " (SELECT SUM(e.amount_minor) FROM entry e WHERE e.credit_id = c.id)"
                " FROM credit c WHERE c.expires_on BETWEEN ? AND ? AND c.archived = 0 AND c.reminders_muted = 0",
                bounds,
            ).fetchall()

        try:
            plan = plan_due(ledger, policy, NOW)
            window = len(plain_query())
            medians = median_ms({"planning": lambda: plan_due(ledger, policy, NOW), "plain": plain_query})
        finally:
            raw.close()
            ledger.close()
    planning, baseline = medians["planning"], medians["plain"]
    ratio = planning / baseline
    print(f"credits: {COUNT:,}; in the reminder window: {window:,}; due now: {len(plan.due):,}")
    print(f"next reminder after now: {plan.next_due_at}")
    print(f"planning (plan_due):         {planning:8.2f} ms median of {ROUNDS} interleaved rounds")
    print(f"plain indexed sqlite3 query: {baseline:8.2f} ms median of {ROUNDS}")
    verdict = "ok" if ratio <= TARGET_RATIO else "MISSED"
    print(f"ratio: {ratio:.2f}x   target: planning <= {TARGET_RATIO:g}x the plain query -> {verdict}")
    return 0 if ratio <= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
