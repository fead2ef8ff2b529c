"""Backups: consistent private copies, listed with their dates, the daily one, pruning, and restore."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from ledger.storage.backup import (
    BackupError,
    backup_now,
    backups_dir,
    daily_backup,
    list_backups,
    make_backup,
    prune_backups,
    restore_backup,
    startup_backup,
)
from ledger.storage.settings import Settings, load_settings, save_settings
from ledger.storage.store import Ledger, NewCredit
from tests.conftest import CliRunner, file_digest

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
TODAY = NOW.date()


def add(ledger: Ledger, title: str) -> int:
    return ledger.add_credit(NewCredit(source="gift_card", currency="USD", amount="10", title=title), TODAY)


def titles(path: Path) -> list[str]:
    ledger = Ledger.open(path)
    try:
        return [summary.title for summary in ledger.summaries(TODAY)]
    finally:
        ledger.close()


def test_a_backup_is_a_private_consistent_copy_listed_with_its_date(ledger: Ledger, ledger_path: Path) -> None:
    add(ledger, "kept")  # still in the write-ahead log: the copy must include it
    target = make_backup(ledger_path, "manual", NOW)
    assert target.parent == backups_dir(ledger_path)
    assert target.stat().st_mode & 0o777 == 0o600
    assert backups_dir(ledger_path).stat().st_mode & 0o777 == 0o700
    assert titles(target) == ["kept"]
    [info] = list_backups(ledger_path)
    assert (info.path, info.taken_at, info.reason) == (target, NOW, "manual")
    assert sorted(p.name for p in backups_dir(ledger_path).iterdir()) == [target.name]  # no -wal or -shm beside it


def test_backups_in_the_same_second_do_not_overwrite_each_other(ledger: Ledger, ledger_path: Path) -> None:
    first = make_backup(ledger_path, "manual", NOW)
    second = make_backup(ledger_path, "manual", NOW)
    assert first != second
    assert {info.path for info in list_backups(ledger_path)} == {first, second}


def test_only_the_newest_backups_are_kept(ledger: Ledger, ledger_path: Path) -> None:
    made = [backup_now(ledger_path, "manual", NOW + timedelta(hours=hour), keep=3) for hour in range(5)]
    assert [info.path for info in list_backups(ledger_path)] == made[:1:-1]
    assert prune_backups(ledger_path, 1) == made[3:1:-1]


def test_backups_of_another_ledger_in_the_same_folder_are_not_listed(ledger: Ledger, ledger_path: Path) -> None:
    other = Ledger.open(ledger_path.with_name("demo.sqlite3"))
    other.close()
    make_backup(ledger_path.with_name("demo.sqlite3"), "manual", NOW)
    assert list_backups(ledger_path) == []


def test_the_start_up_backup_is_taken_at_most_once_a_day(ledger: Ledger, ledger_path: Path) -> None:
    first = daily_backup(ledger_path, NOW, keep=10)
    assert first is not None
    assert daily_backup(ledger_path, NOW + timedelta(hours=6), keep=10) is None
    assert daily_backup(ledger_path, NOW + timedelta(days=1), keep=10) is not None


def test_no_start_up_backup_of_a_ledger_that_does_not_exist(tmp_path: Path) -> None:
    assert daily_backup(tmp_path / "missing.sqlite3", NOW, keep=10) is None


def test_restore_replaces_the_ledger_and_keeps_the_previous_one(ledger: Ledger, ledger_path: Path) -> None:
    add(ledger, "before")
    backup = make_backup(ledger_path, "manual", NOW)
    add(ledger, "after")
    ledger.close()
    report = restore_backup(ledger_path, backup, NOW + timedelta(minutes=1), keep=10)
    assert titles(ledger_path) == ["before"]
    assert report.previous_backup is not None
    assert titles(report.previous_backup) == ["before", "after"]
    assert report.damaged_copy is None
    assert ledger_path.stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"just some text\n", "not an SQLite file"),
        (None, "another program"),
        (b"", "not a Credit Ledger file"),
    ],
    ids=["text file", "other sqlite database", "empty file"],
)
def test_restore_refuses_a_file_that_is_not_a_good_ledger_and_changes_nothing(
    ledger: Ledger, ledger_path: Path, tmp_path: Path, content: bytes | None, message: str
) -> None:
    add(ledger, "mine")
    ledger.close()
    candidate = tmp_path / "candidate.sqlite3"
    if content is None:
        con = sqlite3.connect(candidate)
        con.execute("CREATE TABLE notes (body TEXT)")
        con.close()
    else:
        candidate.write_bytes(content)
    before = file_digest(ledger_path)
    with pytest.raises(BackupError, match=message):
        restore_backup(ledger_path, candidate, NOW, keep=10)
    assert file_digest(ledger_path) == before
    assert titles(ledger_path) == ["mine"]


def test_restore_refuses_the_ledger_itself(ledger: Ledger, ledger_path: Path) -> None:
    ledger.close()
    with pytest.raises(BackupError, match="is the ledger itself"):
        restore_backup(ledger_path, ledger_path, NOW, keep=10)


# --- command line -----------------------------------------------------------------------------


@pytest.fixture
def pinned_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CREDIT_LEDGER_NOW", NOW.isoformat())


@pytest.mark.usefixtures("pinned_clock")
def test_cli_backup_backups_and_restore(cli: CliRunner, ledger_path: Path) -> None:
    cli("add", "--source", "gift_card", "--amount", "5", "--currency", "USD", "--title", "first")
    made = json.loads(cli("backup", "--json").out)["backup"]
    cli("add", "--source", "gift_card", "--amount", "6", "--currency", "USD", "--title", "second")
    listed = json.loads(cli("backups", "--json").out)
    # The command that opened a ledger with credits in it also took the day's automatic backup.
    assert sorted(entry["file"] for entry in listed) == sorted([made, made.replace("manual", "daily")])
    assert {entry["taken_at"] for entry in listed} == {NOW.isoformat()}
    assert "manual" in cli("backups").out
    refused = cli("restore", Path(made).name, stdin="n\n")
    assert (refused.code, refused.out) == (2, "")
    assert "not restored" in refused.err
    restored = cli("restore", Path(made).name, "--yes")
    assert restored.code == 0, restored.err
    assert [item["title"] for item in json.loads(cli("list", "--json").out)] == ["first"]


@pytest.mark.usefixtures("pinned_clock")
def test_cli_restore_of_a_missing_file_exits_2_with_one_line(cli: CliRunner, ledger_path: Path) -> None:
    Ledger.open(ledger_path).close()
    before = file_digest(ledger_path)
    result = cli("restore", "nowhere.sqlite3", "--yes")
    assert (result.code, result.out, result.err.count("\n")) == (2, "", 1)
    assert "does not exist" in result.err
    assert file_digest(ledger_path) == before


def test_taken_at_dates_come_from_the_file_names(ledger: Ledger, ledger_path: Path) -> None:
    make_backup(ledger_path, "daily", datetime(2024, 12, 31, 23, 59, 59, tzinfo=UTC))
    assert list_backups(ledger_path)[0].taken_at.date() == date(2024, 12, 31)


def test_the_start_up_backup_follows_the_backups_to_keep_setting(ledger: Ledger, ledger_path: Path) -> None:
    save_settings(ledger, Settings(backups_to_keep=2))
    ledger.add_credit(NewCredit(source="refund", currency="USD", amount="5"), NOW.date())
    for day in range(4):
        assert startup_backup(ledger_path, NOW + timedelta(days=day), load_settings(ledger).backups_to_keep) is not None
    assert len(list_backups(ledger_path)) == 2


def test_an_empty_ledger_gets_no_start_up_backup(ledger: Ledger, ledger_path: Path) -> None:
    assert startup_backup(ledger_path, NOW, 10) is None
    assert list_backups(ledger_path) == []
