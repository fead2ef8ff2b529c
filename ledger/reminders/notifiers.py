"""Desktop notifications through a chain of channels, each failing cleanly to the next (DESIGN.md "Reminders").

The chain here knows no Qt: the app appends its tray message and in-app banner (in `ui/`)
after the system notification, so a failure never loses a reminder.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

log = logging.getLogger(__name__)

APP_NAME = "Credit Ledger"


@dataclass(frozen=True)
class Notification:
    """What the user is told: a title line and a body."""

    title: str
    body: str


class NotificationFailed(Exception):
    """A channel could not show a notification; the chain moves on to the next one."""


class Notifier(Protocol):
    """One way of showing a notification; `notify` raises NotificationFailed when it cannot."""

    @property
    def channel(self) -> str:
        """A short name for the channel, recorded with each reminder it delivered."""
        ...

    def notify(self, notification: Notification) -> None:
        """Show the notification or raise NotificationFailed."""
        ...


def escape_markup(text: str) -> str:
    """Text made safe for a notification body that may contain markup: &, < and > as entities."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _body_takes_markup() -> bool:
    """Whether the desktop's notification server reads the body as markup (its "body-markup" capability).

    The Desktop Notifications spec lets a body contain markup; a server that says so would garble
    or drop "Tom & Jerry <b>" sent raw, and one that does not would show entities literally. Off
    Linux (plyer's other backends show plain text) it is False; when the server cannot be asked,
    True, as nearly every server takes markup (and the notification itself will then fail or not).
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        import dbus

        server = dbus.SessionBus().get_object("org.freedesktop.Notifications", "/org/freedesktop/Notifications")
        capabilities = server.GetCapabilities(dbus_interface="org.freedesktop.Notifications")
    except Exception as error:  # no dbus-python, no bus, no server: assume the common case
        log.debug("could not ask the notification server for its capabilities: %s", error)
        return True
    return "body-markup" in {str(capability) for capability in capabilities}


class PlyerNotifier:
    """The system's notification service through plyer (on Linux: org.freedesktop.Notifications over D-Bus).

    This is the only channel whose body may be read as markup, so only here is the body escaped;
    the tray message and the in-app banner show the notification's plain text.
    """

    channel = "desktop"

    def __init__(self, app_name: str = APP_NAME, app_icon: str = "", timeout_seconds: int = 10) -> None:
        self.app_name = app_name
        self.app_icon = app_icon
        self.timeout_seconds = timeout_seconds

    def notify(self, notification: Notification) -> None:
        """Show the notification on the desktop, or raise NotificationFailed."""
        try:
            from plyer import notification as desktop

            body = escape_markup(notification.body) if _body_takes_markup() else notification.body
            desktop.notify(
                title=notification.title,
                message=body,
                app_name=self.app_name,
                app_icon=self.app_icon,
                timeout=self.timeout_seconds,
            )
        except Exception as error:  # plyer raises whatever its backend raises (DBusException, OSError, ...)
            _forget_dead_session_bus()
            raise NotificationFailed(f"the desktop notification service failed: {error}") from error


def _forget_dead_session_bus() -> None:
    """dbus-python shares one session-bus connection per process; once the bus is gone it stays dead.

    Dropping it lets the next attempt reconnect, so a notification service that comes
    back (a new login session, a restarted bus) is used again without restarting the app.
    """
    dbus = sys.modules.get("dbus")
    if dbus is None:
        return
    try:
        shared = dbus.Bus._shared_instances.get(dbus.Bus.TYPE_SESSION)
        if shared is not None and not shared.get_is_connected():
            shared.close()
    except Exception as error:  # only housekeeping: never let it hide the real failure
        log.debug("could not drop the dead session bus: %s", error)


@dataclass(frozen=True)
class Delivery:
    """How a notification went: the channel that showed it (None if every one failed) and each failure."""

    channel: str | None
    failures: tuple[tuple[str, str], ...] = ()

    @property
    def delivered(self) -> bool:
        """True when some channel showed the notification."""
        return self.channel is not None


class NotifierChain:
    """Tries each notifier in order and reports which one delivered."""

    def __init__(self, notifiers: Sequence[Notifier]) -> None:
        self.notifiers = list(notifiers)

    def deliver(self, notification: Notification) -> Delivery:
        """Show the notification on the first channel that works."""
        failures: list[tuple[str, str]] = []
        for notifier in self.notifiers:
            try:
                notifier.notify(notification)
            except Exception as error:  # a broken channel must never lose a reminder: try the next one
                # Reported to the caller in the Delivery; logged quietly so a command still prints one line.
                log.info("notification channel %s failed: %s", notifier.channel, error)
                failures.append((notifier.channel, str(error)))
                continue
            return Delivery(channel=notifier.channel, failures=tuple(failures))
        return Delivery(channel=None, failures=tuple(failures))
