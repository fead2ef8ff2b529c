"""Reminders in the running app: the scheduler, the notifier chain, the tray, the settings dialog, snooze and mute.

`install_reminders(window)` attaches everything to the main window through its seams
(`ledger_opened`, `ledger_changed`, `add_banner`, `settings_action`, `edit_menu`,
`credit_actions`, `quit_action`, `settings`), so the window itself knows nothing about reminders.
A desktop notification offers Open (also a click on it), Snooze a day and Mute where the
server supports actions (ui/reminders/notification_actions.py acts on the credits it was about).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QHBoxLayout, QInputDialog, QLabel, QToolButton, QWidget

from ledger import clock
from ledger.errors import LedgerError
from ledger.reminders.delivery import ReminderRun, as_it_is_now, sample_notification
from ledger.reminders.notifiers import (
    Delivery,
    Notification,
    Notifier,
    NotifierChain,
    desktop_notifier,
    freedesktop_platform,
)
from ledger.reminders.planning import latest_snooze_end, mute, snooze, snooze_end
from ledger.shipped import app_icon
from ledger.storage.settings import Settings, load_settings, save_settings
from ui.dialogs.failure import warn
from ui.dialogs.settings_dialog import SettingsDialog
from ui.reminders.autostart import set_start_at_login, starts_at_login
from ui.reminders.desktop_notifications import DesktopNotifications
from ui.reminders.notification_actions import OPEN, STATUS_MS, NotificationActions, as_test_notification, check_summary
from ui.reminders.notifiers import BannerNotifier, TrayNotifier
from ui.reminders.reminder_scheduler import ReminderScheduler
from ui.reminders.tray import ReminderTray
from ui.window.menus import is_quitting, quit_app

if TYPE_CHECKING:
    from ledger.storage.store import CreditDetail
    from ui.window.main_window import MainWindow

SNOOZE_DAYS = 3  # the Snooze dialog's default, when the credit's last reminder is not sooner
# Remembered (QSettings) once the user was told that closing the window leaves the app in the tray.
TOLD_KEEPS_RUNNING = "reminders/told_keeps_running_in_tray"
KEEPS_RUNNING = Notification(
    title="Credit Ledger is still running",
    body="It stays in the tray to remind you before your credits expire. "
    "To end it, choose Quit in the tray icon's menu, or File → Quit (Ctrl+Q) in the window.",
)


class ReminderService(QObject):
    """Everything about reminders in the running app, attached to one main window."""

    def __init__(
        self,
        window: MainWindow,
        now: Callable[[], datetime] = clock.now,
        desktop: Notifier | None = None,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.now = now
        self.notification_actions = NotificationActions(self)
        self.desktop = desktop or self._desktop_channel()
        self.tray = ReminderTray(window.windowIcon(), self)
        self.tray_notifier = TrayNotifier(self.tray.icon)
        self.banner = BannerNotifier(window.add_banner)
        self.scheduler = ReminderScheduler(lambda: window.ledger, self.chain_for, now, self)
        self.scheduler.expiring_count_changed.connect(self.tray.set_count)
        self.tray.open_requested.connect(self.show_window)
        self.tray.check_requested.connect(self.check_now)
        self.tray.pause_toggled.connect(self.set_paused)
        self.tray.quit_requested.connect(self.quit)
        # A click on the tray's balloon is a click on the reminder (or message) it showed.
        self.tray.icon.messageClicked.connect(lambda: self.notification_actions.act(OPEN, self.tray_notifier.last))
        window.ledger_opened.connect(self.start)
        window.ledger_changed.connect(self._ledger_changed)
        window.settings_action.triggered.connect(self.open_settings)
        self._add_credit_actions()
        self._add_paused_line()
        window.installEventFilter(self)
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)

    def _ledger_changed(self, _change: object) -> None:
        self.scheduler.reconcile()
        self.bring_banners_up_to_date()

    def bring_banners_up_to_date(self) -> None:
        """Reword the reminder banners for their credits as they are now (see BannerNotifier.bring_up_to_date)."""
        ledger = self.window.ledger
        if ledger is None or not self.banner.banners:
            return
        today = self.now().date()
        try:
            self.banner.bring_up_to_date(lambda shown: as_it_is_now(shown, ledger, today))
        except (LedgerError, sqlite3.Error):
            return  # the ledger cannot be read just now (restored, busy): the banners wait for the next change

    # --- the notifier chain -----------------------------------------------------------------

    def _desktop_channel(self) -> Notifier:
        if not freedesktop_platform():
            return desktop_notifier(app_icon().as_uri())
        desktop = DesktopNotifications(app_icon().as_uri(), self.notification_actions.offered, self)
        desktop.action_invoked.connect(self.notification_actions.act)
        return desktop

    def chain_for(self, settings: Settings) -> NotifierChain:
        """Desktop, then tray, then banner; with notifications off only the in-app banner remains."""
        channels: list[Notifier] = [self.desktop, self.tray_notifier] if settings.notifications_enabled else []
        return NotifierChain([*channels, self.banner])

    def tell(self, notification: Notification) -> str | None:
        """Say something about the app itself (not a reminder) by the tray icon, else on the desktop.

        Returns the channel that showed it, None when neither could.
        """
        return NotifierChain([self.tray_notifier, self.desktop]).deliver(notification).channel

    def send_test_notification(self, settings: Settings | None = None) -> Delivery:
        """Show a sample reminder (for the most urgent credit) through the chain, saying it is a test;
        the status bar says where it went."""
        ledger = self.window.ledger
        chosen = settings or (load_settings(ledger) if ledger is not None else Settings())
        delivery = self.chain_for(chosen).deliver(as_test_notification(sample_notification(ledger, self.now().date())))
        where = {"desktop": "as a desktop notification", "tray": "by the tray icon", "banner": "in this window"}
        self.window.statusBar().showMessage(
            f"Test notification shown {where.get(delivery.channel or '', '')}", STATUS_MS
        )
        return delivery

    # --- lifecycle --------------------------------------------------------------------------

    def start(self) -> None:
        """Show the tray icon and start scheduling (delivering what was missed while the app was closed)."""
        ledger = self.window.ledger
        if ledger is not None:
            self.show_paused(load_settings(ledger).reminders_paused)
        if self.tray.show():
            app = QApplication.instance()
            if isinstance(app, QApplication):
                # Hidden in the tray is still running: only Quit ends the app.
                app.setQuitOnLastWindowClosed(False)
        self.scheduler.start()

    def shutdown(self) -> None:
        """Stop the scheduler, take the icon off the tray and let go of the notification server."""
        self.scheduler.stop()
        self.tray.dispose()
        if isinstance(self.desktop, DesktopNotifications):
            self.desktop.close()

    def show_window(self) -> None:
        """Bring the window back from the tray."""
        self.window.showNormal()
        self.window.raise_()
        self.window.activateWindow()

    def quit(self) -> None:
        """Quit for real, from the tray menu (as File → Quit does)."""
        quit_app(self.window)

    def keeps_running_in_tray(self) -> bool:
        """Closing the window hides it when a tray icon is shown and the user wants that (and did not choose Quit)."""
        ledger = self.window.ledger
        wanted = load_settings(ledger).close_to_tray if ledger is not None else True
        return wanted and self.tray.icon.isVisible() and not is_quitting(self.window)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        """Closing the window hides it in the tray instead, where a tray exists; otherwise the app quits."""
        if watched is self.window and event.type() == QEvent.Type.Close and self.keeps_running_in_tray():
            event.ignore()
            self.window.hide()
            self._explain_tray_once()
            return True
        if watched is self.window and event.type() == QEvent.Type.Close and self.tray.icon.isVisible():
            QApplication.quit()  # the tray kept the app alive so far; without it, closing means quitting
        return super().eventFilter(watched, event)

    def _explain_tray_once(self) -> None:
        # The first time only (remembered with the window's settings): a window that vanished while the
        # app stays running is a surprise. Not remembered when nothing could show the message.
        stored = self.window.settings
        if stored.value(TOLD_KEEPS_RUNNING, False, type=bool):
            return
        if self.tell(KEEPS_RUNNING) is not None:
            stored.setValue(TOLD_KEEPS_RUNNING, True)
            stored.sync()

    def check_now(self) -> ReminderRun | None:
        """Look for due reminders now (the tray's Check now) and say what was found, also when nothing is due."""
        run = self.scheduler.reconcile()
        found = check_summary(run)
        self.window.statusBar().showMessage(found, STATUS_MS)
        if run is None or not run.delivered or run.channel == "banner":
            # A reminder shown on the desktop or by the tray speaks for itself; anything else is said here.
            self.tell(Notification(title="Credit Ledger: Check now", body=found))
        return run

    # --- settings -------------------------------------------------------------------------

    def set_paused(self, paused: bool) -> None:
        """Pause or resume reminders (stored), then look again."""
        ledger = self.window.ledger
        if ledger is None:
            return
        save_settings(ledger, replace(load_settings(ledger), reminders_paused=paused))
        self.show_paused(paused)
        self.scheduler.reconcile()

    def _add_paused_line(self) -> None:
        self.paused_line = QWidget()
        self.paused_line.setObjectName("remindersPaused")
        label = QLabel("Reminders are paused")
        self.resume_button = QToolButton()
        self.resume_button.setText("Resume")
        self.resume_button.setAutoRaise(True)
        self.resume_button.setToolTip("Show reminders again")
        self.resume_button.setAccessibleName("Resume reminders")
        self.resume_button.clicked.connect(lambda: self.set_paused(False))
        row = QHBoxLayout(self.paused_line)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(label)
        row.addWidget(self.resume_button)
        self.paused_line.hide()
        self.window.statusBar().addPermanentWidget(self.paused_line)

    def show_paused(self, paused: bool) -> None:
        """Show whether reminders are paused: in the tray's menu and tooltip, and in the window's status bar."""
        self.tray.set_paused(paused)
        self.paused_line.setVisible(paused)

    def open_settings(self) -> SettingsDialog | None:
        """Open the settings dialog; on OK store the settings, write the autostart entry, and replan."""
        ledger = self.window.ledger
        if ledger is None:
            return None
        # "Start at login" shows whether the autostart entry exists for this ledger, not what was last saved.
        at_login = starts_at_login(self.window.path, self.window.demo)
        dialog = SettingsDialog(replace(load_settings(ledger), start_at_login=at_login), self.window)
        dialog.test_requested.connect(lambda: self.send_test_notification(dialog.chosen()))
        dialog.accepted.connect(lambda: self.apply_settings(dialog.chosen()))
        dialog.open()
        return dialog

    def apply_settings(self, settings: Settings) -> Settings:
        """Store the settings and act on them: the autostart entry, the tray's pause state, a new plan."""
        ledger = self.window.ledger
        if ledger is None:
            return settings
        stored = save_settings(ledger, settings)
        try:
            set_start_at_login(stored.start_at_login, self.window.path, self.window.demo)
        except (LedgerError, OSError) as error:
            # The other settings are saved; only the login entry could not be written.
            reason = error if isinstance(error, LedgerError) else (error.strerror or error)
            warn(self.window, "Start at login", f"Credit Ledger cannot start at login: {reason}")
        self.window.expiring_within = stored.expiring_within
        self.show_paused(stored.reminders_paused)
        self.scheduler.reconcile()
        return stored

    # --- per credit: snooze and mute --------------------------------------------------------

    def _add_credit_actions(self) -> None:
        menu = self.window.edit_menu
        menu.addSeparator()
        self.snooze_action = QAction("Snooze reminders…", self.window)
        self.snooze_action.setToolTip("Remind me again about this credit in a few days")
        self.snooze_action.triggered.connect(self._ask_and_snooze)
        self.mute_action = QAction("Mute reminders", self.window)
        self.mute_action.setCheckable(True)  # checked while the selected credit is muted
        self.mute_action.setToolTip("Never remind me about this credit (uncheck to bring its reminders back)")
        self.mute_action.triggered.connect(self.toggle_mute_selected)
        self.window.detail.credit_shown.connect(self.show_reminder_state)
        # The panel's buttons are these same actions, with short names.
        self.snooze_action.setIconText("Snooze…")
        self.mute_action.setIconText("Mute")
        self.window.detail.add_reminder_actions(self.snooze_action, self.mute_action)
        for key, action in (("snooze", self.snooze_action), ("mute", self.mute_action)):
            menu.addAction(action)
            # The window enables its credit actions whenever a credit is selected.
            self.window.credit_actions[key] = action
        # At start-up a credit is already selected when reminders attach: enabled now, not at the next selection.
        self.window.update_actions()

    def show_reminder_state(self, detail: CreditDetail) -> None:
        """Say in the detail panel whether the shown credit is muted or snoozed, and tick the Mute action."""
        credit, label = detail.credit, self.window.detail.reminder_label
        blocked = self.mute_action.blockSignals(True)
        self.mute_action.setChecked(bool(credit.reminders_muted))
        self.mute_action.blockSignals(blocked)
        text = ""
        if credit.reminders_muted:
            text = "Reminders: muted"
        elif credit.snoozed_until is not None and credit.expires_on is not None and self.window.ledger is not None:
            # The snooze as it acts: never past the day of the final reminder.
            until = snooze_end(credit.snoozed_until, credit.expires_on, load_settings(self.window.ledger).lead_days)
            if until >= self.now().date():
                text = f"Reminders: snoozed until {until.isoformat()}"
        label.setText(text)
        label.setVisible(bool(text))

    def snooze_limit(self, credit_id: int) -> int:
        """The longest snooze in days that still ends by the day of the credit's final reminder (0: none is left)."""
        ledger = self.window.ledger
        if ledger is None:
            return 0
        today = self.now().date()
        expires_on = ledger.detail(credit_id, today).credit.expires_on
        if expires_on is None:
            return 0
        return max(0, (latest_snooze_end(expires_on, load_settings(ledger).lead_days) - today).days)

    def _ask_and_snooze(self) -> None:
        dialog = self.snooze_dialog()
        if dialog is not None:
            dialog.intValueSelected.connect(self.snooze_selected)
            dialog.open()

    def snooze_dialog(self) -> QInputDialog | None:
        """The Snooze dialog for the selected credit: no choice outlasts its final reminder (None: none left)."""
        credit_id = self.window.selected_credit_id()
        if credit_id is None:
            return None
        limit = self.snooze_limit(credit_id)
        if limit < 1:
            self.window.statusBar().showMessage(
                "This credit's last reminder is due today or has passed: there is nothing left to snooze", STATUS_MS
            )
            return None
        last = self.now().date() + timedelta(days=limit)
        dialog = QInputDialog(self.window)
        dialog.setWindowTitle("Snooze reminders")
        dialog.setInputMode(QInputDialog.InputMode.IntInput)
        dialog.setIntRange(1, limit)
        dialog.setIntValue(min(SNOOZE_DAYS, limit))
        dialog.setLabelText(
            "Remind me again about this credit in how many days?\n"
            f"At most {limit} day{'s' if limit != 1 else ''}: its last reminder comes on {last:%B} {last.day}, "
            "and a snooze never skips it."
        )
        return dialog

    def snooze_selected(self, days: int | None = None) -> bool:
        """Hold the selected credit's reminders and remind again in `days` days (asked when not given).

        The snooze ends by the day of the credit's final reminder at the latest (`snooze_limit`).
        """
        credit_id, ledger = self.window.selected_credit_id(), self.window.ledger
        if credit_id is None or ledger is None:
            return False
        if days is None:
            self._ask_and_snooze()
            return False
        until = self.snooze_credit(credit_id, days)
        if until is None:
            return False
        self.window.refresh_credit(credit_id, "snoozed")
        self.window.statusBar().showMessage(
            f"Reminders for this credit snoozed until {until:%B} {until.day}", STATUS_MS
        )
        return True

    def snooze_credit(self, credit_id: int, days: int) -> date | None:
        """Snooze a credit's reminders for `days` days, at most until the day of its final reminder;
        returns the day they come back (None: no day is left to snooze, nothing changed)."""
        ledger = self.window.ledger
        days = min(days, self.snooze_limit(credit_id))
        if ledger is None or days < 1:
            return None
        until = self.now().date() + timedelta(days=days)
        snooze(ledger, credit_id, until)
        return until

    def toggle_mute_selected(self) -> bool | None:
        """Mute the selected credit's reminders, or bring them back; returns the new muted state."""
        credit_id, ledger = self.window.selected_credit_id(), self.window.ledger
        if credit_id is None or ledger is None:
            return None
        muted = not ledger.detail(credit_id, self.now().date()).credit.reminders_muted
        mute(ledger, credit_id, muted)
        self.window.refresh_credit(credit_id, "muted" if muted else "unmuted")
        self.window.statusBar().showMessage(
            "Reminders for this credit muted" if muted else "Reminders for this credit are back on", STATUS_MS
        )
        return muted


def install_reminders(
    window: MainWindow, *, now: Callable[[], datetime] = clock.now, background: bool = False
) -> ReminderService:
    """Attach reminders to the main window; with `background`, the window hides in the tray once it is there."""
    service = ReminderService(window, now)
    if background:
        window.ledger_opened.connect(lambda: window.hide() if service.tray.icon.isVisible() else None)
    return service
