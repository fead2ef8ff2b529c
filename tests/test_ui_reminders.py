"""Reminders in the running app: the scheduler fires, the notification reaches D-Bus, the tray count follows."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import QSettings, Qt, QThread
from PySide6.QtGui import QIcon, QKeySequence
from PySide6.QtWidgets import QApplication, QInputDialog, QMessageBox
from pytestqt.qtbot import QtBot

from ledger.reminders.notifiers import Notification, NotifierChain
from ledger.reminders.planning import ReminderPolicy, mute
from ledger.reminders.store import claim, plan_due
from ledger.storage.settings import Settings, load_settings, save_settings
from ledger.storage.store import Ledger
from tests.reminder_fixtures import BrokenNotifier, RecordingNotifier, add_credit, local
from tests.ui_helpers import OFFSCREEN_NOISE, reminder_windows
from ui.dialogs.settings_dialog import SettingsDialog
from ui.reminders.autostart import autostart_path, set_start_at_login
from ui.reminders.notifiers import ReminderBanner
from ui.reminders.reminder_scheduler import ReminderScheduler
from ui.reminders.reminder_service import ReminderService, install_reminders
from ui.reminders.tray import ReminderTray, badge_icon
from ui.window.main_window import MainWindow
from ui.window.window_state import GEOMETRY

if TYPE_CHECKING:
    from tests.dbus_fixtures import NotificationServer

pytest_plugins = ("tests.dbus_fixtures",)
pytestmark = OFFSCREEN_NOISE

EXPIRY = date(2026, 7, 31)


def running_clock(start: datetime) -> Callable[[], datetime]:
    """The app's clock: it starts at `start` and runs at the speed of the real one."""
    origin = time.monotonic()
    return lambda: start + timedelta(seconds=time.monotonic() - origin)


@pytest.fixture
def app_window(qtbot: QtBot, ledger_path: Path, tmp_path: Path) -> Iterator[Callable[..., ReminderService]]:
    """Opens the real main window on this test's ledger with reminders installed, at a given app time."""
    yield from reminder_windows(qtbot, ledger_path, tmp_path / "window.ini")


def seed_ledger(path: Path, settings: Settings, *expiries: date) -> list[int]:
    book = Ledger.open(path)
    try:
        save_settings(book, settings)
        return [add_credit(book, expiry, title=f"Card {n}") for n, expiry in enumerate(expiries, 1)]
    finally:
        book.close()


def test_a_reminder_comes_due_in_the_running_app_and_reaches_dbus_and_the_tray(
    qtbot: QtBot, ledger_path: Path, app_window: Callable[..., ReminderService], notification_server: NotificationServer
) -> None:
    # Reminders at midnight: two seconds after the app starts the credit enters its 30-day window.
    seed_ledger(ledger_path, Settings(remind_at="00:00"), EXPIRY)
    service = app_window(running_clock(local(2026, 6, 30, 23, 59) + timedelta(seconds=58)))

    assert notification_server.shown() == []
    assert service.tray.count == 0
    assert service.scheduler.next_wakeup() is not None

    qtbot.waitUntil(lambda: len(notification_server.shown()) == 1, timeout=20_000)
    qtbot.waitUntil(lambda: service.tray.count == 1, timeout=5_000)

    assert [(n.app_name, n.title) for n in notification_server.shown()] == [
        ("Credit Ledger", "Card 1 expires in 30 days")
    ]
    assert "1 credit expiring soon" in service.tray.icon.toolTip()
    assert service.scheduler.last_run is not None and service.scheduler.last_run.channel == "desktop"


def credit_added_in_the_window(
    ledger_path: Path, app_window: Callable[..., ReminderService], title: str
) -> tuple[ReminderService, int]:
    """The window on July 28 (no notification server), where a credit expiring on July 31 was just added."""
    seed_ledger(ledger_path, Settings())
    service = app_window(lambda: local(2026, 7, 28, 12, 0))
    assert service.window.ledger is not None
    credit_id = add_credit(service.window.ledger, EXPIRY, title=title)
    service.window.refresh_credit(credit_id, "added")
    return service, credit_id


def test_a_change_to_the_ledger_is_reconciled_at_once_and_falls_back_to_the_banner(
    ledger_path: Path, app_window: Callable[..., ReminderService], session_bus: str
) -> None:
    service, _ = credit_added_in_the_window(ledger_path, app_window, "Just added")

    banners = service.window.findChildren(ReminderBanner)
    assert [b.notification.title for b in banners] == ["Just added expires in 3 days"]
    assert service.scheduler.last_run is not None and service.scheduler.last_run.channel == "banner"
    assert service.tray.count == 1


