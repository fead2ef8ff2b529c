"""Where the files the app ships are (rules, icons, style, desktop entry): the same whichever way it was installed.

From a wheel or pipx they are the package `ledger.resources` (pyproject.toml maps the checkout's
`resources/` folder to it) and are found with `importlib.resources`; in a frozen bundle
(PyInstaller) they sit beside the executable, as qutebrowser finds its own; in a checkout that
was never installed, `resources/` beside `ledger/`.
"""

from __future__ import annotations

import sys
from functools import lru_cache
from pathlib import Path

RULES = "rules"
ICONS = "icons"
STYLE = "style"

# The app's identity on the desktop: its .desktop file, icon and metainfo are named after it.
APP_ID = "io.github.creditledger.CreditLedger"


@lru_cache(maxsize=1)
def resources_dir() -> Path:
    """The folder holding everything the app ships."""
    frozen_base = getattr(sys, "_MEIPASS", None) if getattr(sys, "frozen", False) else None
    if frozen_base is not None:
        return Path(frozen_base) / "resources"
    # Looked for on disk first: importlib.resources costs the window a twentieth of its start-up.
    package = Path(__file__).resolve().parent
    installed = package / "resources"  # a wheel or pipx install puts the package here
    if (installed / "__init__.py").is_file():
        return installed
    checkout = package.parent
    if (checkout / "pyproject.toml").is_file() and (checkout / "resources" / "__init__.py").is_file():
        return checkout / "resources"  # a checkout: the resources of this very checkout
    from importlib.resources import files

    try:
        found = files("ledger.resources")
    except ModuleNotFoundError:
        return checkout / "resources"
    return Path(str(found))


def shipped(*parts: str) -> Path:
    """A file (or folder) the app ships, e.g. `shipped("rules")` or `shipped("icons", "verdict-yes.svg")`."""
    return resources_dir().joinpath(*parts)


def app_icon() -> Path:
    """The app's own icon (scalable)."""
    return shipped(ICONS, f"{APP_ID}.svg")
