"""Remembering the window between runs: geometry, splitter and column widths, in QSettings."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QHeaderView, QMainWindow

GEOMETRY = "window/geometry"
STATE = "window/state"
COLUMNS = "window/columns"


def _bytes(value: object) -> QByteArray | None:
    return value if isinstance(value, QByteArray) and not value.isEmpty() else None


def restore_window(window: QMainWindow, settings: QSettings, header: QHeaderView) -> None:
    """Put the window and the table's columns back as the user left them (if they ever did)."""
    geometry = _bytes(settings.value(GEOMETRY))
    if geometry is not None:
        window.restoreGeometry(geometry)
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
