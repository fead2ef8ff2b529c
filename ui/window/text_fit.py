"""Text that must fit a narrow panel: long words that may break anywhere, and one-line labels that elide.

A QLabel never breaks inside a word, so a 64-character merchant or reference with no spaces
would set the panel's minimum width and push everything right of it off-screen.
"""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent, QTextOption
from PySide6.QtWidgets import QFrame, QLabel, QSizePolicy, QTextBrowser, QWidget

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


class LongText(QTextBrowser):
    """Free text a user wrote (terms, notes): selectable, wrapped even inside long words, as tall as the text up
    to `most_lines`, and scrolling beyond that, so pasted fine print never makes the panel endless."""

    def __init__(self, accessible_name: str, most_lines: int = 8, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(accessible_name)
        self.setOpenLinks(False)
        # Selectable by mouse and by keyboard (a caret to move with the arrows), never editable.
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.setFrameShape(QFrame.Shape.NoFrame)
        # Read, selected and copied as written: no invisible break points (see `breakable`).
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.setTabChangesFocus(True)  # Tab moves on, as from any other control in the panel
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.setMinimumWidth(40)
        self._most_lines = most_lines

    def set_plain(self, text: str) -> None:
        """Show `text` as plain text, from its top."""
        self.setPlainText(text)
        self._fit()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        """Fit the height again: a new width wraps the text differently."""
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        document = self.document()
        document.setTextWidth(self.viewport().width())
        frame = 2 * self.frameWidth() + int(document.documentMargin())
        most = self.fontMetrics().lineSpacing() * self._most_lines + frame
        self.setFixedHeight(min(int(document.size().height()) + frame, most))
