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
        self.dismissed = False
        self.setObjectName("reminderBanner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName("Reminder")
        text = QVBoxLayout()
        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.body = QLabel()
        self.body.setTextFormat(Qt.TextFormat.PlainText)
        self.body.setWordWrap(True)
        self.show_notification(notification)
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

    def show_notification(self, notification: Notification) -> None:
        """Say this notification (the same reminder, reworded as its credits are now)."""
        self.notification = notification
        self.title.setText(f"<b>{escape_markup(notification.title)}</b>")
        self.body.setText(notification.body)

    def dismiss(self) -> None:
        """Remove the banner from the window."""
        self.dismissed = True
        self.hide()
        self.deleteLater()


class BannerNotifier:
    """Shows a notification as a banner inside the window: the channel that always works."""

    channel = "banner"

    def __init__(self, add_banner: Callable[[QWidget], None]) -> None:
        self.add_banner = add_banner
        self.shown: list[Notification] = []
        self.banners: list[ReminderBanner] = []

    def notify(self, notification: Notification) -> None:
        """Put a banner at the top of the window."""
        banner = ReminderBanner(notification)
        self.add_banner(banner)
        self.banners.append(banner)
        self.shown.append(notification)

    def bring_up_to_date(self, as_it_is_now: Callable[[Notification], Notification | None]) -> None:
        """Reword each banner still shown for its credits as they are now; close those left with nothing to say.

        A banner stays in the window for hours or days while its credits are spent, archived or muted, here
        or by another program: it must not go on telling of money that is no longer there.
        """
        self.banners = [banner for banner in self.banners if not banner.dismissed]
        for banner in list(self.banners):
            now = as_it_is_now(banner.notification)
            if now is None:
                banner.dismiss()
                self.banners.remove(banner)
            elif now != banner.notification:
                banner.show_notification(now)