def test_a_reminder_banner_follows_its_credit_spent_elsewhere_and_closes_once_nothing_is_left(
    qtbot: QtBot, ledger_path: Path, app_window: Callable[..., ReminderService], session_bus: str
) -> None:
    service, credit_id = credit_added_in_the_window(ledger_path, app_window, "Kettle refund")
    window = service.window
    (banner,) = window.findChildren(ReminderBanner)
    assert banner.body.text().startswith("$25.00 left.")

    # The command line (another connection, as cron or a terminal would) spends part of it.
    elsewhere = Ledger.open(ledger_path)
    try:
        elsewhere.spend(credit_id, "15.00", date(2026, 7, 28))
        qtbot.waitUntil(lambda: banner.body.text().startswith("$10.00 left."), timeout=10_000)
        assert banner.title.text() == "<b>Kettle refund expires in 3 days</b>"

        elsewhere.spend(credit_id, "10.00", date(2026, 7, 28))
        qtbot.waitUntil(lambda: not window.findChildren(ReminderBanner), timeout=10_000)
    finally:
        elsewhere.close()


def test_the_scheduler_job_runs_the_work_on_the_gui_thread(qtbot: QtBot, ledger: Ledger) -> None:
    due_at_nine = add_credit(ledger, EXPIRY)  # its 7-day reminder is due at 09:00 on July 24
    missed = add_credit(ledger, EXPIRY - timedelta(days=1))  # its 7-day reminder passed on July 23
    july = local(2026, 7, 1, 9, 0)
    claim(ledger, plan_due(ledger, ReminderPolicy(), july).due, july)  # both 30-day reminders went out in time
    threads: list[QThread] = []
    recorder = RecordingNotifier()

    class ThreadNoting(RecordingNotifier):
        def notify(self, notification: Notification) -> None:
            threads.append(QThread.currentThread())
            recorder.notify(notification)

    now = running_clock(local(2026, 7, 24, 8, 59) + timedelta(seconds=59))
    scheduler = ReminderScheduler(lambda: ledger, lambda _s: NotifierChain([ThreadNoting()]), now)
    scheduler.start()  # catches up on the reminder missed while "closed"
    try:
        assert scheduler.last_run is not None
        assert [r.key[:2] for r in scheduler.last_run.delivered] == [(missed, 7)]
        qtbot.waitUntil(lambda: len(recorder.shown) == 2, timeout=20_000)
    finally:
        scheduler.stop()

    app = QApplication.instance()
    assert app is not None
    assert threads == [app.thread(), app.thread()]
    assert scheduler.last_run is not None
    assert [r.key[:2] for r in scheduler.last_run.delivered] == [(due_at_nine, 7)]


def test_when_every_channel_fails_the_scheduler_tries_again_soon(ledger: Ledger) -> None:
    add_credit(ledger, EXPIRY)
    scheduler = ReminderScheduler(
        lambda: ledger, lambda _s: NotifierChain([BrokenNotifier()]), lambda: local(2026, 7, 30)
    )
    scheduler.start()
    try:
        assert scheduler.last_run is not None and scheduler.last_run.failed
        assert scheduler.next_wakeup() is not None
    finally:
        scheduler.stop()
    assert not scheduler.running


def test_pausing_from_the_tray_holds_every_reminder_until_resumed(
    ledger_path: Path, app_window: Callable[..., ReminderService], session_bus: str
) -> None:
    seed_ledger(ledger_path, Settings(reminders_paused=True), EXPIRY)
    service = app_window(lambda: local(2026, 7, 30, 12, 0))
    assert service.window.ledger is not None
    assert service.tray.pause_action.isChecked()
    assert service.window.findChildren(ReminderBanner) == []

    service.tray.pause_action.trigger()

    assert not load_settings(service.window.ledger).reminders_paused
    assert len(service.window.findChildren(ReminderBanner)) == 1


