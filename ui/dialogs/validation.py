"""Inline validation for dialogs: each field says what is wrong under it, and OK waits until nothing is."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from ui.dialogs.failure import attempt
from ui.dialogs.screen_fit import FittingDialog, make_room

Check = Callable[[], str]

# What a dialog's `save` returns to keep the dialog open without a failure: the save waits on another
# question (unlocking the claim codes, say), which presses OK again (`submit`) once it is answered.
STAY_OPEN = object()


def sentence(problem: Exception | str) -> str:
    """A refusal from the ledger as a sentence: its first letter made upper-case, nothing else changed
    (`str.capitalize` would lower the rest, turning USD into Usd), and a full stop at the end."""
    text = str(problem).strip()
    if not text:
        return ""
    return text[0].upper() + text[1:] + ("" if text.endswith((".", "?", "!")) else ".")


class FieldError(QLabel):
    """The line under a field that says why its input is refused; hidden while the input is fine.

    Hidden, it keeps its line's room, so the fields below do not jump as problems come and go.
    """

    def __init__(self, field_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("fieldError")
        self.setWordWrap(True)
        self.setAccessibleName(f"{field_name} problem")
        policy = self.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        self.setSizePolicy(policy)
        self.hide()

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        """At least one line high, with or without a problem to say."""
        hint = super().minimumSizeHint()
        return QSize(hint.width(), max(hint.height(), self.fontMetrics().lineSpacing()))

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        """At least one line high, with or without a problem to say."""
        hint = super().sizeHint()
        return QSize(hint.width(), max(hint.height(), self.fontMetrics().lineSpacing()))

    def heightForWidth(self, width: int) -> int:  # noqa: N802 (Qt's name)
        """The wrapped problem's height, and at least one line."""
        return max(super().heightForWidth(width), self.fontMetrics().lineSpacing())

    def show_problem(self, problem: str) -> None:
        """Show the problem, or hide the line when there is none."""
        self.setText(f"⚠ {problem}" if problem else "")
        self.setVisible(bool(problem))


def with_error(field: QWidget, error: FieldError) -> QWidget:
    """A field with its error line beneath it, for a form row; the row's label (Alt+its letter) reaches the field."""
    box = QWidget()
    pass_focus_to(box, field)
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(2)
    layout.addWidget(field)
    layout.addWidget(error)
    return box


def pass_focus_to(box: QWidget, field: QWidget) -> None:
    """Give a field the focus its box is given: a label's buddy must take focus (not by Tab, the field has it)."""
    box.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
    box.setFocusProxy(field)


class Validator:
    """Runs every field's check and enables OK only when all pass; a problem is shown under its field
    only once the user has touched that field (edited it or left it), never on a fresh form."""

    def __init__(self, buttons: QDialogButtonBox) -> None:
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self._checks: list[tuple[FieldError, Check]] = []
        self._touched: set[int] = set()

    def add(self, error: FieldError, check: Check, *fields: QWidget) -> None:
        """Register a field's check (it returns the problem in words, or '' when the input is fine) and
        the widgets whose editing makes its problem worth showing."""
        self._checks.append((error, check))
        for field in fields:
            self.watch(error, field)

    def watch(self, error: FieldError, field: QWidget) -> None:
        """Show `error` once `field` has been edited or left."""
        key = id(error)

        def touched(*_args: object) -> None:
            if key not in self._touched:
                self._touched.add(key)
                self.run()

        for name in ("textChanged", "editingFinished", "dateChanged", "toggled", "currentIndexChanged"):
            signal = getattr(field, name, None)
            if signal is not None:
                signal.connect(touched)
        line = getattr(field, "line", None)
        if isinstance(line, QLineEdit):
            line.editingFinished.connect(touched)

    def touch_all(self) -> None:
        """Show every problem now (a form that starts from saved values)."""
        self._touched.update(id(error) for error, _ in self._checks)
        self.run()

    def run(self) -> list[str]:
        """Check everything now; returns the problems found."""
        problems = []
        for error, check in self._checks:
            problem = check()
            error.show_problem(problem if id(error) in self._touched else "")
            if problem:
                problems.append(problem)
        self.ok.setEnabled(not problems)
        make_room(self.ok.window())
        return problems


class ValidatedDialog(FittingDialog):
    """A dialog whose fields are checked by `self.validator`; OK accepts only when every check passes.

    With `save` set, OK also saves before closing: a save that fails is shown over the dialog,
    which stays open with everything the user typed.
    """

    validator: Validator
    save: Callable[[], object] | None = None

    def validate(self) -> list[str]:
        """Check every field now; returns the problems (OK is enabled only when there are none)."""
        return self.validator.run()

    def _accept_if_valid(self) -> None:
        if self.validate():
            return
        if self.save is not None:
            saved, result = attempt(self, self.save)
            if not saved or result is STAY_OPEN:
                return
        self.accept()

    def submit(self) -> None:
        """Press OK: check, save (when `save` is set) and close, or stay open saying what is wrong."""
        self._accept_if_valid()
