"""Installed is the real thing: the wheel, in a fresh virtual environment outside the checkout, run from `/`.

Only what the wheel declares is installed (no test tools: no dbus-python), so the app must find
everything it ships through the package and verify its notifications without them.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import venv
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.slow



@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A fresh venv outside the checkout with the wheel built from this tree installed; its bin folder."""
    place = tmp_path_factory.mktemp("installed")
    wheels = place / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(REPO), "--no-deps", "-q", "-w", str(wheels)],
        check=True,
        capture_output=True,
        cwd=place,
    )
    [wheel] = wheels.glob("*.whl")
    environment = place / "venv"
    venv.create(environment, with_pip=True)
    subprocess.run(
        [str(environment / "bin" / "python"), "-m", "pip", "install", "-q", str(wheel)],
        check=True,
        capture_output=True,
        cwd=place,
    )
    yield environment / "bin"


def run(bin_dir: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(bin_dir / "credit-ledger"), *args],
        cwd="/",
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen", **(env or {})},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_the_wheel_carries_no_checkout_and_no_generic_module_names(installed: Path) -> None:
    site = next((installed.parent / "lib").glob("python3*/site-packages"))
    assert (site / "ledger" / "resources" / "rules" / "amazon-us.toml").is_file()
    assert not (site / "main.py").exists() and not (site / "resources").exists()
    probe = subprocess.run(
        [str(installed / "python"), "-c", "import dbus"], capture_output=True, cwd="/", check=False
    )
    assert probe.returncode != 0  # a test tool, not something the app needs


def test_the_installed_command_uses_the_shipped_rules_and_advice(installed: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "ledger.sqlite3")
    added = run(installed, "--db", db, "add", "--source", "refund", "--amount", "25", "--currency", "USD")
    assert added.returncode == 0, added.stderr
    shown = run(installed, "--db", db, "show", "1", "--json")
    assert shown.returncode == 0 and shown.stderr == "", shown.stderr
    credit = json.loads(shown.stdout)
    rules = {answer["use"]: answer["rule"] for answer in credit["eligibility"]}
    # Ids from resources/rules/amazon-us.toml; without the shipped rules every answer is the cautious default.
    assert rules["amazon_gift_cards"] == "faq-refund-balance", rules
    assert not any(rule.startswith("cautious") for rule in rules.values()), rules
    assert credit["advice"], "the shipped advice is missing"


def test_the_installed_command_exports_a_calendar(installed: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "ledger.sqlite3")
    run(installed, "--db", db, "add", "--source", "gift_card", "--amount", "5", "--currency", "USD",
        "--expires", "2030-01-31")  # fmt: skip
    exported = run(installed, "--db", db, "export", "--format", "ics", "-o", str(tmp_path / "credits.ics"))
    assert exported.returncode == 0, exported.stderr
    calendar = (tmp_path / "credits.ics").read_text(encoding="utf-8")
    assert "BEGIN:VEVENT" in calendar and "DTSTART;VALUE=DATE:20300131" in calendar


def test_the_installed_window_opens_with_its_style_icon_and_rules(installed: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "ledger.sqlite3")
    run(installed, "--db", db, "add", "--source", "refund", "--amount", "5", "--currency", "USD")
    window = run(installed, "--db", db, "--self-test")
    assert window.returncode == 0, window.stdout + window.stderr
    facts = dict(line.split(": ", 1) for line in window.stdout.splitlines())
    assert "site-packages" in facts["resources"]
    assert (facts["style"], facts["icon"], facts["rules"], facts["credits"]) == ("True", "True", "True", "1")
    noise = [line for line in window.stderr.splitlines() if "propagateSizeHints" not in line]
    assert noise == []


@pytest.mark.parametrize("notify_send_exit", [None, 0, 1])
def test_the_installed_reminder_without_a_notification_service_exits_1_and_records_nothing(
    installed: Path, tmp_path: Path, notify_send_exit: int | None
) -> None:
    db = str(tmp_path / "ledger.sqlite3")
    env = {
        "CREDIT_LEDGER_NOW": "2026-06-23T09:30:00+00:00",
        "DBUS_SESSION_BUS_ADDRESS": "unix:path=/nonexistent/bus",
        "XDG_RUNTIME_DIR": str(tmp_path),
    }
    added = run(installed, "--db", db, "add", "--source", "gift_card", "--amount", "5", "--currency", "USD",
                "--expires", "2026-06-30", env=env)  # fmt: skip
    assert added.returncode == 0, added.stderr
    if notify_send_exit is not None:
        # Without dbus-python, plyer used to run notify-send and take any outcome as a shown notification.
        tools = tmp_path / "bin"
        tools.mkdir()
        (tools / "notify-send").write_text(f"#!/bin/sh\nexit {notify_send_exit}\n", encoding="utf-8")
        (tools / "notify-send").chmod(0o755)
        env["PATH"] = f"{tools}:{os.environ['PATH']}"
    reminded = run(installed, "--db", db, "remind", "--once", env=env)
    assert reminded.returncode == 1, reminded.stdout + reminded.stderr
    assert "Sent" not in reminded.stdout and "will be retried" in reminded.stderr
    con = sqlite3.connect(db)
    try:
        assert con.execute("SELECT COUNT(*) FROM reminder_sent").fetchone() == (0,)
    finally:
        con.close()


def test_the_installed_desktop_entry_and_metainfo_validate(installed: Path, tmp_path: Path) -> None:
    env = {"XDG_DATA_HOME": str(tmp_path / "share")}
    done = run(installed, "--install-desktop", env=env)
    assert done.returncode == 0, done.stderr
    entry = tmp_path / "share" / "applications" / "io.github.creditledger.CreditLedger.desktop"
    metainfo = tmp_path / "share" / "metainfo" / "io.github.creditledger.CreditLedger.metainfo.xml"
    icon = tmp_path / "share" / "icons" / "hicolor" / "scalable" / "apps" / "io.github.creditledger.CreditLedger.svg"
    assert icon.read_bytes().startswith(b"<")
    assert f"Exec={installed / 'credit-ledger'}\n" in entry.read_text(encoding="utf-8")
    checked = subprocess.run(["desktop-file-validate", str(entry)], capture_output=True, text=True, check=False)
    assert checked.returncode == 0 and checked.stdout == "", checked.stdout
    checked = subprocess.run(
        ["appstreamcli", "validate", "--no-net", str(metainfo)], capture_output=True, text=True, check=False
    )
    assert checked.returncode == 0, checked.stdout
    removed = run(installed, "--uninstall-desktop", env=env)
    assert removed.returncode == 0 and not entry.exists() and not metainfo.exists() and not icon.exists()
