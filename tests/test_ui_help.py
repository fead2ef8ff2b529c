"""Help covers reminders (cron and systemd as README.md gives them), files, backups and the data folder;
Help → About names the version, this ledger's folder and the licence."""

from __future__ import annotations

import tomllib
from importlib import metadata
from pathlib import Path

from pytestqt.qtbot import QtBot

from ledger.storage.paths import data_dir
from tests.ui_helpers import OFFSCREEN_NOISE, make_window
from ui.dialogs.about_dialog import AboutDialog, app_version
from ui.window.help_panel import CRON_LINE, SYSTEMD_ENABLE, SYSTEMD_UNITS, HelpPanel

pytestmark = OFFSCREEN_NOISE

REPO = Path(__file__).resolve().parent.parent


def test_the_help_gives_the_cron_line_and_the_systemd_timer_exactly_as_the_readme_does() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")

    assert "DBUS_SESSION_BUS_ADDRESS=" in CRON_LINE
    for text in (CRON_LINE, SYSTEMD_UNITS, SYSTEMD_ENABLE):
        assert text in readme


def test_help_covers_reminders_files_backups_and_where_the_data_lives(
    qtbot: QtBot, ledger_path: Path, tmp_path: Path
) -> None:
    window = make_window(qtbot, ledger_path, tmp_path / "window.ini")

    window.help_action.trigger()

    panel = window.help_panel
    assert isinstance(panel, HelpPanel) and window.help_dock.isVisible()
    text = panel.toPlainText()
    for heading in ("Reminders", "Importing and exporting", "Backups", "Where your data lives"):
        assert f"\n{heading}\n" in text
    assert CRON_LINE in text
    assert "ExecStart=%h/.local/bin/credit-ledger remind --once" in text
    assert SYSTEMD_ENABLE in text
    assert f"ledger.sqlite3, in {data_dir()}," in " ".join(text.split())
    assert "Snooze a day" in text and "Ctrl+Q" in text


def test_help_about_names_the_version_this_ledgers_folder_and_the_licence(
    qtbot: QtBot, ledger_path: Path, tmp_path: Path
) -> None:
    window = make_window(qtbot, ledger_path, tmp_path / "window.ini")
    [about] = [action for action in window.help_menu.actions() if action.objectName() == "aboutAction"]

    about.trigger()

    dialog = window.findChild(AboutDialog)
    assert dialog is not None and dialog.isVisible()
    text = dialog.text()
    assert f"Version {metadata.version('credit-ledger')}" in text
    assert str(ledger_path) in text and str(ledger_path.parent) in text
    assert "MIT: free software" in text
    assert dialog.folder == ledger_path.parent
    dialog.reject()


def test_a_checkout_that_was_never_installed_reports_the_version_its_pyproject_declares(tmp_path: Path) -> None:
    declared = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]

    version = app_version("credit-ledger-not-installed-anywhere")

    assert version.startswith(f"{declared} (not installed")
    assert app_version("credit-ledger-not-installed-anywhere", tmp_path / "missing.toml") == "unknown"
