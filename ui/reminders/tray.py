"""The tray icon: how many credits expire soon, and a menu to open the window, check now, pause or quit."""

from __future__ import annotations

from PySide6.QtCore import QObject, QRect, Qt, Signal
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

ICON_SIZE = 64


def badge_icon(base: QIcon, count: int) -> QIcon:
    """The app icon with the number of credits expiring soon in a red badge (none when zero)."""
    pixmap = base.pixmap(ICON_SIZE, ICON_SIZE) if not base.isNull() else QPixmap(ICON_SIZE, ICON_SIZE)
    if base.isNull():
        pixmap.fill(QColor("#2e7d32"))
    if count <= 0:
        return QIcon(pixmap)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    badge = QRect(ICON_SIZE // 3, 0, ICON_SIZE * 2 // 3, ICON_SIZE * 2 // 3)
    painter.setBrush(QColor("#c62828"))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.drawEllipse(badge)
    font = QFont()
    font.setBold(True)
    font.setPixelSize(ICON_SIZE // 3)
    painter.setFont(font)
    painter.setPen(QColor("white"))
    painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, str(count) if count < 100 else "99+")
    painter.end()
    return QIcon(pixmap)


class ReminderTray(QObject):
    """The tray icon and its menu; it only reports what the user asked for, through signals."""

    open_requested = Signal()
    check_requested = Signal()
    pause_toggled = Signal(bool)
    quit_requested = Signal()

    def __init__(self, icon: QIcon, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.base_icon = icon
        self.count = 0
        self.paused = False
        self.icon = QSystemTrayIcon(self)
        self.menu = QMenu()
        self.open_action = self.menu.addAction("Open Credit Ledger")
        self.open_action.triggered.connect(self.open_requested)
        self.check_action = self.menu.addAction("Check now")
        self.check_action.triggered.connect(self.check_requested)
        self.pause_action = self.menu.addAction("Pause reminders")
        self.pause_action.setCheckable(True)
        self.pause_action.toggled.connect(self.pause_toggled)
        self.menu.addSeparator()
        self.quit_action = self.menu.addAction("Quit")
        self.quit_action.triggered.connect(self.quit_requested)
        self.icon.setContextMenu(self.menu)
        self.icon.activated.connect(self._activated)
        self.set_count(0)

    @staticmethod
    def available() -> bool:
        """True when the desktop has a system tray to live in."""
        return bool(QSystemTrayIcon.isSystemTrayAvailable())

    def show(self) -> bool:
        """Show the icon where a tray exists; False when there is none."""
        if not self.available():
            return False
        self.icon.show()
        return True

    def set_count(self, count: int) -> None:
        """Show how many credits expire soon, on the icon and in its tooltip."""
        self.count = count
        self.icon.setIcon(badge_icon(self.base_icon, count))
        self._show_tooltip()

    def set_paused(self, paused: bool) -> None:
        """Reflect the stored pause setting (menu and tooltip) without announcing it as a new choice."""
        self.paused = paused
        blocked = self.pause_action.blockSignals(True)
        self.pause_action.setChecked(paused)
        self.pause_action.blockSignals(blocked)
        self._show_tooltip()

    def _show_tooltip(self) -> None:
        count = self.count
        expiring = "no credits" if count == 0 else f"{count} credit{'s' if count != 1 else ''}"
        paused = "reminders paused, " if self.paused else ""
        self.icon.setToolTip(f"Credit Ledger: {paused}{expiring} expiring soon")

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (QSystemTrayIcon.ActivationReason.Trigger, QSystemTrayIcon.ActivationReason.DoubleClick):
            self.open_requested.emit()

    def dispose(self) -> None:
        """Take the icon off the tray and free its menu."""
        self.icon.hide()
        self.menu.deleteLater()
