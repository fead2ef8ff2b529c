"""Dialogs that fit the screen: at a large scale (QT_SCALE_FACTOR=2 on a laptop) a long form scrolls instead of
running off the bottom of the screen, and no dialog opens larger than the screen it opens on.
"""

from __future__ import annotations

from itertools import pairwise

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QGuiApplication, QShowEvent
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFrame, QScrollArea, QStyle, QWidget


def room_on_screen(window: QWidget) -> QSize:
    """The largest size `window` may take on the screen it opens on, leaving room for the window frame.

    Before a window is shown its own frame is unknown, so its parent window's frame is taken as the measure.
    """
    parent = window.parentWidget()
    host = parent.window() if parent is not None else window
    screen = host.screen() or QGuiApplication.primaryScreen()
    area = screen.availableGeometry()
    frame, inner = host.frameGeometry(), host.geometry()
    return QSize(area.width() - (frame.width() - inner.width()), area.height() - (frame.height() - inner.height()))


def fit_to_screen(window: QWidget) -> None:
    """Open `window` no larger than its screen: its natural size (or the size it was given), cut to the room."""
    if not window.testAttribute(Qt.WidgetAttribute.WA_Resized):
        window.adjustSize()  # the size it would open at
    size = window.size().boundedTo(room_on_screen(window))
    if size != window.size():
        window.resize(size)


def tab_in_reading_order(box: QDialogButtonBox) -> None:
    """Tab through a button box's buttons in the order they are shown: the platform's layout orders them
    (Close after the actions, say), not the order they were added in."""
    shown = sorted((button for button in box.buttons() if not button.isHidden()), key=lambda b: (b.y(), b.x()))
    for before, after in pairwise(shown):
        QWidget.setTabOrder(before, after)


class FittingDialog(QDialog):
    """A dialog that opens within its screen (`fit_to_screen`), Qt then centring it over its parent, and whose
    button boxes are reached by Tab in the order they are shown."""

    def setVisible(self, visible: bool) -> None:  # noqa: N802 (Qt's name)
        """Fit the dialog to its screen before it first shows (and Qt places it)."""
        if visible and not self.isVisible():
            fit_to_screen(self)
        super().setVisible(visible)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's name)
        """Once laid out, Tab follows the buttons as shown."""
        super().showEvent(event)
        for box in self.findChildren(QDialogButtonBox):
            tab_in_reading_order(box)


class ScrollingBody(QScrollArea):
    """A dialog's fields in a frameless scroll area that asks for their whole size, so it scrolls only when the
    screen has too little room for them (a large scale on a small screen)."""

    def __init__(self, body: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("scrollingBody")
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        # The fields are read through the scroll area: it takes no focus of its own.
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setWidget(body)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        """The fields' whole size (QScrollArea caps its hint at a few dozen lines), and room for a scroll bar."""
        body = self.widget()
        if body is None:
            return super().sizeHint()
        hint = body.sizeHint()
        height = body.heightForWidth(hint.width()) if body.hasHeightForWidth() else hint.height()
        bar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        return QSize(hint.width() + bar, max(height, hint.height()))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        """A few lines: the rest scrolls."""
        body = self.widget()
        lines = 6 * self.fontMetrics().lineSpacing()
        return QSize(min(body.minimumSizeHint().width(), 320) if body is not None else 0, lines)
