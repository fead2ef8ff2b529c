"""The "Start at login" entry: its Exec line starts the ledger in use, quoted by the Desktop Entry spec."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

import main as entry
from ledger.private_files import FileTargetError
from ui.reminders.autostart import (
    autostart_entry,
    autostart_path,
    exec_arguments,
    launch_command,
    set_start_at_login,
    starts_at_login,
)

AWKWARD_NAMES = [
    "plain.sqlite3",
    "my ledgers/credit ledger.sqlite3",
    'quote "this" $HOME `cmd` back\\slash.sqlite3',
    "100% it's mine; (really) #1 & <more>.sqlite3",
    "tab\there ~ * ?.sqlite3",
]


def spec_arguments(value: str) -> list[str]:
    """An independent reading of an Exec value: string escapes first, then quoting, then %%."""
    escapes = {"s": " ", "n": "\n", "t": "\t", "r": "\r", "\\": "\\"}
    text, i = "", 0
    while i < len(value):
        if value[i] == "\\" and value[i + 1 : i + 2] in escapes:
            text, i = text + escapes[value[i + 1]], i + 2
        else:
            text, i = text + value[i], i + 1
    words, word, in_quotes, started, i = [], "", False, False, 0
    while i < len(text):
        ch = text[i]
        if in_quotes:
            if ch == "\\" and text[i + 1 : i + 2] in ('"', "`", "$", "\\"):
                word, i = word + text[i + 1], i + 2
                continue
            if ch == '"':
                in_quotes = False
            else:
                word += ch
        elif ch == '"':
            in_quotes = started = True
        elif ch == " ":
            if started:
                words.append(word)
            word, started = "", False
        else:
            # Outside quotes a reserved character would be an error: the writer must have quoted it.
            assert ch not in "\t\n\"'\\><~|&;$*?#()`", (ch, value)
            word, started = word + ch, True
        i += 1
    assert not in_quotes, value
    if started:
        words.append(word)
    return [w.replace("%%", "%") for w in words]


def exec_line(text: str) -> str:
    [line] = [line for line in text.splitlines() if line.startswith("Exec=")]
    return line.removeprefix("Exec=")


@pytest.mark.parametrize("name", AWKWARD_NAMES)
def test_the_exec_line_starts_this_ledger_in_the_tray_whatever_its_path(tmp_path: Path, name: str) -> None:
    db = tmp_path / name
    db.parent.mkdir(parents=True, exist_ok=True)

    arguments = spec_arguments(exec_line(autostart_entry(db)))

    assert arguments == launch_command(db)
    assert exec_arguments(exec_line(autostart_entry(db))) == arguments
    options = arguments[arguments.index("--db") :] if "--db" in arguments else []
    assert entry.wants_window(options)
    parsed = entry.window_arguments(options)
    assert parsed.db == db.resolve() and parsed.background and not parsed.demo


def test_the_demo_starts_as_the_demo() -> None:
    arguments = spec_arguments(exec_line(autostart_entry(demo=True)))

    assert arguments[-2:] == ["--demo", "--background"]
    assert "--db" not in arguments


def test_the_entry_is_this_ledgers_and_turning_it_off_elsewhere_leaves_it(tmp_path: Path) -> None:
    mine, other = tmp_path / "my ledger.sqlite3", tmp_path / "other.sqlite3"

    set_start_at_login(True, mine)

    assert starts_at_login(mine)
    assert not starts_at_login(other)
    assert not starts_at_login(mine, demo=True)
    set_start_at_login(False, other)
    assert autostart_path().exists()
    set_start_at_login(True, other)
    assert starts_at_login(other) and not starts_at_login(mine)
    set_start_at_login(False, other)
    assert not autostart_path().exists()


def test_an_entry_without_a_ledger_is_the_default_ledgers(tmp_path: Path) -> None:
    from ledger.storage.paths import default_db_path

    autostart_path().parent.mkdir(parents=True)
    autostart_path().write_text("[Desktop Entry]\nExec=credit-ledger --background\n", encoding="utf-8")

    assert starts_at_login(default_db_path())
    assert not starts_at_login(tmp_path / "elsewhere.sqlite3")


def test_the_autostart_entry_is_never_written_through_a_link(tmp_path: Path) -> None:
    entry = autostart_path()
    entry.parent.mkdir(parents=True)
    entry.symlink_to(tmp_path / "elsewhere.desktop")

    with pytest.raises(FileTargetError, match="symbolic link"):
        set_start_at_login(True, tmp_path / "ledger.sqlite3")

    assert entry.is_symlink() and not (tmp_path / "elsewhere.desktop").exists()
    set_start_at_login(False, tmp_path / "ledger.sqlite3")  # not this ledger's entry: left alone
    assert entry.is_symlink()


def test_the_autostart_entry_is_private_and_written_whole(tmp_path: Path) -> None:
    path = set_start_at_login(True, tmp_path / "ledger.sqlite3")

    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text(encoding="utf-8").startswith("[Desktop Entry]\n")
    assert [child.name for child in path.parent.iterdir()] == ["credit-ledger.desktop"]  # no staging file left