def test_the_tray_icon_shows_the_count_and_its_menu_reports_choices(qtbot: QtBot) -> None:
    tray = ReminderTray(QIcon())
    seen: list[str] = []
    tray.open_requested.connect(lambda: seen.append("open"))
    tray.check_requested.connect(lambda: seen.append("check"))
    tray.quit_requested.connect(lambda: seen.append("quit"))

    tray.set_count(3)
    for action in (tray.open_action, tray.check_action, tray.quit_action):
        action.trigger()

    assert tray.icon.toolTip() == "Credit Ledger: 3 credits expiring soon"
    assert seen == ["open", "check", "quit"]
    assert badge_icon(QIcon(), 3).cacheKey() != badge_icon(QIcon(), 0).cacheKey()
    tray.dispose()


def test_the_settings_dialog_edits_lead_times_time_and_switches(qtbot: QtBot) -> None:
    dialog = SettingsDialog(Settings())
    qtbot.addWidget(dialog)

    dialog.add_lead_time(14)
    dialog.leads.setCurrentRow(0)
    dialog.remove_selected_lead()
    dialog.remind_at.setTime(dialog.remind_at.time().addSecs(90 * 60))
    dialog.notifications.setChecked(False)
    dialog.start_at_login.setChecked(True)
    dialog.backups_to_keep.setValue(4)

    chosen = dialog.chosen()
    assert chosen.backups_to_keep == 4
    assert chosen.lead_days == (14, 7, 1)
    assert chosen.remind_at == "10:30"
    assert not chosen.notifications_enabled
    assert chosen.start_at_login
    assert dialog.leads.item(0).text() == "14 days before expiry"


TEST_LINE = "This is a test from Credit Ledger's settings: your reminders will look like this."


def test_send_a_test_notification_reaches_the_desktop_and_says_it_is_a_test(
    ledger_path: Path, app_window: Callable[..., ReminderService], notification_server: NotificationServer
) -> None:
    seed_ledger(ledger_path, Settings())
    service = app_window(lambda: local(2026, 1, 1, 12, 0))
    dialog = service.open_settings()
    assert dialog is not None

    dialog.test_button.click()

    assert [(n.title, n.body) for n in notification_server.shown()] == [
        (
            "Test notification: Birthday gift card expires in 7 days",
            f"$25.00 left. Use it by January 8, 2026, or it is forfeited.\n{TEST_LINE}",
        )
    ]
    dialog.reject()


def test_the_test_notification_is_a_sample_reminder_for_the_most_urgent_credit(
    ledger_path: Path, app_window: Callable[..., ReminderService], notification_server: NotificationServer
) -> None:
    book = Ledger.open(ledger_path)
    try:
        save_settings(book, Settings(reminders_paused=True))  # only the test notification reaches the server
        add_credit(book, date(2026, 3, 1), title="Later card")
        add_credit(book, date(2026, 1, 20), title="Urgent card", amount="12.34", currency="EUR")
        add_credit(book, date(2025, 12, 20), title="Already expired")
        mute(book, add_credit(book, date(2026, 1, 5), title="Muted card"))
        book.set_archived(add_credit(book, date(2026, 1, 6), title="Archived card"))
        book.spend(add_credit(book, date(2026, 1, 7), title="Spent card"), "25.00", today=date(2025, 12, 1))
    finally:
        book.close()
    service = app_window(lambda: local(2026, 1, 1, 12, 0))

    service.send_test_notification()

    assert [(n.title, n.body) for n in notification_server.shown()] == [
        (
            "Test notification: Urgent card expires in 19 days",
            f"€12.34 left. Use it by January 20, 2026, or it is forfeited.\n{TEST_LINE}",
        )
    ]


def test_start_at_login_writes_and_removes_the_autostart_entry(
    ledger_path: Path, app_window: Callable[..., ReminderService], isolated_home: Path, session_bus: str
) -> None:
    seed_ledger(ledger_path, Settings())
    service = app_window(lambda: local(2026, 1, 1, 12, 0))
    entry = isolated_home / "config" / "autostart" / "credit-ledger.desktop"

    service.apply_settings(Settings(start_at_login=True))

    assert autostart_path() == entry
    text = entry.read_text(encoding="utf-8")
    assert "Exec=" in text and text.rstrip().splitlines()[0] == "[Desktop Entry]"
    exec_line = next(line for line in text.splitlines() if line.startswith("Exec="))
    assert exec_line.endswith(f" --db {ledger_path.resolve()} --background")
    service.apply_settings(Settings(start_at_login=False))
    assert not entry.exists()


