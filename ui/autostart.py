"""Start at login on Linux: an XDG autostart entry (~/.config/autostart/credit-ledger.desktop) that opens the tray."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

ENTRY_NAME = "credit-ledger.desktop"
MAIN_PY = Path(__file__).resolve().parent.parent / "main.py"


def autostart_path() -> Path:
    """Where the autostart entry lives: $XDG_CONFIG_HOME/autostart, else ~/.config/autostart."""
    config = os.environ.get("XDG_CONFIG_HOME", "")
    base = Path(config) if config and Path(config).is_absolute() else Path.home() / ".config"
    return base / "autostart" / ENTRY_NAME


def _exec_quote(argument: str) -> str:
    # The desktop entry spec's quoting: reserved characters need double quotes, and these escaped inside.
    if not any(ch in argument for ch in " \t\n\"'\\><~|&;$*?#()`"):
        return argument
    escaped = "".join("\\" + ch if ch in '"`$\\' else ch for ch in argument)
    return f'"{escaped}"'


def launch_command() -> list[str]:
    """How the login session starts the app: hidden in the tray, with the installed script if there is one."""
    script = shutil.which("credit-ledger")
    program = [script] if script else [sys.executable, str(MAIN_PY)]
    return [*program, "--background"]


def autostart_entry() -> str:
    """The text of the autostart entry."""
    command = " ".join(_exec_quote(part) for part in launch_command())
    return (
        "[Desktop Entry]\n"
        "Type=Application\n"
        "Name=Credit Ledger\n"
        "Comment=Reminders before store credit expires\n"
        f"Exec={command}\n"
        "Icon=credit-ledger\n"
        "Terminal=false\n"
        "X-GNOME-Autostart-enabled=true\n"
    )


def starts_at_login() -> bool:
    """True when the autostart entry exists."""
    return autostart_path().is_file()


def set_start_at_login(enabled: bool) -> Path:
    """Write or remove the autostart entry; returns its path."""
    path = autostart_path()
    if enabled:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(autostart_entry(), encoding="utf-8")
    else:
        path.unlink(missing_ok=True)
    return path
