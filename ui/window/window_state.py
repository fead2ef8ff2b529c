"""Remembering the window between runs: geometry, splitter and column widths, in QSettings.

A geometry saved on another screen (a larger one, or a second one unplugged since) is fitted into
the screen the window opens on, so it never opens out of reach.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QEvent, QObject, QSettings, QSize, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QHeaderView, QMainWindow, QStyle, QWidget

GEOMETRY = "window/geometry"
STATE = "window/state"
COLUMNS = "window/columns"


def _bytes(value: object) -> QByteArray | None:
    return value if isinstance(value, QByteArray) and not value.isEmpty() else None


def restore_geometry(window: QMainWindow, settings: QSettings) -> None:
    """Put the window back where and as large as the user left it (if they ever did), on this screen.

    Nothing here builds PySide's `Qt` namespace (about 20 ms): the window's first frame does not wait for it.
    """
    geometry = _bytes(settings.value(GEOMETRY))
    if geometry is not None:
        window.restoreGeometry(geometry)
    # Restored or not (the first size is made for a laptop at scale 1), on this screen; its frame (title bar,
    # borders) is known once it is shown: fitted again then.
    fit_on_screen(window)
    _FitWhenShown(window)


def restore_layout(window: QMainWindow, settings: QSettings, header: QHeaderView) -> None:
    """Put the docks, tool bars and the table's columns back as the user left them (once they are built)."""
    state = _bytes(settings.value(STATE))
    if state is not None:
        window.restoreState(state)
    columns = _bytes(settings.value(COLUMNS))
    if columns is not None:
        header.restoreState(columns)


def save_window(window: QMainWindow, settings: QSettings, header: QHeaderView) -> None:
    """Store the geometry, dock layout and column widths."""
    settings.setValue(GEOMETRY, window.saveGeometry())
    settings.setValue(STATE, window.saveState())
    settings.setValue(COLUMNS, header.saveState())
    settings.sync()


def fit_on_screen(window: QWidget) -> None:
    """Move and, if need be, shrink a window so that all of it, frame included, is on one screen's available
    area: the screen under its middle, else the primary one. A maximized or full-screen window is left alone."""
    if window.isMaximized() or window.isFullScreen():
        return
    frame = window.frameGeometry()
    screen = QGuiApplication.screenAt(frame.center()) or QGuiApplication.primaryScreen()
    if screen is None:
        return
    room = screen.availableGeometry()
    extra_width, extra_height = frame.width() - window.width(), frame.height() - window.height()
    if not frame_known(window):
        # Not shown yet, or the window manager has not framed it yet: leave room for a title bar and borders.
        style = window.style()
        border = style.pixelMetric(QStyle.PixelMetric.PM_MdiSubWindowFrameWidth)
        extra_width = 2 * border
        extra_height = style.pixelMetric(QStyle.PixelMetric.PM_TitleBarHeight) + 2 * border
        frame.setSize(QSize(window.width() + extra_width, window.height() + extra_height))
    width = min(window.width(), room.width() - extra_width)
    height = min(window.height(), room.height() - extra_height)
    if (width, height) != (window.width(), window.height()):
        window.resize(width, height)  # never below its minimum size: then its top left stays in reach
    width, height = window.width() + extra_width, window.height() + extra_height
    left = max(room.left(), min(frame.left(), room.right() + 1 - width))
    top = max(room.top(), min(frame.top(), room.bottom() + 1 - height))
    if (left, top) != (frame.left(), frame.top()):
        window.move(left, top)


def frame_known(window: QWidget) -> bool:
    """Whether the window's frame (title bar, borders) is known: it is shown, and framed or without a frame."""
    if not window.isVisible():
        # Never framed yet. Asking for its flags would build PySide's `Qt` namespace (about 20 ms) before
        # the window's first frame.
        return False
    from PySide6.QtCore import Qt

    frameless = bool(window.windowFlags() & Qt.WindowType.FramelessWindowHint)
    return frameless or window.frameGeometry() != window.geometry()


class _FitWhenShown(QObject):
    """Fits its window on its screen again once it is shown and framed (the window manager frames it after the
    first show, moving it): after its first paint, then at each move or resize until the frame is known, at
    most a few times."""

    TRIES = 8

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self._window = window
        self._tries = 0
        self._painted = False
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        """After the first paint, and the moves and resizes framing brings, fit the window (once those events
        are done). Not before that paint: asking whether the frame is known builds PySide's `Qt` namespace
        (about 20 ms), which the first frame would wait for."""
        if watched is not self._window:
            return False
        kind = event.type()
        first_paint = kind == QEvent.Type.Paint and not self._painted
        framing = kind in (QEvent.Type.Show, QEvent.Type.Move, QEvent.Type.Resize) and self._painted
        if (first_paint or framing) and self._window.isVisible():
            self._painted = True
            self._tries += 1
            QTimer.singleShot(0, self._fit)
        return False

    def _fit(self) -> None:
        fit_on_screen(self._window)
        if frame_known(self._window) or self._tries >= self.TRIES:
            self._window.removeEventFilter(self)
