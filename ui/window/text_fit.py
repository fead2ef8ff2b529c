"""Text that must fit a narrow panel: long words that may break anywhere, and one-line labels that elide.

A QLabel never breaks inside a word, so a 64-character merchant or reference with no spaces
would set the panel's minimum width and push everything right of it off-screen.
"""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

ZERO_WIDTH_SPACE = "\u200b"
_LONG_WORD = re.compile(r"\S{16,}")


def breakable(text: str, every: int = 8) -> str:
    """The text with invisible break points inside words of 16 characters or more, for word-wrapped labels."""

    def split(match: re.Match[str]) -> str:
        word = match.group(0)
        return ZERO_WIDTH_SPACE.join(word[i : i + every] for i in range(0, len(word), every))

    return _LONG_WORD.sub(split, text)


class ElidedLabel(QLabel):
    """A one-line label that takes the width it is given and elides what does not fit (full text in the tooltip)."""

    def __init__(
        self, text: str = "", parent: QWidget | None = None, mode: Qt.TextElideMode = Qt.TextElideMode.ElideRight
    ) -> None:
        super().__init__(parent)
        self._full = ""
        self._mode = mode
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(40)
        self.setText(text)

    def setText(self, text: str) -> None:  # noqa: N802 (Qt's name)
        """Show `text`, elided to the label's width."""
        self._full = text
        self._elide()

    def full_text(self) -> str:
        """The whole text, however much of it is shown."""
        return self._full

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        """Elide again for the new width."""
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        shown = self.fontMetrics().elidedText(self._full, self._mode, max(self.width(), 40))
        super().setText(shown)
        self.setToolTip(self._full if shown != self._full else "")
