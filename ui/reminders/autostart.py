"""Start at login on Linux: an XDG autostart entry (~/.config/autostart/credit-ledger.desktop) that opens the tray.

The entry starts the ledger it was turned on for: its Exec line carries `--db PATH` (or
`--demo`), quoted by the Desktop Entry spec's rules. There is one entry, so turning it on for
one ledger moves it from another; turning it off only removes it when it is this ledger's.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from ledger.private_files import write_file
from ledger.shipped import APP_ID

ENTRY_NAME = "credit-ledger.desktop"
MAIN_PY = Path(__file__).resolve().parents[2] / "main.py"

# The Desktop Entry spec's reserved characters: an argument holding any of them is double-quoted,
# and inside the quotes these four are escaped with a backslash.
_RESERVED = frozenset(" \t\n\"'\\><~|&;$*?#()`")
_ESCAPED_IN_QUOTES = frozenset('"`$\\')
# The escapes of a string value, applied to the whole Exec value after the quoting.
_VALUE_ESCAPES = {"\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r"}
_VALUE_UNESCAPES = {"\\": "\\", "n": "\n", "t": "\t", "r": "\r", "s": " "}


def autostart_path() -> Path:
    """Where the autostart entry lives: $XDG_CONFIG_HOME/autostart, else ~/.config/autostart."""
    config = os.environ.get("XDG_CONFIG_HOME", "")
    base = Path(config) if config and Path(config).is_absolute() else Path.home() / ".config"
    return base / "autostart" / ENTRY_NAME


def _exec_quote(argument: str) -> str:
    if argument and not any(ch in _RESERVED for ch in argument):
        quoted = argument
    else:
        quoted = '"' + "".join("\\" + ch if ch in _ESCAPED_IN_QUOTES else ch for ch in argument) + '"'
    return quoted.replace("%", "%%")  # a literal percent sign, never a field code


def exec_value(arguments: list[str]) -> str:
    """The Exec value that runs exactly `arguments`: each quoted as needed, then escaped as a string value."""
    line = " ".join(_exec_quote(argument) for argument in arguments)
    return "".join(_VALUE_ESCAPES.get(ch, ch) for ch in line)


def exec_arguments(value: str) -> list[str]:
    """The arguments an Exec value runs (the reverse of `exec_value`; field codes other than %% are dropped)."""
    text, i = [], 0
    while i < len(value):
        if value[i] == "\\" and i + 1 < len(value) and value[i + 1] in _VALUE_UNESCAPES:
            text.append(_VALUE_UNESCAPES[value[i + 1]])
            i += 2
        else:
            text.append(value[i])
            i += 1
    arguments: list[str] = []
    current: list[str] | None = None
    quoted, chars, i = False, "".join(text), 0
    while i < len(chars):
        ch = chars[i]
        if quoted and ch == "\\" and i + 1 < len(chars) and chars[i + 1] in _ESCAPED_IN_QUOTES:
            current = [*(current or []), chars[i + 1]]
            i += 2
            continue
        if ch == '"':
            quoted = not quoted
            current = current or []
        elif ch in " \t\n" and not quoted:
            if current is not None:
                arguments.append("".join(current))
            current = None
        else:
            current = [*(current or []), ch]
        i += 1
    if current is not None:
        arguments.append("".join(current))
    return [_drop_field_codes(argument) for argument in arguments]


def _drop_field_codes(argument: str) -> str:
    out, i = [], 0
    while i < len(argument):
        if argument[i] == "%" and i + 1 < len(argument):
            if argument[i + 1] == "%":
                out.append("%")
            i += 2
            continue
        out.append(argument[i])
        i += 1
    return "".join(out)


def launch_command(db_path: Path | None = None, demo: bool = False) -> list[str]:
    """How the login session starts the app on this ledger, hidden in the tray (the installed script if any)."""
    # This installation's own command: the bundle itself, the script beside this Python (a venv or
    # pipx), one on the PATH, else the checkout's main.py.
    own_script = Path(sys.executable).parent / "credit-ledger"
    if getattr(sys, "frozen", False):
        program = [sys.executable]
    elif own_script.is_file():
        program = [str(own_script)]
    elif script := shutil.which("credit-ledger"):
        program = [script]
    else:
        program = [sys.executable, str(MAIN_PY)]
    if demo:
        ledger = ["--demo"]
    elif db_path is not None:
        ledger = ["--db", str(Path(db_path).resolve())]
    else:
        ledger = []
    return [*program, *ledger, "--background"]


def autostart_entry(db_path: Path | None = None, demo: bool = False) -> str:
    """The text of the autostart entry for a ledger."""
    return (
        "[Desktop Entry]\n"
        "Type=Application\n"
        "Name=Credit Ledger\n"
        "Comment=Reminders before store credit expires\n"
        f"Exec={exec_value(launch_command(db_path, demo))}\n"
        f"Icon={APP_ID}\n"
        "Terminal=false\n"
        "X-GNOME-Autostart-enabled=true\n"
    )


def entry_ledger() -> tuple[bool, Path | None] | None:
    """Which ledger the autostart entry opens, as (demo, --db path or None for the default); None without one."""
    path = autostart_path()
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    command = next((line.split("=", 1)[1] for line in lines if line.startswith("Exec=")), None)
    if command is None:
        return None
    arguments = exec_arguments(command)
    db: Path | None = None
    for index, argument in enumerate(arguments):
        if argument == "--db" and index + 1 < len(arguments):
            db = Path(arguments[index + 1])
        elif argument.startswith("--db="):
            db = Path(argument.removeprefix("--db="))
    return "--demo" in arguments, db


def starts_at_login(db_path: Path | None = None, demo: bool = False) -> bool:
    """True when the autostart entry exists and opens this ledger (the default ledger when no path is given)."""
    found = entry_ledger()
    if found is None:
        return False
    entry_demo, entry_db = found
    if demo or entry_demo:
        return demo == entry_demo
    from ledger.storage.paths import default_db_path

    wanted = Path(db_path) if db_path is not None else default_db_path()
    return (entry_db or default_db_path()).resolve() == wanted.resolve()


def set_start_at_login(enabled: bool, db_path: Path | None = None, demo: bool = False) -> Path:
    """Write the autostart entry for this ledger, or remove it (only if it is this ledger's); returns its path.

    Raises FileTargetError when the entry cannot be written (its name is a link or a folder, say).
    """
    path = autostart_path()
    if enabled:
        path.parent.mkdir(parents=True, exist_ok=True)
        # A link or a special file at the entry's name is refused (FileTargetError), never written through.
        write_file(path, autostart_entry(db_path, demo).encode("utf-8"))
    elif starts_at_login(db_path, demo):
        path.unlink(missing_ok=True)
    return path
