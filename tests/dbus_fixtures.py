"""A private D-Bus session bus and a real notification server on it (python-dbusmock), for notification tests.

Load them in a test module with `pytest_plugins = ("tests.dbus_fixtures",)`.
One bus serves the whole run: dbus-python keeps one shared connection per process, and
a bus that went away would leave that connection dead for every later test.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass

import dbus
import pytest
from dbusmock import BusType, PrivateDBus, SpawnedMock

MOCK_INTERFACE = "org.freedesktop.DBus.Mock"
ADDRESS_ENV = "DBUS_SESSION_BUS_ADDRESS"


@dataclass(frozen=True)
class ShownNotification:
    """One `Notify` call the server received."""

    app_name: str
    title: str
    body: str


class NotificationServer:
    """The mock org.freedesktop.Notifications service; reads back what it was asked to show."""

    def __init__(self, mock: SpawnedMock) -> None:
        self.mock = mock

    def shown(self) -> list[ShownNotification]:
        """Every Notify call so far, oldest first."""
        calls = self.mock.obj.GetMethodCalls("Notify", dbus_interface=MOCK_INTERFACE)
        return [ShownNotification(str(args[0]), str(args[3]), str(args[4])) for _stamp, args in calls]

    def stop(self) -> None:
        """Take the service off the bus, as if no notification daemon were running."""
        self.mock.terminate()


@pytest.fixture(scope="session")
def session_bus() -> Iterator[str]:
    """A private session bus for the whole run; DBUS_SESSION_BUS_ADDRESS points at it (and child processes)."""
    saved = os.environ.get(ADDRESS_ENV)
    bus = PrivateDBus(BusType.SESSION)
    bus.start()
    try:
        yield bus.address
    finally:
        shared = dbus.Bus._shared_instances.get(dbus.Bus.TYPE_SESSION)
        if shared is not None:
            shared.close()
        bus.stop()
        if saved is None:
            os.environ.pop(ADDRESS_ENV, None)
        else:
            os.environ[ADDRESS_ENV] = saved


def start_notification_server() -> NotificationServer:
    """Start python-dbusmock's `notification_daemon` template on the current session bus; stop it when done."""
    mock = SpawnedMock.spawn_with_template("notification_daemon", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return NotificationServer(mock)


@pytest.fixture
def notification_server(session_bus: str) -> Iterator[NotificationServer]:
    """A notification daemon on the private bus for one test."""
    server = start_notification_server()
    try:
        yield server
    finally:
        server.stop()
