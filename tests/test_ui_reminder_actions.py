"""Acting on a reminder: a click opens the window on its credit; Snooze a day and Mute work from the notification.

A real notification server (python-dbusmock's template, with the "actions" capability as dunst,
GNOME Shell and Plasma have) runs on a private bus and plays the user's part: it sends the
ActionInvoked signal a click sends.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import dbus
import dbus.lowlevel
import pytest
from pytestqt.qtbot import QtBot

from ledger.reminders.notifiers import URGENCY_CRITICAL, Notification
from ledger.shipped import app_icon
from ledger.storage.settings import Settings, save_settings
from ledger.storage.store import Ledger
from tests.reminder_fixtures import add_credit, local
from tests.ui_helpers import OFFSCREEN_NOISE, reminder_windows
from ui.reminders.desktop_notifications import DesktopNotifications
from ui.reminders.notifiers import ReminderBanner
from ui.reminders.reminder_service import ReminderService

if TYPE_CHECKING:
    from tests.dbus_fixtures import NotificationServer

pytest_plugins = ("tests.dbus_fixtures",)
# Bringing the window back raises it, which the offscreen platform cannot do either.
pytestmark = pytest.mark.qt_log_ignore(*OFFSCREEN_NOISE.args, r"This plugin does not support raise\(\)")

NOW = local(2026, 7, 24, 10, 0)  # the 7-day reminder of a credit expiring on July 31 came due at 09:00
TODAY = NOW.date()
EXPIRY = date(2026, 7, 31)
OPEN_SNOOZE_MUTE = (("default", "Open"), ("snooze", "Snooze a day"), ("mute", "Mute"))


@pytest.fixture
def app(qtbot: QtBot, ledger_path: Path, tmp_path: Path) -> Iterator[Callable[..., ReminderService]]:
    """Opens the real main window on this test's ledger with reminders installed, at NOW."""
    yield from reminder_windows(qtbot, ledger_path, tmp_path / "window.ini", clock=lambda: NOW)


def seed(path: Path, *credits: tuple[str, date], settings: Settings | None = None) -> list[int]:
    book = Ledger.open(path)
    try:
        if settings is not None:
            save_settings(book, settings)
        return [add_credit(book, expiry, title=title) for title, expiry in credits]
    finally:
        book.close()


def shown_id(service: ReminderService) -> int:
    assert isinstance(service.desktop, DesktopNotifications)
    assert service.desktop.last_id is not None
    return service.desktop.last_id


def read_credit(path: Path, credit_id: int) -> tuple[date | None, bool]:
    """The credit's snooze and mute as stored (read afresh)."""
    book = Ledger.open(path)
    try:
        credit = book.detail(credit_id, TODAY).credit
        return credit.snoozed_until, bool(credit.reminders_muted)
    finally:
        book.close()


def test_a_reminder_carries_the_app_icon_and_offers_open_snooze_and_mute(
    ledger_path: Path, app: Callable[..., ReminderService], actions_server: NotificationServer
) -> None:
    seed(ledger_path, ("Birthday card", EXPIRY))

    service = app()

    [shown] = actions_server.shown()
    assert shown.title == "Birthday card expires in 7 days"
    assert shown.app_icon == app_icon().as_uri()
    assert shown.actions == OPEN_SNOOZE_MUTE
    # Its last week: it stays until dismissed.
    assert (shown.hints["urgency"], shown.expire_timeout) == (URGENCY_CRITICAL, 0)
    assert service.scheduler.last_run is not None and service.scheduler.last_run.channel == "desktop"


def test_a_server_without_actions_is_sent_none(
    ledger_path: Path, app: Callable[..., ReminderService], notification_server: NotificationServer
) -> None:
    seed(ledger_path, ("Birthday card", EXPIRY))

    app()

    [shown] = notification_server.shown()
    assert shown.title == "Birthday card expires in 7 days"
    assert shown.actions == ()


