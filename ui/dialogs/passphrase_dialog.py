"""Asking for a passphrase: to unlock claim codes, to choose one that protects them, or one for an export.

The dialog opens window-modal and checks the passphrase itself when OK is pressed (`save`): a wrong one
is said over it and the dialog stays open, so the user can try again or cancel.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from ledger.vault.sealing import MIN_PASSPHRASE
from ui.dialogs.validation import FieldError, ValidatedDialog, Validator, with_error


class PassphraseDialog(ValidatedDialog):
    """One passphrase (or, with `new`, one chosen and typed twice); `passphrase()` is what was typed."""

    def __init__(self, parent: QWidget | None, title: str, text: str, *, new: bool = False) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setObjectName("passphraseDialog")
        self.setMinimumWidth(420)
        self.new = new
        layout = QVBoxLayout(self)
        explanation = QLabel(text)
        explanation.setWordWrap(True)
        layout.addWidget(explanation)
        form = QFormLayout()
        layout.addLayout(form)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        self.validator = Validator(self.buttons)
        self.first = self._field("Passphrase")
        self.first_error = FieldError("Passphrase")
        form.addRow("&Passphrase", with_error(self.first, self.first_error))
        self.validator.add(self.first_error, self._first_problem, self.first)
        self.again = self._field("Passphrase again")
        self.again_error = FieldError("Passphrase again")
        if new:
            form.addRow("A&gain", with_error(self.again, self.again_error))
            self.validator.add(self.again_error, self._again_problem, self.again)
        self.again.setVisible(new)
        layout.addWidget(self.buttons)
        for line in (self.first, self.again):
            line.textChanged.connect(self.validate)
        self.validate()

    def _field(self, name: str) -> QLineEdit:
        line = QLineEdit()
        line.setEchoMode(QLineEdit.EchoMode.Password)
        line.setAccessibleName(name)
        return line

    def _first_problem(self) -> str:
        if not self.first.text():
            return "Type the passphrase."
        if self.new and len(self.first.text().strip()) < MIN_PASSPHRASE:
            return f"Choose at least {MIN_PASSPHRASE} characters."
        return ""

    def _again_problem(self) -> str:
        return "The two passphrases differ." if self.again.text() != self.first.text() else ""

    def passphrase(self) -> str:
        """The passphrase as typed."""
        return self.first.text()
