"""The window at 10,000 and 100,000 credits, against baselines measured in the same run (issue 4).

Run: `QT_QPA_PLATFORM=offscreen python -m bench.bench_window`. Every measurement runs in
its own process, so imports, caches and memory never leak from one into the next.

- visible: process start to the main window painted, as a ratio to a bare PySide6
  window with an empty table (target at 10,000: at most 2x);
- fill: reading every credit and filling the table, as a ratio to a raw sqlite3 fetch of
  the same rows (target at 100,000: at most 3x);
- keystroke: one letter typed in the search box, until the table has repainted (median,
  target at 100,000: at most 50 ms);
- memory: peak resident set of the window process at 100,000 (target: at most 300 MB).
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TODAY = date(2025, 3, 10)
SOURCES = ("gift_card", "refund", "return_credit", "promotional", "rewards", "other")
CURRENCIES = ("USD", "USD", "USD", "EUR", "GBP", "JPY")
MERCHANTS = ("Amazon", "Amazon", "Target", "Best Buy", "IKEA", "Steam")
WORDS = ("kettle", "headphones", "birthday", "survey", "promo", "trade-in", "books", "garden", "lamp", "toys")
ROUNDS = 3

VISIBLE_RATIO_TARGET = 2.0
FILL_RATIO_TARGET = 3.0
KEYSTROKE_MS_TARGET = 50.0
RSS_MB_TARGET = 300.0


def build_ledger(path: Path, count: int) -> None:
    """A migrated ledger file holding `count` credits (a third partly spent), written with bulk inserts."""
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

BARE_WINDOW = """
import sys, time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QTableView
from PySide6.QtGui import QStandardItemModel
app = QApplication(sys.argv[:1])
window = QMainWindow()
table = QTableView()
table.setModel(QStandardItemModel(0, 8))
window.setCentralWidget(table)
window.resize(1280, 760)
window.show()
QTimer.singleShot(0, lambda: (print(time.monotonic() - START), app.quit()))
app.exec()
"""

APP_WINDOW = """
import sys, time
sys.path.insert(0, REPO)
from PySide6.QtCore import QTimer
from ui.app import make_app
from ui.main_window import MainWindow
app = make_app()
window = MainWindow(PATH, today=lambda: TODAY)
window.show()
def painted():
    visible = time.monotonic() - START
    window.open_ledger()
    print(visible, time.monotonic() - START)
    app.quit()
QTimer.singleShot(0, painted)
app.exec()
"""

MAIN_PY_WINDOW = "import main  # what `python main.py` imports before the window exists\n" + APP_WINDOW

RAW_FETCH = """
import sqlite3, time, sys
sys.path.insert(0, REPO)
from ledger.storage.listing import BASELINE_SQL
t = time.perf_counter()
connection = sqlite3.connect(str(PATH))
rows = connection.execute(BASELINE_SQL).fetchall()
print(time.perf_counter() - t, len(rows))
"""

FILL_AND_TYPE = """
import sys, time, resource, statistics
sys.path.insert(0, REPO)
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from ui.app import make_app
from ui.main_window import MainWindow
app = make_app()
window = MainWindow(PATH, today=lambda: TODAY)
window.show()
app.processEvents()
window.open_ledger()  # opens the file and fills once (warms the ORM and the page cache)
t = time.perf_counter()
window.reload()
app.processEvents()
fill = time.perf_counter() - t
rows = window.proxy.rowCount()
keystrokes = []
for word in ("kettle", "order-0001", "lamp 9"):
    for n in range(1, len(word) + 1):
        t = time.perf_counter()
        window.search.setText(word[:n])
        window.table.viewport().repaint()
        app.processEvents()
        keystrokes.append(time.perf_counter() - t)
    for n in range(len(word) - 1, -1, -1):
        t = time.perf_counter()
        window.search.setText(word[:n])
        window.table.viewport().repaint()
        app.processEvents()
        keystrokes.append(time.perf_counter() - t)
