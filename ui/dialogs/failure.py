"""When a change could not be saved: say so in a box (never only in the terminal), and lose nothing the user typed.

A save can fail although the dialog's checks passed: another program changed the ledger (the
credit was spent or deleted meanwhile, a backup was restored), the file is busy, the disk is
full. `attempt` runs a save and reports such a failure; a dialog that saves through it stays
open with the user's input, so nothing has to be typed again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from ledger.errors import LedgerError, StorageError

T = TypeVar("T")

# What a save may meet that is not a bug: refused input (LedgerError) or a file that could not be written.
SAVE_FAILURES = (LedgerError, StorageError)


def warn(parent: QWidget, title: str, text: str) -> QMessageBox:
    """Tell the user something went wrong (what and what to do) in a box over `parent`; it goes when dismissed."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("warningBox")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


def show_failure(parent: QWidget, error: Exception, what: str = "Not saved") -> QMessageBox:
    """Say over `parent` what was not done and why."""
    return warn(parent, "Credit Ledger", f"{what}: {error}")


def attempt(parent: QWidget, save: Callable[[], T], what: str = "Not saved") -> tuple[bool, T | None]:
    """Run `save`; on a failure show it over `parent` and return (False, None), else (True, its result)."""
    try:
        return True, save()
    except SAVE_FAILURES as error:
        show_failure(parent, error, what)
        return False, None
