"""Settings stored by hand-edited or hostile rows never crash the app: each bad value falls back to its default."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from ledger.storage.settings import Settings, load_settings, save_settings
from ledger.storage.store import Ledger
from tests.conftest import CliRunner


def write_raw(path: Path, rows: dict[str, str]) -> None:
    con = sqlite3.connect(path)
    with con:
        con.executemany("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)", rows.items())
    con.close()


@pytest.mark.parametrize(
    "lead_days",
    ['["x", -5]', "[-5]", "[true]", '"30"', "[" + "9" * 5000 + "]", "[[[[" * 2000, "not json", "[1.5]"],
)
def test_junk_lead_days_fall_back_to_the_default_and_keep_the_other_settings(
    ledger: Ledger, ledger_path: Path, lead_days: str
) -> None:
    save_settings(ledger, Settings(backups_to_keep=3, remind_at="18:30"))
    write_raw(ledger_path, {"lead_days": lead_days})
    settings = load_settings(ledger)
    assert settings.lead_days == Settings().lead_days
    assert (settings.backups_to_keep, settings.remind_at) == (3, "18:30")


def test_every_setting_junk_gives_the_defaults(ledger: Ledger, ledger_path: Path) -> None:
    write_raw(
        ledger_path,
        {
            "lead_days": '["x", -5]',
            "remind_at": '"25:99"',
            "backups_to_keep": "true",
            "notifications_enabled": '"yes"',
            "close_to_tray": "1",
        },
    )
    assert load_settings(ledger) == Settings()


def test_remind_runs_with_junk_settings(cli: CliRunner, ledger_path: Path) -> None:
    Ledger.open(ledger_path).close()
    write_raw(ledger_path, {"lead_days": '["x", -5]'})
    result = cli("remind", "--once")
    assert (result.code, result.err) == (0, "")
