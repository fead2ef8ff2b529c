"""Dialogs that fit the screen: at a large scale (QT_SCALE_FACTOR=2 on a laptop) a long form scrolls instead of
running off the bottom of the screen, and no dialog opens larger than the screen it opens on.
"""

from __future__ import annotations

from itertools import pairwise

from PySide6.QtCore import QEvent, QObject, QSize, Qt
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
        # The size it asks for (`adjustSize` would also cut it to two thirds of the screen, for no reason here),
        # styled first: the style sheet changes fonts and margins.
        window.ensurePolished()
        wanted = window.sizeHint().expandedTo(window.minimumSizeHint())
        layout = window.layout()
        if layout is not None and layout.hasHeightForWidth():
            wanted.setHeight(max(wanted.height(), layout.totalHeightForWidth(wanted.width())))
        window.resize(wanted)
    size = window.size().boundedTo(room_on_screen(window))
    if size != window.size():
        window.resize(size)


def make_room(window: QWidget) -> None:
    """Grow a window whose layout wants more height than it has, no further than its screen (past that, its
    ScrollingBody scrolls). Qt's top-level windows do not grow by themselves for a wrapped line (they ignore
    height-for-width), so a new line would overlap the next row or be clipped."""
    layout = window.layout()
    if layout is None or not window.isVisible():
        return  # a window not shown yet takes its size when it opens (`fit_to_screen`)
    for area in window.findChildren(ScrollingBody):
        area.updateGeometry()  # its hint is its fields' whole size, which may have changed since the layout asked
    layout.activate()
    width = window.width()
    needed = layout.totalHeightForWidth(width) if layout.hasHeightForWidth() else layout.totalSizeHint().height()
    needed = min(needed, room_on_screen(window).height())
    if needed > window.height():
        window.resize(width, needed)


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

    def event(self, event: QEvent) -> bool:
        """Grow when the fields ask for more room (a problem's line wraps, a section opens)."""
        handled = super().event(event)
        if event.type() == QEvent.Type.LayoutRequest and self.isVisible():
            make_room(self)
        return handled

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

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        """When the fields' layout changes (a problem's line wraps), the dialog hears that this area wants more room."""
        if watched is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            self.updateGeometry()
        return super().eventFilter(watched, event)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        """The fields' whole size (QScrollArea caps its hint at a few dozen lines), and room for a scroll bar."""
        body = self.widget()
        if body is None:
            return super().sizeHint()
        hint = body.sizeHint()
        # Wrapped lines are as tall as the width they get: a label's own hint guesses a narrower one.
        width = self.viewport().width() if self.isVisible() else hint.width()
        height = body.heightForWidth(width) if body.hasHeightForWidth() else -1
        bar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        return QSize(hint.width() + bar, height if height > 0 else hint.height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        """A few lines: the rest scrolls."""
        body = self.widget()
        lines = 6 * self.fontMetrics().lineSpacing()
        return QSize(min(body.minimumSizeHint().width(), 320) if body is not None else 0, lines)
