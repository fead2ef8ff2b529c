"""The app's look (resources/style/app.qss), set on the QApplication once the main window is built.

Why not as soon as the QApplication exists: while an application style sheet is set, Qt works out the
style of a widget and all of its children again every time it is put into another widget, and a window
built from nested parts moves most of its widgets several times (about 20 ms at start-up, half the
window's construction). Set after the window is built, before it is shown, every widget is styled once:
the first paint looks exactly the same.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from ledger.shipped import STYLE, shipped

STYLE_SHEET = shipped(STYLE, "app.qss")

_pending: list[str] = []


def request_style(app: QApplication) -> None:
    """Use the app's style sheet: applied by `apply_style` (the main window calls it once built), or
    when the event loop starts, whichever comes first."""
    if STYLE_SHEET.exists():
        _pending[:] = [STYLE_SHEET.read_text(encoding="utf-8")]
        QTimer.singleShot(0, apply_style)


def apply_style() -> None:
    """Set the requested style sheet on the application now (nothing if none is waiting)."""
    app = QApplication.instance()
    if _pending and isinstance(app, QApplication):
        app.setStyleSheet(_pending.pop())