def test_the_start_at_login_box_shows_whether_this_ledger_starts_at_login(
    ledger_path: Path, app_window: Callable[..., ReminderService], isolated_home: Path, session_bus: str
) -> None:
    seed_ledger(ledger_path, Settings(start_at_login=True))  # stored as on, but no entry was ever written
    service = app_window(lambda: local(2026, 1, 1, 12, 0))

    def box_checked() -> bool:
        dialog = service.open_settings()
        assert dialog is not None
        checked = dialog.start_at_login.isChecked()
        dialog.reject()
        return checked

    assert not box_checked()
    set_start_at_login(True, isolated_home / "another ledger.sqlite3")
    assert not box_checked()
    service.apply_settings(Settings(start_at_login=False))
    assert autostart_path().exists()  # the other ledger's entry is not this one's to remove
    set_start_at_login(True, ledger_path)
    assert box_checked()


def test_a_login_entry_that_cannot_be_written_is_explained_and_the_settings_still_saved(
    qtbot: QtBot, ledger_path: Path, tmp_path: Path, app_window: Callable[..., ReminderService]
) -> None:
    seed_ledger(ledger_path, Settings())
    service = app_window(lambda: local(2026, 1, 1, 12, 0))
    entry = autostart_path()
    entry.parent.mkdir(parents=True)
    entry.symlink_to(tmp_path / "elsewhere.desktop")

    service.apply_settings(Settings(start_at_login=True, remind_at="08:15"))

    box = service.window.findChild(QMessageBox, "warningBox")
    assert isinstance(box, QMessageBox)
    assert "cannot start at login" in box.text() and "is a symbolic link" in box.text()
    assert entry.is_symlink() and not (tmp_path / "elsewhere.desktop").exists()
    assert service.window.ledger is not None and load_settings(service.window.ledger).remind_at == "08:15"
    box.close()


def test_snooze_and_mute_act_on_the_selected_credit(
    ledger_path: Path, app_window: Callable[..., ReminderService], session_bus: str
) -> None:
    credit_id = seed_ledger(ledger_path, Settings(), EXPIRY)[0]
    service = app_window(lambda: local(2026, 7, 1, 8, 0))
    window = service.window
    assert window.ledger is not None
    assert window.select_credit(credit_id)
    assert service.snooze_action.isEnabled() and service.mute_action.isEnabled()

    assert service.snooze_selected(3)
    assert window.ledger.detail(credit_id, date(2026, 7, 1)).credit.snoozed_until == date(2026, 7, 4)
    assert service.toggle_mute_selected() is True
    assert window.ledger.detail(credit_id, date(2026, 7, 1)).credit.reminders_muted
    assert service.toggle_mute_selected() is False


def test_the_mute_action_and_the_detail_panel_show_the_credits_reminder_state(
    ledger_path: Path, app_window: Callable[..., ReminderService], session_bus: str
) -> None:
    first, second = seed_ledger(ledger_path, Settings(), EXPIRY, EXPIRY)
    service = app_window(lambda: local(2026, 7, 1, 8, 0))
    window = service.window
    line = window.detail.reminder_label
    assert window.ledger is not None
    assert window.select_credit(first)
    assert service.mute_action.isCheckable() and not service.mute_action.isChecked()
    assert line.isHidden()

    service.mute_action.trigger()

    assert window.ledger.detail(first, date(2026, 7, 1)).credit.reminders_muted
    assert service.mute_action.isChecked()
    assert not line.isHidden() and line.text() == "Reminders: muted"
    assert window.select_credit(second)
    assert not service.mute_action.isChecked() and line.isHidden()
    assert service.snooze_selected(3)
    assert not line.isHidden() and line.text() == "Reminders: snoozed until 2026-07-04"
    assert window.select_credit(first)
    service.mute_action.trigger()
    assert not window.ledger.detail(first, date(2026, 7, 1)).credit.reminders_muted
    assert not service.mute_action.isChecked() and line.isHidden()


