"""Undo for the changes that are easy to regret: archive, delete, a corrected or removed movement (Ctrl+Z)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from ledger.errors import LedgerError

MAX_STEPS = 50


@dataclass(frozen=True)
class UndoStep:
    """A change that can be taken back: what to call it, and how to reverse it (returning what to tell the user)."""

    text: str
    undo: Callable[[], str]


class UndoHistory(QObject):
    """The last changes, newest last; `changed(text)` names the next undo ('' when there is none)."""

    changed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._steps: list[UndoStep] = []

    def push(self, text: str, undo: Callable[[], str]) -> None:
        """Remember a change that was just made; `undo` reverses it and returns a sentence for the status bar."""
        self._steps.append(UndoStep(text, undo))
        del self._steps[:-MAX_STEPS]
        self.changed.emit(text)

    def next_text(self) -> str:
        """What the next undo would take back ('' when there is nothing to undo)."""
        return self._steps[-1].text if self._steps else ""

    def undo(self) -> str | None:
        """Reverse the newest change; returns what to tell the user, or None when there was nothing to undo.

        A step the ledger refuses (LedgerError: it changed so the step cannot be done) is dropped
        before the error goes on to the caller, so it is never offered again. Any other error
        leaves the step in place, to be tried again.
        """
        if not self._steps:
            return None
        step = self._steps[-1]
        try:
            said = step.undo()
        except LedgerError:
            self._drop(step)
            raise
        self._drop(step)
        return said

    def _drop(self, step: UndoStep) -> None:
        if self._steps and self._steps[-1] is step:  # a reload while undoing may have cleared the history
            self._steps.pop()
        self.changed.emit(self.next_text())

    def clear(self) -> None:
        """Forget every step: after an import or a restore they would apply to a different ledger."""
        self._steps.clear()
        self.changed.emit("")