filters = []
for index in range(window.status_filter.count()):
    t = time.perf_counter()
    window.status_filter.setCurrentIndex(index)
    app.processEvents()
    filters.append(time.perf_counter() - t)
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(fill, rows, statistics.median(keystrokes), max(keystrokes), statistics.median(filters), peak_mb)
window.close_ledger()
"""


def run(program: str, path: Path | None = None) -> list[float]:
    """Run a program in a fresh Python with START, REPO, PATH and TODAY defined; returns the numbers it prints."""
    # START is taken just before the process is spawned, so interpreter start-up counts on both sides.
    prelude = (
        f"import datetime\nfrom pathlib import Path\nREPO = {str(REPO)!r}\nPATH = Path({str(path)!r})\n"
        f"TODAY = datetime.date({TODAY.year}, {TODAY.month}, {TODAY.day})\nSTART = {{start!r}}\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    env.setdefault("XDG_CONFIG_HOME", tempfile.mkdtemp(prefix="bench-config-"))
    start = time.monotonic()
    source = prelude.format(start=start) + program
    result = subprocess.run(
        [sys.executable, "-c", source], capture_output=True, text=True, env=env, cwd=REPO, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(result.stderr)
    return [float(value) for value in result.stdout.split()]


def best(program: str, path: Path | None = None, rounds: int = ROUNDS) -> list[float]:
    """The run with the smallest first figure out of `rounds` (the least disturbed by the machine)."""
    return min((run(program, path) for _ in range(rounds)), key=lambda figures: figures[0])


def measure(count: int, folder: Path) -> dict[str, float]:
    """Every figure for a ledger of `count` credits."""
    path = folder / f"ledger-{count}.sqlite3"
    build_ledger(path, count)
    bare = best(BARE_WINDOW)[0]
    visible, filled = best(APP_WINDOW, path)
    via_main = best(MAIN_PY_WINDOW, path)[0]
    raw = best(RAW_FETCH, path)[0]
    fill, rows, key_median, key_max, filter_median, peak_mb = best(FILL_AND_TYPE, path, rounds=1)
    return {
        "credits": count,
        "bare_visible_ms": bare * 1000,
        "visible_ms": visible * 1000,
        "visible_ratio": visible / bare,
        "visible_via_main_py_ms": via_main * 1000,
        "filled_after_start_ms": filled * 1000,
        "raw_fetch_ms": raw * 1000,
        "fill_ms": fill * 1000,
        "fill_ratio": fill / raw,
        "rows_shown": rows,
        "keystroke_median_ms": key_median * 1000,
        "keystroke_max_ms": key_max * 1000,
        "status_filter_median_ms": filter_median * 1000,
        "peak_rss_mb": peak_mb,
    }


def main(argv: list[str]) -> int:
    """Measure at 10,000 and 100,000 credits (or the counts given), print the figures, judge the targets."""
    counts = [int(arg) for arg in argv if arg.isdigit()] or [10_000, 100_000]
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-window-") as folder:
        for count in counts:
            figures = measure(count, Path(folder))
            results.append(figures)
            print(f"\n{count:,} credits")
            for name, value in figures.items():
                if name != "credits":
                    print(f"  {name:<26} {value:10.2f}")
    by_count = {int(figures["credits"]): figures for figures in results}
    verdicts = []
    if 10_000 in by_count:
        verdicts.append(("visible ratio at 10,000", by_count[10_000]["visible_ratio"], VISIBLE_RATIO_TARGET))
    if 100_000 in by_count:
        big = by_count[100_000]
        verdicts += [
            ("fill ratio at 100,000", big["fill_ratio"], FILL_RATIO_TARGET),
            ("keystroke median ms at 100,000", big["keystroke_median_ms"], KEYSTROKE_MS_TARGET),
            ("peak RSS MB at 100,000", big["peak_rss_mb"], RSS_MB_TARGET),
        ]
    print()
    failed = False
    for name, value, target in verdicts:
        ok = value <= target
        failed |= not ok
        print(f"{'PASS' if ok else 'FAIL'}  {name}: {value:.2f} (target <= {target})")
    if "--json" in argv:
        print(json.dumps(results))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
