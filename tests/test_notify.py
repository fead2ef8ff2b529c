"""Notifications reach a real notification server on a private D-Bus, and the chain never loses one."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from ledger.notify import Notification, NotificationFailed, NotifierChain, PlyerNotifier
from tests.reminder_fixtures import BrokenNotifier, RecordingNotifier

if TYPE_CHECKING:
    from tests.dbus_fixtures import NotificationServer

pytest_plugins = ("tests.dbus_fixtures",)

REPO = Path(__file__).resolve().parent.parent
REMINDER = Notification(title="Birthday card expires in 7 days", body="$25.00 left.")


def test_plyer_notification_reaches_the_desktop_notification_server(notification_server: NotificationServer) -> None:
    PlyerNotifier().notify(REMINDER)

    assert [(shown.app_name, shown.title, shown.body) for shown in notification_server.shown()] == [
        ("Credit Ledger", "Birthday card expires in 7 days", "$25.00 left.")
    ]


def test_plyer_notifier_fails_cleanly_when_no_notification_server_runs(session_bus: str) -> None:
    with pytest.raises(NotificationFailed, match="notification service"):
        PlyerNotifier().notify(REMINDER)


def test_chain_reports_the_first_channel_that_delivered(notification_server: NotificationServer) -> None:
    banner = RecordingNotifier()

    delivery = NotifierChain([PlyerNotifier(), banner]).deliver(REMINDER)

    assert delivery.channel == "desktop"
    assert delivery.failures == ()
    assert banner.shown == []
    assert len(notification_server.shown()) == 1


def test_chain_falls_through_to_the_next_channel_when_the_desktop_has_no_server(session_bus: str) -> None:
    banner = RecordingNotifier()

    delivery = NotifierChain([PlyerNotifier(), BrokenNotifier(), banner]).deliver(REMINDER)

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
        from ledger.notify import Notification, NotificationFailed, PlyerNotifier

        notifier, note = PlyerNotifier(), Notification("title", "body")
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
