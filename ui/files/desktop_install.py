"""Desktop integration on Linux: the app in the menu, with its icon and store description (--install-desktop).

Writes three files into the user's XDG folders, named after the app's reverse-DNS id:
the desktop entry (`~/.local/share/applications/ID.desktop`), a scalable icon
(`~/.local/share/icons/hicolor/scalable/apps/ID.svg`) and AppStream metainfo
(`~/.local/share/metainfo/ID.metainfo.xml`). The entry runs this installation's own command,
so a pipx install, a bundle or a checkout each start themselves. No Qt here: it runs from the
command line before anything else is loaded.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ledger.private_files import write_file
from ledger.shipped import APP_ID, app_icon, shipped
from ui.reminders.autostart import exec_value, launch_command


@dataclass(frozen=True)
class DesktopFiles:
    """Where the three files go."""

    entry: Path
    icon: Path
    metainfo: Path

    def all(self) -> tuple[Path, Path, Path]:
        """The three paths, entry first."""
        return (self.entry, self.icon, self.metainfo)


def data_home() -> Path:
    """$XDG_DATA_HOME if set (and absolute), else ~/.local/share."""
    configured = os.environ.get("XDG_DATA_HOME", "")
    return Path(configured) if configured and Path(configured).is_absolute() else Path.home() / ".local" / "share"


def desktop_files(base: Path | None = None) -> DesktopFiles:
    """Where the desktop entry, icon and metainfo are installed for this user."""
    home = base or data_home()
    return DesktopFiles(
        entry=home / "applications" / f"{APP_ID}.desktop",
        icon=home / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg",
        metainfo=home / "metainfo" / f"{APP_ID}.metainfo.xml",
    )


def desktop_entry_text() -> str:
    """The shipped desktop entry, its Exec line pointing at this installation's command."""
    command = [argument for argument in launch_command() if argument != "--background"]
    lines = shipped(f"{APP_ID}.desktop").read_text(encoding="utf-8").splitlines()
    return "\n".join(f"Exec={exec_value(command)}" if line.startswith("Exec=") else line for line in lines) + "\n"


def install_desktop(base: Path | None = None) -> DesktopFiles:
    """Write the desktop entry, the icon and the metainfo (private, whole, never through a link)."""
    files = desktop_files(base)
    for path in files.all():
        path.parent.mkdir(parents=True, exist_ok=True)
    write_file(files.entry, desktop_entry_text().encode("utf-8"))
    write_file(files.icon, app_icon().read_bytes())
    write_file(files.metainfo, shipped(f"{APP_ID}.metainfo.xml").read_bytes())
    return files


def uninstall_desktop(base: Path | None = None) -> list[Path]:
    """Remove the three files (those that are there and are regular files); returns what was removed."""
    removed = []
    for path in desktop_files(base).all():
        if path.is_file() and not path.is_symlink():
            path.unlink()
            removed.append(path)
    return removed
