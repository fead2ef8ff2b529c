"""The window: its first frame and its filled table from the real entry point, and the table at 100,000 and
500,000 credits (issues 4 and 11).

Run: `python -m bench.bench_window [ROUNDS]`. On a private Xvfb display when Xvfb is installed (the
window reaches a real X server), else on Qt's offscreen platform. Every program runs in its own
process; START is taken just before the process is spawned, so interpreter start-up counts.

- first frame: process start to the first Paint event of the main window, running the real entry
  point (`ui.entry.main`, everything it does before and after the first frame included), as a ratio
  to a bare PySide6 window with an empty table, medians of interleaved rounds (target at 10,000
  credits: at most 1.3x);
- table filled: process start to the first paint of the table with its rows (targets: at most 2x the
  bare window at 10,000 credits, 4x at 100,000);
- sort (every column, both ways, each click until repainted), a search keystroke (typing words and
  deleting them), a status or source filter change, medians (targets at 100,000: sort 150 ms,
  keystroke and filter 50 ms; at 500,000: sort 500 ms), and the window process's peak resident
  memory (targets: at most 300 MB at 100,000, 500 MB at 500,000).
"""

from __future__ import annotations

import json
import sqlite3
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from bench.measure import REPO, child_env, median, run_python, verdict, x_display

TODAY = date(2025, 3, 10)
SOURCES = ("gift_card", "refund", "return_credit", "promotional", "rewards", "other")
CURRENCIES = ("USD", "USD", "USD", "EUR", "GBP", "JPY")
MERCHANTS = ("Amazon", "Amazon", "Target", "Best Buy", "IKEA", "Steam")
WORDS = ("kettle", "headphones", "birthday", "survey", "promo", "trade-in", "books", "garden", "lamp", "toys")
ROUNDS = 7