def test_clicking_a_reminder_opens_the_window_on_its_credit(
    qtbot: QtBot, ledger_path: Path, app: Callable[..., ReminderService], actions_server: NotificationServer
) -> None:
    reminded, other = seed(ledger_path, ("Birthday card", EXPIRY), ("Far away", date(2027, 1, 1)))
    service = app()
    window = service.window
    window.select_credit(other)
    window.search.setText("Far away")  # the reminded credit is filtered out of the table
    window.tabs.setCurrentIndex(1)
    window.hide()  # closed to the tray

    actions_server.invoke_action(shown_id(service), "default")

    qtbot.waitUntil(lambda: window.isVisible() and window.selected_credit_id() == reminded, timeout=10_000)
    assert window.tabs.currentIndex() == 0
    assert window.search.text() == ""
    assert window.detail.credit_id == reminded


def test_snooze_a_day_from_the_notification_holds_the_credits_reminders_until_tomorrow(
    qtbot: QtBot, ledger_path: Path, app: Callable[..., ReminderService], actions_server: NotificationServer
) -> None:
    [credit_id] = seed(ledger_path, ("Birthday card", EXPIRY))
    service = app()
    service.window.hide()

    actions_server.invoke_action(shown_id(service), "snooze")

    tomorrow = TODAY + timedelta(days=1)
    qtbot.waitUntil(lambda: read_credit(ledger_path, credit_id) == (tomorrow, False), timeout=10_000)
    assert not service.window.isVisible()  # acting on a reminder does not pop the window up
    assert service.window.detail.reminder_label.text() == f"Reminders: snoozed until {tomorrow.isoformat()}"


def test_mute_from_the_notification_silences_the_credit(
    qtbot: QtBot, ledger_path: Path, app: Callable[..., ReminderService], actions_server: NotificationServer
) -> None:
    [credit_id] = seed(ledger_path, ("Birthday card", EXPIRY))
    service = app()

    actions_server.invoke_action(shown_id(service), "mute")

    qtbot.waitUntil(lambda: read_credit(ledger_path, credit_id) == (None, True), timeout=10_000)
    assert service.mute_action.isChecked()


def test_mute_from_a_notification_whose_credit_was_deleted_never_mutes_the_credit_that_took_its_id(
    qtbot: QtBot, ledger_path: Path, app: Callable[..., ReminderService], actions_server: NotificationServer
) -> None:
    [credit_id] = seed(ledger_path, ("Birthday card", EXPIRY))
    service = app()
    shown = shown_id(service)
    elsewhere = Ledger.open(ledger_path)  # the command line, while the notification is still on screen
    try:
        elsewhere.delete(credit_id)
        newcomer = add_credit(elsewhere, EXPIRY, title="Someone else's card")
    finally:
        elsewhere.close()
    assert newcomer == credit_id  # SQLite gave the freed id to the new credit

    actions_server.invoke_action(shown, "mute")

    status = service.window.statusBar()
    qtbot.waitUntil(lambda: status.currentMessage() == "That credit is no longer in the ledger", timeout=10_000)
    assert read_credit(ledger_path, newcomer) == (None, False)


def test_a_summary_offers_no_mute_and_snoozes_every_credit_it_names(
    qtbot: QtBot, ledger_path: Path, app: Callable[..., ReminderService], actions_server: NotificationServer
) -> None:
    first, second = seed(ledger_path, ("Birthday card", EXPIRY), ("Survey credit", EXPIRY + timedelta(days=2)))
    service = app()

    [shown] = actions_server.shown()
    assert shown.title.startswith("2 credits worth $50.00")
    assert shown.actions == OPEN_SNOOZE_MUTE[:2]

    actions_server.invoke_action(shown_id(service), "snooze")

    tomorrow = TODAY + timedelta(days=1)
    qtbot.waitUntil(lambda: read_credit(ledger_path, second)[0] == tomorrow, timeout=10_000)
    assert read_credit(ledger_path, first)[0] == tomorrow


