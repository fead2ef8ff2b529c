"""Restores never lose a write: other processes keep the ledger open and keep writing while it is restored.

A restore replaces the ledger's rows in one transaction under the write lock, after backing it up
under that same lock; a process that read the ledger before is told once, and never writes into a
file that was swapped away.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from ledger.errors import LedgerReplacedError
from ledger.storage.backup import is_healthy_ledger, make_backup
from ledger.storage.restore import RestoreReport, restore_backup
from ledger.storage.store import Ledger, NewCredit
from tests.conftest import REPO

TODAY = date(2026, 1, 1)
NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)

# A process that keeps the ledger open and writes in a loop, like the tray app; it prints each
# reference once the ledger has told it the credit was saved.
WRITER = """
import sys
from datetime import date
from ledger.errors import LedgerReplacedError
from ledger.storage.store import Ledger, NewCredit
book = Ledger.open(sys.argv[1])
n = 0
while True:
    n += 1
    reference = f"{sys.argv[2]}-{n}"
    try:
        book.add_credit(NewCredit(source="refund", currency="USD", amount="1", reference=reference), date(2026, 1, 1))
    except LedgerReplacedError:
        print("replaced", flush=True)
        continue
    print(reference, flush=True)
"""


class Writer:
    """A writer process and the lines it printed so far (read on a thread)."""

    def __init__(self, path: Path, name: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), name],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.strip())

    def saved(self) -> list[str]:
        return [line for line in list(self.lines) if line != "replaced"]

    def wait_for(self, count: int) -> None:
        deadline = time.monotonic() + 120
        while len(self.saved()) < count:
            assert self.process.poll() is None, self.process.stderr.read() if self.process.stderr else ""
            assert time.monotonic() < deadline, "the writer stopped writing"
            time.sleep(0.02)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        self._reader.join(timeout=10)
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()


def references(path: Path) -> set[str]:
    con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        return {row[0] for row in con.execute("SELECT reference FROM credit")}
    finally:
        con.close()


@pytest.fixture
def writers(ledger_path: Path) -> Iterator[list[Writer]]:
    started: list[Writer] = []
    yield started
    for writer in started:
        writer.stop()


@pytest.mark.slow
def test_a_restore_while_other_processes_write_loses_no_saved_write(ledger_path: Path, writers: list[Writer]) -> None:
    book = Ledger.open(ledger_path)
    book.add_credit(NewCredit(source="gift_card", currency="USD", amount="5", reference="in-the-backup"), TODAY)
    source = make_backup(ledger_path, "manual", NOW)
    book.close()
    writers += [Writer(ledger_path, "a"), Writer(ledger_path, "b")]
    for writer in writers:
        writer.wait_for(20)

    saved_before = {reference for writer in writers for reference in writer.saved()}
    report = restore_backup(ledger_path, source, NOW, keep=50)
    for writer in writers:
        writer.wait_for(len(writer.saved()) + 20)  # they go on writing, into the restored ledger
        writer.stop()
    saved = {reference for writer in writers for reference in writer.saved()}
    assert report.previous_backup is not None
    kept_aside = references(report.previous_backup)
    now_in_ledger = references(ledger_path)
    # Every write a writer was told was saved is in the ledger as it was before the restore
    # (its backup) or in the ledger as it is now: none went into a file nobody will read again.
    assert saved - (kept_aside | now_in_ledger) == set()
    assert saved & kept_aside & now_in_ledger == set()  # each is on one side of the restore
    assert saved_before <= kept_aside
    assert "in-the-backup" in now_in_ledger


def test_a_write_after_someone_else_restored_is_refused_once_and_then_goes_to_the_restored_ledger(
    ledger_path: Path,
) -> None:
    tray = Ledger.open(ledger_path)
    tray.add_credit(NewCredit(source="refund", currency="USD", amount="3", reference="old"), TODAY)
    source = make_backup(ledger_path, "manual", NOW)
    credit_id = tray.add_credit(NewCredit(source="refund", currency="USD", amount="9", reference="later"), TODAY)
    restore_backup(ledger_path, source, NOW, keep=10)  # as `credit-ledger restore` in another terminal would

    with pytest.raises(LedgerReplacedError, match="restored from a backup"):
        tray.spend(credit_id, "1", TODAY)  # decided from a view of the ledger that no longer holds
    assert references(ledger_path) == {"old"}
    tray.add_credit(NewCredit(source="refund", currency="USD", amount="4", reference="after"), TODAY)
    assert references(ledger_path) == {"old", "after"}
    tray.close()


def test_a_write_into_a_ledger_file_swapped_away_is_refused_and_the_new_file_is_used_next(ledger_path: Path) -> None:
    book = Ledger.open(ledger_path)
    book.add_credit(NewCredit(source="refund", currency="USD", amount="3", reference="first"), TODAY)
    other = ledger_path.with_name("other.sqlite3")
    replacement = Ledger.open(other)
    replacement.add_credit(NewCredit(source="refund", currency="USD", amount="8", reference="replacement"), TODAY)
    replacement.close()
    other.replace(ledger_path)  # what a file manager or a sync tool might do

    with pytest.raises(LedgerReplacedError):
        book.add_credit(NewCredit(source="refund", currency="USD", amount="1", reference="lost?"), TODAY)
    book.add_credit(NewCredit(source="refund", currency="USD", amount="1", reference="kept"), TODAY)
    book.close()
    assert references(ledger_path) == {"replacement", "kept"}


def test_asking_whether_an_open_ledger_is_healthy_never_drops_its_locks(ledger_path: Path) -> None:
    # The restore dialog asks this while the window has the ledger open. Reading the file's header
    # through a descriptor of our own and closing it used to drop SQLite's locks, so the next
    # program to close the ledger deleted its write-ahead log under the window ("disk I/O error").
    book = Ledger.open(ledger_path)
    book.add_credit(NewCredit(source="refund", currency="USD", amount="1", reference="one"), TODAY)
    assert is_healthy_ledger(ledger_path)
    listing = subprocess.run(
        [sys.executable, "main.py", "--db", str(ledger_path), "list"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert listing.returncode == 0, listing.stderr
    book.add_credit(NewCredit(source="refund", currency="USD", amount="2", reference="two"), TODAY)
    assert references(ledger_path) == {"one", "two"}
    book.close()
    assert references(ledger_path) == {"one", "two"}


def test_a_restore_keeps_the_reminders_already_shown_so_none_is_shown_again(ledger_path: Path) -> None:
    from ledger.reminders.planning import ReminderPolicy
    from ledger.reminders.store import claim, plan_due

    book = Ledger.open(ledger_path)
    book.add_credit(NewCredit(source="refund", currency="USD", amount="3", expires_on=date(2026, 1, 5)), TODAY)
    source = make_backup(ledger_path, "manual", NOW)
    policy = ReminderPolicy()
    assert len(claim(book, plan_due(book, policy, NOW).due, NOW)) == 1  # the 7-day reminder, shown after the backup
    restore_backup(ledger_path, source, NOW, keep=10)
    book.acknowledge_changes()
    assert plan_due(book, policy, NOW).due == ()
    book.close()


def test_the_restore_waits_for_a_writer_then_backs_up_what_it_wrote(ledger_path: Path) -> None:
    book = Ledger.open(ledger_path)
    book.add_credit(NewCredit(source="refund", currency="USD", amount="3", reference="old"), TODAY)
    source = make_backup(ledger_path, "manual", NOW)
    lock = sqlite3.connect(ledger_path, isolation_level=None)
    lock.execute("BEGIN IMMEDIATE")
    lock.execute("INSERT INTO settings (key, value) VALUES ('pending', '1')")
    done: list[object] = []
    restoring = threading.Thread(target=lambda: done.append(restore_backup(ledger_path, source, NOW, keep=10)))
    restoring.start()
    time.sleep(0.3)
    assert done == []  # still waiting for the writer's lock
    lock.execute("COMMIT")
    lock.close()
    restoring.join(timeout=30)
    [report] = done
    assert isinstance(report, RestoreReport) and report.previous_backup is not None
    con = sqlite3.connect(report.previous_backup)
    assert con.execute("SELECT value FROM settings WHERE key = 'pending'").fetchone() == ("1",)
    con.close()
    book.close()


@pytest.mark.parametrize("suffix", ["", "-wal"])
def test_importing_the_open_ledger_itself_is_refused_without_touching_its_locks(
    ledger_path: Path, suffix: str
) -> None:
    from ledger.errors import LedgerError
    from ledger.files.formats import import_file

    book = Ledger.open(ledger_path)
    book.add_credit(NewCredit(source="refund", currency="USD", amount="1", reference="one"), TODAY)
    with pytest.raises(LedgerError, match="the ledger itself"):
        import_file(book, ledger_path.with_name(ledger_path.name + suffix), NOW)
    listing = subprocess.run(
        [sys.executable, "main.py", "--db", str(ledger_path), "list"], cwd=REPO, capture_output=True, check=False
    )
    assert listing.returncode == 0
    book.add_credit(NewCredit(source="refund", currency="USD", amount="2", reference="two"), TODAY)
    assert references(ledger_path) == {"one", "two"}
    book.close()
