"""A private D-Bus session bus and a real notification server on it (python-dbusmock), for notification tests.

Load them in a test module with `pytest_plugins = ("tests.dbus_fixtures",)`.
One bus serves the whole run: dbus-python keeps one shared connection per process, and
a bus that went away would leave that connection dead for every later test.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import dbus
import pytest
from dbusmock import BusType, PrivateDBus, SpawnedMock

MOCK_INTERFACE = "org.freedesktop.DBus.Mock"
NOTIFICATIONS = "org.freedesktop.Notifications"
ADDRESS_ENV = "DBUS_SESSION_BUS_ADDRESS"
# What python-dbusmock's template answers by default, and the same with clickable actions (as dunst has).
DEFAULT_CAPABILITIES = (
    "body body-markup icon-static image/svg+xml private-synchronous append private-icon-only truncation"
)
WITH_ACTIONS = f"{DEFAULT_CAPABILITIES} actions"


@dataclass(frozen=True)
class ShownNotification:
    """One `Notify` call the server received."""

    app_name: str
    title: str
    body: str
    app_icon: str = ""
    actions: tuple[tuple[str, str], ...] = ()  # (key, label) pairs
    hints: dict[str, Any] = field(default_factory=dict)
    expire_timeout: int = -1


def _shown(args: Any) -> ShownNotification:
    flat = [str(part) for part in args[5]]
    return ShownNotification(
        app_name=str(args[0]),
        title=str(args[3]),
        body=str(args[4]),
        app_icon=str(args[2]),
        actions=tuple(zip(flat[::2], flat[1::2], strict=True)),
        hints={str(key): value for key, value in args[6].items()},
        expire_timeout=int(args[7]),
    )


class NotificationServer:
    """The mock org.freedesktop.Notifications service; reads back what it was asked to show, and acts as the user."""

    def __init__(self, mock: SpawnedMock) -> None:
        self.mock = mock

    def shown(self) -> list[ShownNotification]:
        """Every Notify call so far, oldest first."""
        calls = self.mock.obj.GetMethodCalls("Notify", dbus_interface=MOCK_INTERFACE)
        return [_shown(args) for _stamp, args in calls]

    def invoke_action(self, notification_id: int, key: str) -> None:
        """What the server does when the user chooses an action ("default": clicks the notification)."""
        self.mock.obj.EmitSignal(
            NOTIFICATIONS, "ActionInvoked", "us", [notification_id, key], dbus_interface=MOCK_INTERFACE
        )

    def close(self, notification_id: int, reason: int = 2) -> None:
        """What the server says when a notification goes away (2: the user dismissed it)."""
        self.mock.obj.EmitSignal(
            NOTIFICATIONS, "NotificationClosed", "uu", [notification_id, reason], dbus_interface=MOCK_INTERFACE
        )

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


def start_notification_server(capabilities: str = DEFAULT_CAPABILITIES) -> NotificationServer:
    """Start python-dbusmock's `notification_daemon` template on the current session bus; stop it when done."""
    mock = SpawnedMock.spawn_with_template(
        "notification_daemon", {"capabilities": capabilities}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    return NotificationServer(mock)


@pytest.fixture
def notification_server(session_bus: str) -> Iterator[NotificationServer]:
    """A notification daemon on the private bus for one test."""
    server = start_notification_server()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def actions_server(session_bus: str) -> Iterator[NotificationServer]:
    """A notification daemon that supports actions (as dunst, GNOME Shell and Plasma do), for one test."""
    server = start_notification_server(WITH_ACTIONS)
    try:
        yield server
    finally:
        server.stop()
