"""Undo for the changes that are easy to regret: archive and delete (Ctrl+Z)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

MAX_STEPS = 50


@dataclass(frozen=True)
class UndoStep:
    """A change that can be taken back: what to call it and how to reverse it."""

    text: str
    undo: Callable[[], None]


class UndoHistory(QObject):
    """The last changes, newest last; `changed(text)` names the next undo ('' when there is none)."""

    changed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._steps: list[UndoStep] = []

    def push(self, text: str, undo: Callable[[], None]) -> None:
        """Remember a change that was just made."""
        self._steps.append(UndoStep(text, undo))
        del self._steps[:-MAX_STEPS]
        self.changed.emit(text)

    def undo(self) -> str | None:
        """Reverse the newest change; returns its text, or None when there was nothing to undo."""
        if not self._steps:
            return None
        step = self._steps.pop()
        step.undo()
        self.changed.emit(self._steps[-1].text if self._steps else "")
        return step.text

    def clear(self) -> None:
        """Forget every step: after an import or a restore they would apply to a different ledger."""
        self._steps.clear()
        self.changed.emit("")
