"""Notifications reach a real notification server on a private D-Bus, and the chain never loses one."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import dbus
import pytest
from dbusmock import SpawnedMock

from ledger.reminders.delivery import deliver_due
from ledger.reminders.notifiers import (
    URGENCY_CRITICAL,
    URGENCY_NORMAL,
    FreedesktopNotifier,
    Notification,
    NotificationFailed,
    NotifierChain,
)
from ledger.shipped import APP_ID, app_icon
from ledger.storage.store import Ledger
from tests.reminder_fixtures import BrokenNotifier, RecordingNotifier, add_credit, local

if TYPE_CHECKING:
    from tests.conftest import CliRunner
    from tests.dbus_fixtures import NotificationServer

pytest_plugins = ("tests.dbus_fixtures",)

REPO = Path(__file__).resolve().parent.parent
REMINDER = Notification(title="Birthday card expires in 7 days", body="$25.00 left.")


def test_a_desktop_notification_counts_as_shown_only_with_the_id_the_server_gave_it(
    notification_server: NotificationServer,
) -> None:
    notifier = FreedesktopNotifier()
    notifier.notify(REMINDER)

    assert notifier.last_id is not None and notifier.last_id > 0
    assert [(shown.app_name, shown.title, shown.body) for shown in notification_server.shown()] == [
        ("Credit Ledger", "Birthday card expires in 7 days", "$25.00 left.")
    ]


def test_the_desktop_notifier_fails_cleanly_when_no_notification_server_runs(session_bus: str) -> None:
    with pytest.raises(NotificationFailed, match="notification service"):
        FreedesktopNotifier().notify(REMINDER)


def test_the_desktop_notifier_fails_cleanly_without_a_session_bus(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))  # a login session without a bus socket
    with pytest.raises(NotificationFailed, match="no session bus"):
        FreedesktopNotifier().notify(REMINDER)


def test_without_the_address_the_session_bus_is_found_where_the_login_session_keeps_it(
    notification_server: NotificationServer, session_bus: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # What cron gives: no DBUS_SESSION_BUS_ADDRESS, but the session's socket in $XDG_RUNTIME_DIR.
    socket = session_bus.split("unix:path=", 1)[1].split(",", 1)[0]
    (tmp_path / "bus").symlink_to(socket)
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS")
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    FreedesktopNotifier().notify(REMINDER)
    assert len(notification_server.shown()) == 1


def test_chain_reports_the_first_channel_that_delivered(notification_server: NotificationServer) -> None:
    banner = RecordingNotifier()

    delivery = NotifierChain([FreedesktopNotifier(), banner]).deliver(REMINDER)

    assert delivery.channel == "desktop"
    assert delivery.failures == ()
    assert banner.shown == []
    assert len(notification_server.shown()) == 1


def test_chain_falls_through_to_the_next_channel_when_the_desktop_has_no_server(session_bus: str) -> None:
    banner = RecordingNotifier()

    delivery = NotifierChain([FreedesktopNotifier(), BrokenNotifier(), banner]).deliver(REMINDER)

    assert delivery.channel == "recording"
    assert [channel for channel, _why in delivery.failures] == ["desktop", "broken"]
    assert banner.shown == [REMINDER]


def test_chain_reports_no_channel_when_every_one_fails() -> None:
    delivery = NotifierChain([BrokenNotifier()]).deliver(REMINDER)

    assert not delivery.delivered
    assert delivery.failures == (("broken", "the service crashed"),)


def test_desktop_notifications_work_again_after_the_session_bus_restarts() -> None:
    # In a child process: this test stops its bus, which would strand the shared test bus's connection.
    script = textwrap.dedent(
        """
        import subprocess
        from dbusmock import BusType, PrivateDBus, SpawnedMock
        from ledger.reminders.notifiers import Notification, NotificationFailed, FreedesktopNotifier

        notifier, note = FreedesktopNotifier(), Notification("title", "body")
        bus = PrivateDBus(BusType.SESSION)
        bus.start()
        try:
            with SpawnedMock.spawn_with_template("notification_daemon", stdout=subprocess.DEVNULL):
                notifier.notify(note)
            bus._daemon.terminate()  # the bus goes away, then comes back at the same address
            bus._daemon.wait()
            try:
                notifier.notify(note)
            except NotificationFailed:
                print("failed while the bus was gone")
            bus._daemon = None
            bus.start()
            with SpawnedMock.spawn_with_template("notification_daemon", stdout=subprocess.DEVNULL) as mock:
                notifier.notify(note)
                print("shown", len(mock.obj.GetMethodCalls("Notify", dbus_interface="org.freedesktop.DBus.Mock")))
        finally:
            bus.stop()
        """
    )
    result = subprocess.run(
        [sys.executable, "-W", "error", "-c", script],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["failed while the bus was gone", "shown 1"]


MARKUP_TITLES = ("A&B <i>", "Tom & Jerry <b>bold</b> <3")


def test_credit_titles_reach_a_markup_reading_server_escaped_in_the_body(
    ledger: Ledger, notification_server: NotificationServer
) -> None:
    for title in MARKUP_TITLES:
        add_credit(ledger, date(2026, 6, 30), title=title)

    run = deliver_due(ledger, NotifierChain([FreedesktopNotifier()]), local(2026, 6, 29, 10))

    assert run.channel == "desktop"
    assert run.notification is not None
    shown = notification_server.shown()
    assert [n.title for n in shown] == [run.notification.title]  # the summary line is plain text by the spec
    assert shown[0].body.splitlines() == [
        "A&amp;B &lt;i&gt;: $25.00, expires tomorrow",
        "Tom &amp; Jerry &lt;b&gt;bold&lt;/b&gt; &lt;3: $25.00, expires tomorrow",
    ]


def test_a_single_credit_with_markup_in_its_title_reaches_the_server_intact(
    ledger: Ledger, notification_server: NotificationServer
) -> None:
    add_credit(ledger, date(2026, 6, 30), title="Tom & Jerry <b>bold</b> <3", amount="5.00")

    deliver_due(ledger, NotifierChain([FreedesktopNotifier()]), local(2026, 6, 29, 10))

    assert [(n.title, n.body) for n in notification_server.shown()] == [
        (
            "Tom & Jerry <b>bold</b> <3 expires tomorrow",
            "$5.00 left. Use it by June 30, 2026, or it is forfeited.",
        )
    ]


def test_a_server_without_body_markup_gets_the_body_as_it_is(session_bus: str) -> None:
    note = Notification(title="2 credits", body="Tom & Jerry <b>bold</b> <3: $5.00, expires today")
    with SpawnedMock.spawn_with_template(
        "notification_daemon", {"capabilities": "body"}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    ) as mock:
        FreedesktopNotifier().notify(note)
        calls = mock.obj.GetMethodCalls("Notify", dbus_interface="org.freedesktop.DBus.Mock")

    assert [str(args[4]) for _stamp, args in calls] == [note.body]


def test_the_tray_and_banner_channels_get_the_plain_text(ledger: Ledger) -> None:
    for title in MARKUP_TITLES:
        add_credit(ledger, date(2026, 6, 30), title=title)
    banner = RecordingNotifier()

    deliver_due(ledger, NotifierChain([BrokenNotifier(), banner]), local(2026, 6, 29, 10))

    assert banner.shown[0].body.splitlines()[0] == "A&B <i>: $25.00, expires tomorrow"


def test_a_reminder_in_a_credits_last_week_stays_on_screen_until_dismissed(
    ledger: Ledger, notification_server: NotificationServer
) -> None:
    add_credit(ledger, date(2026, 7, 31), title="Weeks away")
    add_credit(ledger, date(2026, 7, 8), title="Days away")
    chain = NotifierChain([FreedesktopNotifier(timeout_seconds=10)])

    deliver_due(ledger, chain, local(2026, 7, 1, 9, 0))

    [shown] = notification_server.shown()
    assert shown.title == "2 credits worth $50.00 expire within 30 days"
    # Critical urgency (a byte, as the specification says) and no timeout: it stays until dismissed.
    assert shown.hints["urgency"] == URGENCY_CRITICAL
    assert isinstance(shown.hints["urgency"], dbus.Byte)
    assert shown.expire_timeout == 0


def test_an_earlier_reminder_is_an_ordinary_notification_that_times_out(
    ledger: Ledger, notification_server: NotificationServer
) -> None:
    add_credit(ledger, date(2026, 7, 31), title="Weeks away")

    deliver_due(ledger, NotifierChain([FreedesktopNotifier(timeout_seconds=10)]), local(2026, 7, 1, 9, 0))

    [shown] = notification_server.shown()
    assert shown.hints["urgency"] == URGENCY_NORMAL
    assert shown.expire_timeout == 10_000


def test_remind_once_shows_the_app_icon_and_offers_no_actions_it_could_not_answer(
    cli: CliRunner, ledger_path: Path, actions_server: NotificationServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CREDIT_LEDGER_NOW", local(2026, 7, 1, 9, 0).isoformat())
    book = Ledger.open(ledger_path)
    try:
        add_credit(book, date(2026, 7, 8), title="Days away")
    finally:
        book.close()

    result = cli("remind", "--once")

    assert result.code == 0, result.err
    [shown] = actions_server.shown()
    assert shown.app_icon == app_icon().as_uri() and app_icon().is_file()
    assert shown.hints["desktop-entry"] == APP_ID
    assert shown.actions == ()  # the command has exited by the time anyone clicks
