"""The window opens where it can be reached (issue 12): a geometry saved on a bigger screen, or on a second
screen unplugged since, is fitted into the screen the window opens on, frame and all."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QByteArray, QRect, QSettings
from PySide6.QtWidgets import QApplication, QMainWindow
from pytestqt.qtbot import QtBot

from ledger.storage.store import NewCredit
from tests.ui_helpers import OFFSCREEN_NOISE, make_window, seed
from ui.window.window_state import GEOMETRY

pytestmark = OFFSCREEN_NOISE


def saved_geometry(qtbot: QtBot, where: QRect) -> QByteArray:
    """What a window left at `where` saves (as the app saves its own when it closes)."""
    other = QMainWindow()
    qtbot.addWidget(other)
    with qtbot.waitExposed(other):
        other.show()
    other.setGeometry(where)
    QApplication.processEvents()
    return other.saveGeometry()


@pytest.mark.parametrize(
    "where",
    [QRect(2200, 900, 2500, 1400), QRect(100, 100, 1000, 1000), QRect(-400, -300, 700, 600)],
    ids=["on-a-bigger-second-screen", "larger-than-this-screen", "off-the-top-left"],
)
def test_a_saved_geometry_never_opens_the_window_out_of_reach(
    qtbot: QtBot, ledger_path: Path, tmp_path: Path, where: QRect
) -> None:
    seed(ledger_path, NewCredit(source="gift_card", currency="USD", amount="5"))
    settings_path = tmp_path / "s.ini"
    settings = QSettings(str(settings_path), QSettings.Format.IniFormat)
    settings.setValue(GEOMETRY, saved_geometry(qtbot, where))
    settings.sync()
    window = make_window(qtbot, ledger_path, settings_path)
    room = window.screen().availableGeometry()
    qtbot.waitUntil(lambda: room.contains(window.frameGeometry()))
    assert window.width() >= min(where.width(), room.width()) - 40  # as large as the screen allows, not tiny
    window.close_ledger()