def test_the_final_reminder_offers_no_snooze_there_is_no_day_left_for(
    ledger_path: Path, app: Callable[..., ReminderService], actions_server: NotificationServer
) -> None:
    seed(ledger_path, ("Birthday card", TODAY + timedelta(days=1)))  # its 1-day reminder is the last one

    app()

    [shown] = actions_server.shown()
    assert shown.title == "Birthday card expires tomorrow"
    assert shown.actions == (("default", "Open"), ("mute", "Mute"))


def test_actions_for_other_notifications_or_from_another_sender_are_ignored(
    qtbot: QtBot, ledger_path: Path, app: Callable[..., ReminderService], actions_server: NotificationServer
) -> None:
    [credit_id] = seed(ledger_path, ("Birthday card", EXPIRY))
    service = app()
    notification_id = shown_id(service)
    service.window.hide()

    actions_server.invoke_action(notification_id + 1, "mute")  # some other program's notification
    forged = dbus.lowlevel.SignalMessage(
        "/org/freedesktop/Notifications", "org.freedesktop.Notifications", "ActionInvoked"
    )
    forged.append(dbus.UInt32(notification_id), "mute", signature="us")
    bus = dbus.SessionBus()
    bus.send_message(forged)  # the right id, but not from the server that showed it
    bus.flush()
    bus.list_names()  # a round trip: the bus has passed the forged signal on before the click below
    actions_server.invoke_action(notification_id, "default")  # then a real click, to know the others arrived

    qtbot.waitUntil(service.window.isVisible, timeout=10_000)
    assert read_credit(ledger_path, credit_id) == (None, False)


def test_a_notification_the_user_dismissed_no_longer_acts(
    qtbot: QtBot, ledger_path: Path, app: Callable[..., ReminderService], actions_server: NotificationServer
) -> None:
    [credit_id] = seed(ledger_path, ("Birthday card", EXPIRY))
    service = app()
    dismissed = shown_id(service)
    service.window.hide()

    actions_server.close(dismissed)
    actions_server.invoke_action(dismissed, "mute")  # too late: it is gone
    service.send_test_notification()
    actions_server.invoke_action(shown_id(service), "default")  # then a click that counts, after the others

    qtbot.waitUntil(service.window.isVisible, timeout=10_000)
    assert read_credit(ledger_path, credit_id) == (None, False)


def test_clicking_the_tray_message_opens_the_window_on_its_credit(
    qtbot: QtBot, ledger_path: Path, app: Callable[..., ReminderService], session_bus: str
) -> None:
    reminded, other = seed(ledger_path, ("Birthday card", EXPIRY), ("Far away", date(2027, 1, 1)))
    service = app()
    service.window.select_credit(other)
    service.window.hide()
    # What the tray channel remembers when it shows a reminder (no tray runs offscreen to show one).
    service.tray_notifier.last = Notification("Birthday card expires in 7 days", "", credit_ids=(reminded,))

    service.tray.icon.messageClicked.emit()

    assert service.window.isVisible()
    assert service.window.selected_credit_id() == reminded


def test_desktop_notifications_come_back_after_the_notification_server_restarts(
    ledger_path: Path, app: Callable[..., ReminderService], session_bus: str
) -> None:
    from tests.dbus_fixtures import start_notification_server  # loaded as a plugin above, so imported late

    seed(ledger_path, settings=Settings(reminders_paused=True))
    service = app()
    server = start_notification_server()
    try:
        assert service.send_test_notification().channel == "desktop"
    finally:
        server.stop()
    assert service.send_test_notification().channel == "banner"  # no server: the chain falls through

    server = start_notification_server()
    try:
        assert service.send_test_notification().channel == "desktop"
        assert len(server.shown()) == 1
    finally:
        server.stop()
    assert [banner.notification.title for banner in service.window.findChildren(ReminderBanner)] == [
        "Test notification: Birthday gift card expires in 7 days"
    ]
