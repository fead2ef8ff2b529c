"""The app's own notification channels, after the desktop's: the tray icon's message, then an in-app banner.

The banner always works, so the chain desktop → tray → banner never loses a reminder.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSystemTrayIcon, QToolButton, QVBoxLayout, QWidget

from ledger.reminders.notifiers import Notification, NotificationFailed, escape_markup

TRAY_MESSAGE_MS = 10_000


class TrayNotifier:
    """Shows a notification as the tray icon's balloon message, where a tray exists and shows messages."""

    channel = "tray"

    def __init__(self, tray: QSystemTrayIcon) -> None:
        self.tray = tray
        self.last: Notification | None = None  # what a click on the message is about

    def notify(self, notification: Notification) -> None:
        """Show the message next to the tray icon, or raise NotificationFailed when there is no tray."""
        if not (
            QSystemTrayIcon.isSystemTrayAvailable() and QSystemTrayIcon.supportsMessages() and self.tray.isVisible()
        ):
            raise NotificationFailed("no system tray shows messages here")
        self.tray.showMessage(
            notification.title, notification.body, QSystemTrayIcon.MessageIcon.Information, TRAY_MESSAGE_MS
        )
        self.last = notification


class ReminderBanner(QFrame):
    """A reminder shown at the top of the window until the user dismisses it."""

    def __init__(self, notification: Notification, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.notification = notification
        self.setObjectName("reminderBanner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName("Reminder")
        text = QVBoxLayout()
        self.title = QLabel(f"<b>{escape_markup(notification.title)}</b>")
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.body = QLabel(notification.body)
        self.body.setTextFormat(Qt.TextFormat.PlainText)
        self.body.setWordWrap(True)
        text.addWidget(self.title)
        text.addWidget(self.body)
        dismiss = QToolButton()
        dismiss.setText("✕")
        dismiss.setToolTip("Dismiss this reminder")
        dismiss.setAccessibleName("Dismiss reminder")
        dismiss.clicked.connect(self.dismiss)
        row = QHBoxLayout(self)
        row.addLayout(text, 1)
        row.addWidget(dismiss, 0, Qt.AlignmentFlag.AlignTop)

    def dismiss(self) -> None:
        """Remove the banner from the window."""
        self.hide()
        self.deleteLater()


class BannerNotifier:
    """Shows a notification as a banner inside the window: the channel that always works."""

    channel = "banner"

    def __init__(self, add_banner: Callable[[QWidget], None]) -> None:
        self.add_banner = add_banner
        self.shown: list[Notification] = []

    def notify(self, notification: Notification) -> None:
        """Put a banner at the top of the window."""
        self.add_banner(ReminderBanner(notification))
        self.shown.append(notification)
