"""Confirmations and warnings that never block: the box opens window-modal and calls back on the answer.

Tests (and screen readers) find the open box as `window.findChild(QMessageBox)` and press its buttons.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QMessageBox, QWidget


def with_mnemonic(text: str) -> str:
    """A button's text with a keyboard mnemonic (its first letter, underlined) unless it names one with `&`."""
    return text if "&" in text else f"&{text}"


def confirm(
    parent: QWidget, title: str, text: str, yes_text: str, on_yes: Callable[[], None], *, no_text: str = ""
) -> QMessageBox:
    """Ask a yes/no question; `on_yes` runs only if the user agrees. Returns the open box.

    The agreeing button answers to its letter (D or Alt+D for Delete); Escape cancels. The other
    button says Cancel, or `no_text` ("Go back") when given; it is the default either way.
    """
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.NoButton, parent)
    yes = box.addButton(with_mnemonic(yes_text), QMessageBox.ButtonRole.DestructiveRole)
    if no_text:
        no = box.addButton(with_mnemonic(no_text), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(no)
        box.setEscapeButton(no)
    else:
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.setObjectName("confirmBox")

    def answered(_result: int) -> None:
        if box.clickedButton() is yes:
            on_yes()
        box.deleteLater()

    box.finished.connect(answered)
    box.open()
    return box