def build_ledger(path: Path | str, count: int) -> None:
    """A migrated ledger file holding `count` credits (a third partly spent), written with bulk inserts."""
    path = Path(path)
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    from ledger.storage.store import Ledger

    Ledger.open(path).close()
    stamp = "2025-01-01T00:00:00.000000+00:00"
    credits = []
    entries = []
    for n in range(1, count + 1):
        currency = CURRENCIES[n % len(CURRENCIES)]
        amount = 1000 + (n * 37) % 9000 if currency != "JPY" else 500 + (n * 13) % 9000
        received = TODAY - timedelta(days=n % 400)
        expires = None if n % 4 == 0 else (TODAY + timedelta(days=(n * 7) % 500 - 60)).isoformat()
        word = WORDS[n % len(WORDS)]
        credits.append((
            n, MERCHANTS[n % len(MERCHANTS)], "US", SOURCES[n % len(SOURCES)], f"{word.title()} credit {n}",
            currency, amount, received.isoformat(), expires, f"ORDER-{n:07d}", "", "", "[]", None,
            f"note about the {word}", int(n % 50 == 0), stamp, stamp,
        ))
        entries.append((n, "issue", amount, received.isoformat(), "", stamp))
        if n % 3 == 0:
            entries.append((n, "spend", -(amount // 3), received.isoformat(), "purchase", stamp))
    connection = sqlite3.connect(path)
    with connection:
        connection.executemany(
            "INSERT INTO credit (id, merchant, region, source, title, currency, amount_minor, received_on, expires_on,"
            " reference, terms, terms_url, categories, claim_code_sealed, notes, archived, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            credits,
        )
        connection.executemany(
            "INSERT INTO entry (credit_id, kind, amount_minor, occurred_on, note, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            entries,
        )
    connection.close()


# --- the measured programs, each run in a fresh process ---------------------------------------

# Installed before anything else: it sees the first Paint event of any main window, then the first
# paint of its table once the table has rows. The app's window may first paint only its shell (no
# `table` yet: it is built after that frame), so the probe keeps watching every paint until the
# table's viewport is painted with rows. The QApplication is created here; the app's own make_app()
# takes it over.
PROBE = """
import sys, time
sys.path.insert(0, REPO)
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv[:1])
marks = {}

class Probe(QObject):
    window = None

    def eventFilter(self, watched, event):
        if event.type() != QEvent.Type.Paint:
            return False
        if "frame" not in marks and isinstance(watched, QMainWindow):
            marks["frame"] = time.monotonic() - START
            if type(watched) is QMainWindow:  # the bare window: nothing more to wait for
                marks["filled"] = marks["frame"]
                QTimer.singleShot(0, app.quit)
                return False
            self.window = watched
        if self.window is not None and "filled" not in marks:
            table = getattr(self.window, "table", None)
            if table is not None and watched is table.viewport() and self.window.model.rowCount() > 0:
                marks["filled"] = time.monotonic() - START
                app.removeEventFilter(self)
                QTimer.singleShot(0, app.quit)
        return False

probe = Probe()
app.installEventFilter(probe)
"""

BARE_WINDOW = PROBE + """
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import QTableView
window = QMainWindow()
table = QTableView()
table.setModel(QStandardItemModel(0, 8))
window.setCentralWidget(table)
window.resize(1280, 760)
window.show()
app.exec()
print(marks["frame"])
"""

REAL_ENTRY = PROBE + """
from ui.entry import main
main(["--db", str(PATH)])
print(marks["frame"], marks["filled"])
"""

TABLE_WORK = """
import json, statistics, sys, time
sys.path.insert(0, REPO)
from PySide6.QtCore import Qt
from ui.app import make_app
from ui.window.main_window import MainWindow
app = make_app()
window = MainWindow(PATH, today=lambda: TODAY)
window.show()
app.processEvents()
started = time.perf_counter()
window.open_ledger()
app.processEvents()
load = time.perf_counter() - started

def timed(change):
    started = time.perf_counter()
    change()
    window.table.viewport().repaint()
    app.processEvents()
    return (time.perf_counter() - started) * 1000

sorts = [
    timed(lambda: window.table.sortByColumn(column, order))
    for column in range(8)
    for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder)
]
window.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
keystrokes = []
for word in ("kettle", "order-0001", "lamp 9"):
    for n in list(range(1, len(word) + 1)) + list(range(len(word) - 1, -1, -1)):
        keystrokes.append(timed(lambda: window.search.setText(word[:n])))
filters = []
for combo in (window.status_filter, window.source_filter):
    for index in [*range(1, combo.count()), 0]:
        filters.append(timed(lambda: combo.setCurrentIndex(index)))
print(json.dumps({
    "load_s": load,
    "rows": window.model.total_count(),
    "sort_median_ms": statistics.median(sorts),
    "sort_max_ms": max(sorts),
    "keystroke_median_ms": statistics.median(keystrokes),
    "keystroke_max_ms": max(keystrokes),
    "filter_median_ms": statistics.median(filters),
    "filter_max_ms": max(filters),
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the parent process across fork and exec.
    "peak_rss_mb": int(next(line for line in open("/proc/self/status") if line.startswith("VmHWM:")).split()[1]) / 1024,
}))
window.close_ledger()
"""


def run(program: str, display: dict[str, str], path: Path | None = None) -> str:
    """Run a program in a fresh Python with START, REPO, PATH and TODAY defined; returns what it printed."""
    start = time.monotonic()  # just before the spawn: interpreter start-up counts
    prelude = (
        f"import datetime\nfrom pathlib import Path\nREPO = {str(REPO)!r}\nPATH = Path({str(path)!r})\n"
        f"TODAY = datetime.date({TODAY.year}, {TODAY.month}, {TODAY.day})\nSTART = {start!r}\n"
    )
    return run_python(["-c", prelude + program], child_env(**display))[1]


def main(argv: list[str]) -> int:
    """Measure, print the figures, judge the targets; exit 1 when one is missed."""
    rounds = int(argv[0]) if argv and argv[0].isdigit() else ROUNDS
    with tempfile.TemporaryDirectory(prefix="bench-window-") as name, x_display() as display:
        folder = Path(name)
        paths = {count: folder / f"ledger-{count}.sqlite3" for count in (10_000, 100_000, 500_000)}
        for count, path in paths.items():
            # In a child process: this one stays small, and its memory is no part of what is measured.
            run_python(["-c", f"from bench.bench_window import build_ledger; build_ledger({str(path)!r}, {count})"])
        frames: dict[str, list[float]] = {"bare": [], "10k": [], "100k": []}
        filled: dict[str, list[float]] = {"10k": [], "100k": []}
        run(BARE_WINDOW, display)  # warm-up: bytecode and the page cache
        for count in (10_000, 100_000):
            run(REAL_ENTRY, display, paths[count])
        for _ in range(rounds):
            frames["bare"].append(float(run(BARE_WINDOW, display)))
            for key, count in (("10k", 10_000), ("100k", 100_000)):
                frame, table = (float(value) for value in run(REAL_ENTRY, display, paths[count]).split())
                frames[key].append(frame)
                filled[key].append(table)
        tables = {count: json.loads(run(TABLE_WORK, display, paths[count])) for count in (100_000, 500_000)}

    bare = median(frames["bare"])
    print(f"first frame and filled table, medians of {rounds} interleaved rounds (process start to paint)")
    print(f"  bare PySide6 window, empty table   {bare * 1000:7.0f} ms")
    for key in ("10k", "100k"):
        frame, table = median(frames[key]), median(filled[key])
        print(f"  credit-ledger {key:>4} first frame     {frame * 1000:7.0f} ms  {frame / bare:5.2f}x")
        print(f"  credit-ledger {key:>4} table filled    {table * 1000:7.0f} ms  {table / bare:5.2f}x")
    for count, figures in tables.items():
        print(f"table at {count:,} credits (in one window process)")
        for name, value in figures.items():
            print(f"  {name:<22} {value:10.2f}")
    print()
    results = [
        verdict("first frame at 10,000 / bare window", median(frames["10k"]) / bare, 1.3),
        verdict("table filled at 10,000 / bare window", median(filled["10k"]) / bare, 2),
        verdict("table filled at 100,000 / bare window", median(filled["100k"]) / bare, 4),
        verdict("sort at 100,000 (median)", tables[100_000]["sort_median_ms"], 150, " ms"),
        verdict("search keystroke at 100,000 (median)", tables[100_000]["keystroke_median_ms"], 50, " ms"),
        verdict("filter change at 100,000 (median)", tables[100_000]["filter_median_ms"], 50, " ms"),
        verdict("peak memory at 100,000 (issue 4)", tables[100_000]["peak_rss_mb"], 300, " MB"),
        verdict("sort at 500,000 (median)", tables[500_000]["sort_median_ms"], 500, " ms"),
        verdict("peak memory at 500,000", tables[500_000]["peak_rss_mb"], 500, " MB"),
    ]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
