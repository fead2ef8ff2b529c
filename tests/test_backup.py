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
    daily_backup,
    list_backups,
    make_backup,
    prune_backups,
    startup_backup,
)
from ledger.storage.paths import backups_dir
from ledger.storage.restore import restore_backup
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


# --- killed backups and restores, planted links ----------------------------------------------------


def test_a_killed_backup_is_neither_listed_nor_counted_among_those_kept(ledger: Ledger, ledger_path: Path) -> None:
    add(ledger, "kept")
    good = [make_backup(ledger_path, "manual", NOW + timedelta(hours=hour)) for hour in range(3)]
    folder = backups_dir(ledger_path)
    empty = folder / f"{ledger_path.stem}-20250302-000000-daily.sqlite3"
    empty.touch()
    truncated = folder / f"{ledger_path.stem}-20250302-010000-daily.sqlite3"
    truncated.write_bytes(good[0].read_bytes()[:5000])
    assert [info.path for info in list_backups(ledger_path)] == good[::-1]
    prune_backups(ledger_path, keep=3)
    assert all(path.exists() for path in good)


def test_a_backup_is_written_under_a_staging_name_and_leftovers_of_killed_ones_go_at_open(
    ledger: Ledger, ledger_path: Path
) -> None:
    add(ledger, "kept")
    ledger.close()
    folder = backups_dir(ledger_path)
    folder.mkdir(mode=0o700)
    killed_backup = folder / f".{ledger_path.stem}-backup-abc123.partial"
    killed_backup.write_bytes(b"SQLite format 3\x00" + b"\x00" * 100)
    killed_restore = ledger_path.with_name(f".{ledger_path.name}.restoring-xyz.partial")
    killed_restore.write_bytes(b"x" * 1000)
    old_style = ledger_path.with_name(f"{ledger_path.name}.restoring")
    old_style.write_bytes(b"x" * 1000)
    Ledger.open(ledger_path).close()
    assert not killed_backup.exists() and not killed_restore.exists() and not old_style.exists()
    assert list_backups(ledger_path) == []


def test_a_staging_file_another_process_is_still_writing_is_left_alone(ledger_path: Path) -> None:
    import subprocess
    import sys

    Ledger.open(ledger_path).close()
    busy = ledger_path.with_name(f".{ledger_path.name}.restoring-busy.partial")
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl, os, sys; fd = os.open(sys.argv[1], os.O_CREAT | os.O_RDWR, 0o600); "
            "fcntl.flock(fd, fcntl.LOCK_EX); print('held', flush=True); sys.stdin.read()",
            str(busy),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        Ledger.open(ledger_path).close()
        assert busy.exists()
    finally:
        holder.communicate("")
    Ledger.open(ledger_path).close()
    assert not busy.exists()


def test_a_backup_never_writes_through_a_link_planted_under_its_name(
    ledger: Ledger, ledger_path: Path, tmp_path: Path
) -> None:
    add(ledger, "kept")
    folder = backups_dir(ledger_path)
    folder.mkdir(mode=0o700)
    victim = tmp_path / "victim.txt"
    planted = folder / f"{ledger_path.stem}-{NOW.strftime('%Y%m%d-%H%M%S')}-manual.sqlite3"
    planted.symlink_to(victim)  # dangling: a plain open(O_CREAT) would create the victim file
    target = make_backup(ledger_path, "manual", NOW)
    assert not victim.exists()
    assert planted.is_symlink() and target != planted
    assert titles(target) == ["kept"]
    assert [info.path for info in list_backups(ledger_path)] == [target]


def test_a_restore_of_a_missing_ledger_ignores_a_stale_write_ahead_log(ledger: Ledger, ledger_path: Path) -> None:
    add(ledger, "in the backup")
    backup = make_backup(ledger_path, "manual", NOW)
    add(ledger, "only in the log")
    ledger.close()
    stale_log = ledger_path.with_name(ledger_path.name + "-wal")
    Ledger.open(ledger_path).close()
    con = sqlite3.connect(ledger_path)
    con.execute("PRAGMA wal_autocheckpoint = 0")
    con.execute("UPDATE credit SET title = 'from the stale log'")
    con.commit()
    log = stale_log.read_bytes()
    con.close()
    ledger_path.unlink()
    stale_log.write_bytes(log)
    restore_backup(ledger_path, backup, NOW, keep=10)
    assert titles(ledger_path) == ["in the backup"]


def test_a_file_named_with_other_digits_is_not_taken_for_a_backup(ledger: Ledger, ledger_path: Path) -> None:
    add(ledger, "kept")
    made = make_backup(ledger_path, "manual", NOW)
    lookalike = made.with_name(made.name.replace("2025", "٢٠٢٥"))
    lookalike.write_bytes(made.read_bytes())
    assert [info.path for info in list_backups(ledger_path)] == [made]
