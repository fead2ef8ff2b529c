"""A damaged ledger file: detected at open, never written to, and recovered from the newest good backup."""

from __future__ import annotations

import os
import re
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ledger.storage.backup import make_backup, newest_good_backup
from ledger.storage.db import read_while_checking
from ledger.storage.inspection import DamagedLedgerError, quick_check
from ledger.storage.listing import list_credits
from ledger.storage.restore import restore_backup
from ledger.storage.store import Ledger, NewCredit
from tests.conftest import CliRunner, file_digest

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
TODAY = NOW.date()
PAGE = 4096


def fill(path: Path, titles: list[str]) -> None:
    ledger = Ledger.open(path)
    try:
        for title in titles:
            ledger.add_credit(NewCredit(source="refund", currency="EUR", amount="3.50", title=title * 4), TODAY)
    finally:
        ledger.close()
    con = sqlite3.connect(path)  # fold the log into the file, so the damage below hits real pages
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()


def damage(path: Path) -> None:
    """Overwrite bytes at the start of a page in the middle of the file, as a failing disk might."""
    data = bytearray(path.read_bytes())
    middle = len(data) // 2 // PAGE * PAGE
    data[middle : middle + 64] = b"\xff" * 64
    path.write_bytes(bytes(data))


@pytest.fixture
def damaged_with_backup(ledger_path: Path) -> Path:
    """A real ledger with 200 credits, a good backup of it, then damage to the ledger itself."""
    fill(ledger_path, [f"credit {n} " for n in range(200)])
    backup = make_backup(ledger_path, "daily", NOW)
    damage(ledger_path)
    assert quick_check(ledger_path) is not None
    return backup


def folder_state(folder: Path) -> dict[str, str]:
    return {path.name: file_digest(path) for path in folder.iterdir() if path.is_file()}


def test_a_damaged_file_is_detected_and_left_untouched(ledger_path: Path, damaged_with_backup: Path) -> None:
    before = folder_state(ledger_path.parent)
    with pytest.raises(DamagedLedgerError) as caught:
        Ledger.open(ledger_path)
    assert caught.value.backup == damaged_with_backup
    assert f"credit-ledger restore {damaged_with_backup}" in str(caught.value)
    assert "left untouched" in str(caught.value)
    assert folder_state(ledger_path.parent) == before


def test_without_a_backup_the_message_says_so(ledger_path: Path) -> None:
    fill(ledger_path, [f"credit {n} " for n in range(200)])
    damage(ledger_path)
    with pytest.raises(DamagedLedgerError, match="No good backup was found"):
        Ledger.open(ledger_path)


def test_a_damaged_backup_is_never_offered(ledger_path: Path, damaged_with_backup: Path) -> None:
    newer = make_backup(damaged_with_backup, "copy", NOW + timedelta(hours=1))  # a copy taken from the good one
    moved = newer.rename(damaged_with_backup.with_name(f"ledger-20250301-130000-daily{newer.suffix}"))
    damage(moved)
    assert newest_good_backup(ledger_path) == damaged_with_backup


def test_restore_sets_the_damaged_file_aside_and_brings_every_credit_back(
    ledger_path: Path, damaged_with_backup: Path
) -> None:
    damaged_bytes = ledger_path.read_bytes()
    report = restore_backup(ledger_path, damaged_with_backup, NOW + timedelta(minutes=5), keep=10)
    assert report.damaged_copy is not None and report.previous_backup is None
    assert report.damaged_copy.read_bytes() == damaged_bytes
    assert report.damaged_copy.parent == ledger_path.parent
    ledger = Ledger.open(ledger_path)
    try:
        summaries = ledger.summaries(TODAY)
    finally:
        ledger.close()
    assert len(summaries) == 200
    assert sum(summary.balance for summary in summaries) == 700