def test_snooze_and_mute_are_buttons_in_the_detail_panel_acting_as_the_menu_items_do(
    qtbot: QtBot, ledger_path: Path, app_window: Callable[..., ReminderService], session_bus: str
) -> None:
    credit_id = seed_ledger(ledger_path, Settings(), EXPIRY)[0]
    service = app_window(lambda: local(2026, 7, 1, 8, 0))
    window = service.window
    assert window.ledger is not None
    assert window.select_credit(credit_id)
    snooze_button, mute_button = window.detail.reminder_action_buttons
    assert (snooze_button.defaultAction(), mute_button.defaultAction()) == (service.snooze_action, service.mute_action)
    assert (snooze_button.text(), mute_button.text()) == ("Snooze…", "Mute")
    assert (snooze_button.accessibleName(), mute_button.accessibleName()) == ("Snooze reminders", "Mute reminders")
    assert snooze_button.isVisible() and mute_button.isEnabled()

    qtbot.mouseClick(mute_button, Qt.MouseButton.LeftButton)
    assert window.ledger.detail(credit_id, date(2026, 7, 1)).credit.reminders_muted
    assert mute_button.isChecked() and window.detail.reminder_label.text() == "Reminders: muted"
    qtbot.mouseClick(mute_button, Qt.MouseButton.LeftButton)
    assert not window.ledger.detail(credit_id, date(2026, 7, 1)).credit.reminders_muted
    assert not mute_button.isChecked()

    qtbot.mouseClick(snooze_button, Qt.MouseButton.LeftButton)
    dialog = window.findChild(QInputDialog)
    assert dialog is not None and dialog.isVisible()
    dialog.setIntValue(3)
    dialog.accept()
    assert window.ledger.detail(credit_id, date(2026, 7, 1)).credit.snoozed_until == date(2026, 7, 4)
    assert window.detail.reminder_label.text() == "Reminders: snoozed until 2026-07-04"


def test_snooze_and_mute_are_ready_when_reminders_attach_after_a_credit_was_selected(
    qtbot: QtBot, ledger_path: Path, tmp_path: Path, session_bus: str
) -> None:
    # The app's order at start-up (ui/window/startup.py): the ledger opens and a credit is selected, then reminders.
    credit_id = seed_ledger(ledger_path, Settings(), EXPIRY)[0]
    settings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    window = MainWindow(ledger_path, today=lambda: date(2026, 7, 1), settings=settings)
    qtbot.addWidget(window)
    window.show()
    window.open_ledger()
    assert window.select_credit(credit_id)
    service = install_reminders(window, now=lambda: local(2026, 7, 1, 8, 0))
    try:
        assert service.snooze_action.isEnabled() and service.mute_action.isEnabled()
        assert all(button.isEnabled() for button in window.detail.reminder_action_buttons)
    finally:
        service.shutdown()


def test_a_snooze_never_outlasts_the_credits_final_reminder(
    ledger_path: Path, app_window: Callable[..., ReminderService], session_bus: str
) -> None:
    # The demo at 09:30 on Dec 1: "Amazon survey credit" expires on Dec 3; its last reminder is on Dec 2.
    survey, far, tomorrow = seed_ledger(ledger_path, Settings(), date(2026, 12, 3), date(2027, 3, 1), date(2026, 12, 2))
    service = app_window(lambda: local(2026, 12, 1, 9, 30))
    window = service.window
    assert window.ledger is not None

    assert window.select_credit(survey)
    dialog = service.snooze_dialog()
    assert dialog is not None
    assert (dialog.intValue(), dialog.intMaximum()) == (1, 1)
    assert "December 2" in dialog.labelText()
    dialog.reject()
    assert service.snooze_selected(3)  # asked for more than is left: ends on the final reminder's day
    assert window.ledger.detail(survey, date(2026, 12, 1)).credit.snoozed_until == date(2026, 12, 2)

    assert window.select_credit(far)
    dialog = service.snooze_dialog()
    assert dialog is not None
    assert (dialog.intValue(), dialog.intMaximum()) == (3, 89)
    dialog.reject()

    assert window.select_credit(tomorrow)
    assert service.snooze_dialog() is None
    assert not service.snooze_selected(3)
    assert window.ledger.detail(tomorrow, date(2026, 12, 1)).credit.snoozed_until is None


# --- quitting, the tray, pausing and Check now ---------------------------------------------

# Offscreen there is no tray; showing the icon anyway (as where a tray exists) makes Qt say so.
NO_TRAY_HERE = pytest.mark.qt_log_ignore(
    *OFFSCREEN_NOISE.args, r"No such signal QPlatformNativeInterface::systemTrayWindowChanged"
)


def in_a_tray(service: ReminderService) -> ReminderService:
    """Show the tray icon, as the app does where the desktop has a tray."""
    service.tray.icon.show()
    assert service.keeps_running_in_tray()
    return service


