"""Inline validation for dialogs: each field says what is wrong under it, and OK waits until nothing is."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QDialogButtonBox, QLabel, QVBoxLayout, QWidget

Check = Callable[[], str]


class FieldError(QLabel):
    """The line under a field that says why its input is refused; hidden while the input is fine."""

    def __init__(self, field_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("fieldError")
        self.setWordWrap(True)
        self.setAccessibleName(f"{field_name} problem")
        self.hide()

    def show_problem(self, problem: str) -> None:
        """Show the problem, or hide the line when there is none."""
        self.setText(f"⚠ {problem}" if problem else "")
        self.setVisible(bool(problem))


def with_error(field: QWidget, error: FieldError) -> QWidget:
    """A field with its error line beneath it, for a form row."""
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(2)
    layout.addWidget(field)
    layout.addWidget(error)
    return box


class Validator:
    """Runs every field's check, shows each problem under its field and enables OK only when all pass."""

    def __init__(self, buttons: QDialogButtonBox) -> None:
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self._checks: list[tuple[FieldError, Check]] = []

    def add(self, error: FieldError, check: Check) -> None:
        """Register a field's check; it returns the problem in words, or '' when the input is fine."""
        self._checks.append((error, check))

    def run(self) -> list[str]:
        """Check everything now; returns the problems found."""
        problems = []
        for error, check in self._checks:
            problem = check()
            error.show_problem(problem)
            if problem:
                problems.append(problem)
        self.ok.setEnabled(not problems)
        return problems