def test_cli_names_the_backup_then_restores_it(
    cli: CliRunner, ledger_path: Path, damaged_with_backup: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CREDIT_LEDGER_NOW", (NOW + timedelta(minutes=5)).isoformat())
    before = file_digest(ledger_path)
    refused = cli("list")
    assert (refused.code, refused.out) == (2, "")
    assert refused.err.count("\n") == 1
    assert f"credit-ledger restore {damaged_with_backup}" in refused.err
    assert file_digest(ledger_path) == before
    restored = cli("restore", str(damaged_with_backup), "--yes")
    assert restored.code == 0, restored.err
    assert "The damaged file was set aside as" in restored.out
    assert cli("list").code == 0
    [aside] = [
        path
        for path in ledger_path.parent.iterdir()
        if path.name.startswith("ledger.sqlite3.damaged-") and not path.name.endswith(("-wal", "-shm"))
    ]
    assert file_digest(aside) == before


def damaged_at_length(path: Path) -> None:
    """Damage that makes SQLite's quick check report many findings (scanning pages until one does)."""
    fill(path, [f"credit {n} " for n in range(200)])
    data = path.read_bytes()
    for page in range(1, len(data) // PAGE):
        damaged = bytearray(data)
        damaged[page * PAGE + 100 : page * PAGE + 300] = b"\x00" * 200
        path.write_bytes(bytes(damaged))
        con = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
        try:
            report = "\n".join(str(row[0]) for row in con.execute("PRAGMA quick_check"))
        except sqlite3.DatabaseError:
            continue
        finally:
            con.close()
        if len(report) > 1000:
            return
    pytest.fail("no page gave a long report")


def test_a_long_integrity_report_is_cut_to_its_first_finding_and_a_count(ledger_path: Path) -> None:
    damaged_at_length(ledger_path)
    problem = quick_check(ledger_path)
    assert problem is not None and "\n" not in problem
    assert len(problem) < 300 and re.search(r"\(and \d+ more problems\)$", problem)
    with pytest.raises(DamagedLedgerError) as caught:
        Ledger.open(ledger_path)
    assert len(str(caught.value)) < 600 and caught.value.problem == problem


def test_restoring_a_damaged_backup_says_so_and_names_the_newest_good_one(
    cli: CliRunner, ledger_path: Path, damaged_with_backup: Path
) -> None:
    bad = damaged_with_backup.with_name("ledger-20250301-130000-manual.sqlite3")
    bad.write_bytes(ledger_path.read_bytes())  # a damaged copy among the backups
    result = cli("restore", str(bad), "--yes")
    assert result.code == 2 and result.err.count("\n") == 1
    assert "this backup is damaged" in result.err
    assert f"The newest good backup is {damaged_with_backup}" in result.err
    assert "backups/backups" not in result.err and "No good backup" not in result.err


def test_restoring_a_damaged_backup_without_a_good_one_says_where_it_looked(
    cli: CliRunner, ledger_path: Path, tmp_path: Path
) -> None:
    fill(ledger_path, ["kept "])
    bad = tmp_path / "elsewhere.sqlite3"
    fill(bad, [f"credit {n} " for n in range(200)])
    damage(bad)
    result = cli("restore", str(bad), "--yes")
    assert result.code == 2 and "this backup is damaged" in result.err
    assert f"No good backup of ledger.sqlite3 was found in {ledger_path.parent / 'backups'}." in result.err


@pytest.mark.parametrize(("given", "says"), [("folder", "is a folder"), ("/dev/zero", "not a regular file")])
def test_restore_names_what_is_wrong_with_a_folder_or_a_device(
    cli: CliRunner, ledger_path: Path, tmp_path: Path, given: str, says: str
) -> None:
    fill(ledger_path, ["kept "])
    target = str(tmp_path) if given == "folder" else given
    before = file_digest(ledger_path)
    result = cli("restore", target, "--yes")
    assert result.code == 2 and says in result.err and "does not exist" not in result.err
    assert file_digest(ledger_path) == before


def test_restore_of_a_fifo_is_refused_without_waiting(cli: CliRunner, ledger_path: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "backup.sqlite3"
    os.mkfifo(fifo)
    result = cli("restore", str(fifo), "--yes")
    assert result.code == 2 and "not a regular file" in result.err


def test_reading_while_the_check_runs_gives_nothing_of_a_damaged_file(
    ledger_path: Path, damaged_with_backup: Path
) -> None:
    before = file_digest(ledger_path)
    with pytest.raises(DamagedLedgerError) as caught:
        read_while_checking(ledger_path, lambda: "what a damaged file gave")
    assert caught.value.backup == damaged_with_backup

    def failing_read() -> int:
        raise sqlite3.DatabaseError("database disk image is malformed")

    with pytest.raises(DamagedLedgerError):
        read_while_checking(ledger_path, failing_read)
    assert file_digest(ledger_path) == before


def test_reading_while_the_check_runs_on_a_sound_ledger_gives_what_was_read(ledger_path: Path, tmp_path: Path) -> None:
    fill(ledger_path, ["one ", "two "])
    assert read_while_checking(ledger_path, lambda: len(list_credits(ledger_path, TODAY))) == 2
    # A new file, or one to upgrade, is opened first: nothing is read here.
    assert read_while_checking(tmp_path / "new.sqlite3", lambda: pytest.fail("nothing to read yet")) is None
