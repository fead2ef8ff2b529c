"""Shared fixtures: a real ledger file per test, an isolated home, and the command line in-process."""

from __future__ import annotations

import hashlib
import io
import os
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

# Qt must never look for a real screen in tests.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# No test may reach the developer's desktop bus or make D-Bus autolaunch one: a test that wants
# notifications starts its own private bus (tests/dbus_fixtures.py), which replaces this address.
os.environ["DBUS_SESSION_BUS_ADDRESS"] = "unix:path=/nonexistent/credit-ledger-tests-have-no-session-bus"

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import ledger.shipped  # noqa: E402

# An editable install maps `ledger.resources` to the checkout it was made from; tests read the rules, style and
# icons of the checkout they run in (another git worktree has its own). Installed, `shipped` finds them as always.
if (REPO / "resources" / "__init__.py").is_file():
    ledger.shipped.resources_dir = lambda: REPO / "resources"  # type: ignore[assignment]

import main as entry  # noqa: E402
from ledger.storage.store import Ledger  # noqa: E402

# The keyrings tests use: an in-memory one for every test (below), a real Secret Service where asked.
pytest_plugins = ("tests.keyring_fixtures",)

if TYPE_CHECKING:
    from tests.keyring_fixtures import MemoryKeyring


@pytest.fixture(autouse=True)
def isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point every per-user folder at a private temporary place, so no test touches real user data."""
    home = tmp_path_factory.mktemp("home")
    for name, sub in (("XDG_DATA_HOME", "data"), ("XDG_CONFIG_HOME", "config"), ("XDG_CACHE_HOME", "cache")):
        (home / sub).mkdir()
        monkeypatch.setenv(name, str(home / sub))
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("CREDIT_LEDGER_DB", raising=False)
    monkeypatch.delenv("CREDIT_LEDGER_NOW", raising=False)
    return home


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    """No test reaches a real keyring: each gets an empty in-memory one, set as the keyring `keyring` uses."""
    import keyring

    from tests.keyring_fixtures import MemoryKeyring

    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(MemoryKeyring())  # nothing kept from one test reaches the next


@pytest.fixture
def ledger_path(tmp_path: Path) -> Path:
    """Where this test's ledger file lives."""
    return tmp_path / "ledger.sqlite3"


@pytest.fixture
def ledger(ledger_path: Path) -> Iterator[Ledger]:
    """A real, freshly migrated ledger file."""
    book = Ledger.open(ledger_path)
    yield book
    book.close()


@dataclass
class CliResult:
    """What one run of the command line did."""

    code: int
    out: str
    err: str


CliRunner = Callable[..., CliResult]


@pytest.fixture
def cli(ledger_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """Run `credit-ledger ARGS` in-process against this test's ledger file."""

    def run(*args: str, stdin: str = "", db: Path | None = None) -> CliResult:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        code = entry.main(["--db", str(db or ledger_path), *args])
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


def in_time(work: Callable[[], object], seconds: float = 10) -> object:
    """Run `work` on a thread and return its result or the exception it raised; fail (instead of
    hanging the suite) if it has not finished in time, e.g. when it opened a named pipe."""
    outcome: list[object] = []

    def run() -> None:
        try:
            outcome.append(work())
        except BaseException as error:
            outcome.append(error)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), "still running after the time limit"
    return outcome[0]


def file_digest(path: Path) -> str:
    """A fingerprint of a file's bytes, to prove it was not changed."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def ledger_rows(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, read without writing: equal snapshots mean nothing was written."""
    import sqlite3

    con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        tables = [row[0] for row in con.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        return {table: con.execute(f'SELECT * FROM "{table}" ORDER BY 1').fetchall() for table in tables}
    finally:
        con.close()