@NO_TRAY_HERE
def test_file_quit_and_ctrl_q_quit_even_where_closing_the_window_keeps_the_app_in_the_tray(
    ledger_path: Path, app_window: Callable[..., ReminderService], notification_server: NotificationServer
) -> None:
    seed_ledger(ledger_path, Settings())
    service = in_a_tray(app_window(lambda: local(2026, 1, 1, 12, 0)))
    window = service.window
    assert window.quit_action.shortcut() == QKeySequence("Ctrl+Q")

    window.quit_action.trigger()

    assert not window.isVisible()
    # Closed for real, not hidden in the tray: the window saved its layout on the way out.
    assert window.settings.contains(GEOMETRY)
    assert not service.keeps_running_in_tray()
    assert notification_server.shown() == []  # no "still running in the tray" message


@NO_TRAY_HERE
def test_closing_the_window_to_the_tray_says_once_that_the_app_keeps_running_there(
    qtbot: QtBot,
    ledger_path: Path,
    tmp_path: Path,
    app_window: Callable[..., ReminderService],
    notification_server: NotificationServer,
) -> None:
    seed_ledger(ledger_path, Settings())
    service = in_a_tray(app_window(lambda: local(2026, 1, 1, 12, 0)))
    window = service.window

    window.close()
    window.show()
    window.close()

    assert not window.isVisible()
    assert [n.title for n in notification_server.shown()] == ["Credit Ledger is still running"]
    assert "File → Quit (Ctrl+Q)" in notification_server.shown()[0].body
    service.shutdown()

    # Remembered: the next time the app runs, closing its window says nothing more.
    again = in_a_tray(app_window(lambda: local(2026, 1, 2, 12, 0)))
    again.window.close()
    assert not again.window.isVisible()
    assert len(notification_server.shown()) == 1


def test_paused_reminders_show_in_the_window_the_tray_tooltip_and_the_settings(
    ledger_path: Path, app_window: Callable[..., ReminderService], session_bus: str
) -> None:
    seed_ledger(ledger_path, Settings(reminders_paused=True), EXPIRY)
    service = app_window(lambda: local(2026, 7, 30, 12, 0))
    window = service.window
    assert window.ledger is not None

    assert service.paused_line.isVisibleTo(window)
    assert service.tray.icon.toolTip() == "Credit Ledger: reminders paused, 1 credit expiring soon"
    dialog = service.open_settings()
    assert dialog is not None and dialog.paused.isChecked()
    dialog.reject()

    service.resume_button.click()

    assert not load_settings(window.ledger).reminders_paused
    assert not service.paused_line.isVisibleTo(window)
    assert service.tray.icon.toolTip() == "Credit Ledger: 1 credit expiring soon"
    assert not service.tray.pause_action.isChecked()
    assert len(window.findChildren(ReminderBanner)) == 1  # the reminder held back comes now

    dialog = service.open_settings()
    assert dialog is not None and not dialog.paused.isChecked()
    dialog.paused.setChecked(True)
    dialog.accept()

    assert load_settings(window.ledger).reminders_paused
    assert service.paused_line.isVisibleTo(window)
    assert service.tray.pause_action.isChecked()


def test_check_now_says_what_it_found_also_when_nothing_is_due(
    ledger_path: Path, app_window: Callable[..., ReminderService], notification_server: NotificationServer
) -> None:
    seed_ledger(ledger_path, Settings(), EXPIRY)  # its first reminder: 09:00 on July 1
    moment = [local(2026, 6, 20, 12, 0)]
    service = app_window(lambda: moment[0])
    status = service.window.statusBar()

    service.tray.check_action.trigger()

    nothing = "Nothing is due now. The next reminder comes on July 1 at 09:00."
    assert [(n.title, n.body) for n in notification_server.shown()] == [("Credit Ledger: Check now", nothing)]
    assert status.currentMessage() == nothing

    moment[0] = local(2026, 7, 1, 9, 5)
    service.tray.check_action.trigger()

    # The reminder itself answers; the status bar says so too.
    assert [n.title for n in notification_server.shown()][1:] == ["Card 1 expires in 30 days"]
    assert status.currentMessage() == "1 reminder shown."

    service.set_paused(True)
    service.tray.check_action.trigger()

    paused = "Reminders are paused, so nothing was shown. Uncheck Pause reminders to get them again."
    assert [(n.title, n.body) for n in notification_server.shown()][2:] == [("Credit Ledger: Check now", paused)]
