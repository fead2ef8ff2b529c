"""Starting fast: a command loads only the libraries it uses, and nothing heavy runs before it is needed.

Import time is most of a command's run, so these tests check what was imported (in a fresh
interpreter each), never how long anything took: `bench/` measures the time.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

from ledger.storage.store import Ledger, NewCredit

REPO = Path(__file__).resolve().parent.parent
# What the ORM, the migrations, the calendar export, CLDR's data and the vault's cryptography and keyring
# bring in: each costs a command more than its own work.
HEAVY = (
    "sqlalchemy", "sqlmodel", "pydantic", "alembic", "mako", "pygments", "icalendar", "babel", "asyncio",
    "cryptography", "keyring",
)  # fmt: skip

RUN_AND_LIST_MODULES = """
import contextlib, io, json, sys
from ui.entry import main
out = io.StringIO()
with contextlib.redirect_stdout(out):
    try:
        code = main(sys.argv[1:])
    except SystemExit as done:
        code = done.code
print(json.dumps({"code": code, "out": out.getvalue(), "modules": sorted(sys.modules)}))
"""


def run_in_fresh_python(*args: str) -> tuple[int, str, set[str]]:
    """Run `credit-ledger ARGS` in a new interpreter; its exit code, output, and the top-level packages it imported."""
    result = subprocess.run(
        [sys.executable, "-c", RUN_AND_LIST_MODULES, *args], cwd=REPO, capture_output=True, text=True, check=True
    )
    report = json.loads(result.stdout.splitlines()[-1])
    return report["code"], report["out"], {name.split(".")[0] for name in report["modules"]}


def heavy(modules: set[str]) -> list[str]:
    return sorted(name for name in HEAVY if name in modules)


def test_help_loads_no_library_at_all(tmp_path: Path) -> None:
    code, out, modules = run_in_fresh_python("--help")
    assert code == 0 and "show" in out and "--db" in out
    assert heavy(modules) == []
    assert "sqlite3" not in modules


def test_everyday_commands_on_a_ledger_at_the_newest_schema_load_no_orm_migrations_or_cldr(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite3"
    with_credit = Ledger.open(path)
    with_credit.add_credit(NewCredit(source="gift_card", currency="USD", amount="25"), date(2026, 1, 1))
    with_credit.close()
    for command in (
        ("add", "--source", "refund", "--amount", "12.50", "--currency", "EUR", "--json"),
        ("show", "1", "--json"),
        ("show", "1"),
        ("spend", "1", "2.50"),
        ("list", "--json"),
        ("list",),
        ("terms", "1"),
        ("plan", "5", "--currency", "USD", "--json"),
        ("plan", "5", "--currency", "USD", "--for", "amazon_gift_cards", "--json"),  # kinds that cannot pay counted
        ("export", "--format", "json"),
        ("archive", "2"),
    ):
        code, out, modules = run_in_fresh_python("--db", str(path), *command)
        assert code == 0, (command, out)
        assert heavy(modules) == [], command


def test_only_the_calendar_export_loads_the_calendar_library(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite3"
    Ledger.open(path).close()
    for fmt, wanted in (("csv", False), ("json", False), ("ics", True)):
        code, _, modules = run_in_fresh_python("--db", str(path), "export", "--format", fmt)
        assert code == 0 and ("icalendar" in modules) == wanted, fmt


def test_json_is_one_line_unless_pretty_is_asked_for(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite3"
    Ledger.open(path).close()
    code, out, _ = run_in_fresh_python(
        "--db", str(path), "add", "--source", "refund", "--amount", "5", "--currency", "USD", "--json"
    )
    assert code == 0 and out.count("\n") == 1
    shown = json.loads(out)
    # Compact: no space after a comma or a colon (a list of thousands of credits is a fifth shorter).
    assert out == json.dumps(shown, separators=(",", ":"), ensure_ascii=False) + "\n"
    code, pretty, _ = run_in_fresh_python("--db", str(path), "show", "1", "--pretty")
    assert code == 0 and pretty.startswith('{\n  "id": 1,') and json.loads(pretty) == shown


FIRST_FRAME_PROBE = """
import json, sys
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

app = QApplication(sys.argv[:1])  # the app's own make_app() takes this one over
report = {}

class Probe(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint and isinstance(watched, QMainWindow) and "first_frame" not in report:
            report["first_frame"] = sorted(sys.modules)
            report["open_at_first_frame"] = watched.ledger is not None
            if watched.ledger is not None:
                finish(watched)
            else:
                watched.ledger_opened.connect(lambda: finish(watched))
        return False

def finish(window):
    report["opened"] = sorted(sys.modules)
    report["credits"] = window.model.total_count()
    QTimer.singleShot(0, app.quit)

probe = Probe()
app.installEventFilter(probe)
from ui.entry import main
main(sys.argv[1:])
print(json.dumps(report))
"""


def test_the_window_is_painted_before_the_ledger_opens_and_its_libraries_load(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite3"
    with_credit = Ledger.open(path)
    with_credit.add_credit(NewCredit(source="gift_card", currency="USD", amount="25"), date(2026, 1, 1))
    with_credit.close()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path / "config")}
    result = subprocess.run(
        [sys.executable, "-c", FIRST_FRAME_PROBE, "--db", str(path)],
        cwd=REPO, capture_output=True, text=True, check=True, env=env, timeout=60,
    )
    report = json.loads(result.stdout.splitlines()[-1])
    first = {name.split(".")[0] for name in report["first_frame"]}
    assert report["open_at_first_frame"] is False
    # Not even SQLite before the first frame: the file is opened after it, the scheduler after the table is full.
    assert [name for name in (*HEAVY, "sqlite3", "apscheduler", "platformdirs", "decimal") if name in first] == []
    # The first frame is the window's shell: the table, the detail panel and the menus are built after it.
    later = (
        "ledger.storage.store", "ledger.storage.db", "ledger.validation", "ledger.money", "ui.window.help_panel",
        "ui.window.credit_table", "ui.window.detail_panel", "ui.window.menus",
    )  # fmt: skip
    assert [name for name in later if name in report["first_frame"]] == []
    assert report["credits"] == 1 and "apscheduler" in {name.split(".")[0] for name in report["opened"]}
