"""Desktop notifications through a chain of channels, each failing cleanly to the next (DESIGN.md "Reminders").

The chain here knows no Qt: the app appends its tray message and in-app banner (in `ui/`)
after the system notification, so a failure never loses a reminder.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from ledger.shipped import APP_ID

if TYPE_CHECKING:
    from jeepney.io.blocking import DBusConnection

log = logging.getLogger(__name__)

APP_NAME = "Credit Ledger"
NOTIFICATIONS_NAME = "org.freedesktop.Notifications"
NOTIFICATIONS_PATH = "/org/freedesktop/Notifications"
# The desktop finds the app's name and icon through its desktop entry (credit-ledger --install-desktop).
DESKTOP_ENTRY = APP_ID
# How long a D-Bus call may take before the notification counts as not shown.
CALL_SECONDS = 5
# The specification's urgency levels (a byte): a critical notification stays until the user dismisses it.
URGENCY_NORMAL = 1
URGENCY_CRITICAL = 2

# An action a notification offers: the key the server reports back when it is chosen, and its label.
# "default" is the specification's key for clicking the notification itself.
Action = tuple[str, str]


@dataclass(frozen=True)
class Notification:
    """What the user is told: a title line and a body, and what it is about.

    `credit_ids` are the credits it reminds of, most urgent first (what Open, Snooze and Mute act
    on; none for a test or a message); a `lasting` notification stays on screen until dismissed.
    """

    title: str
    body: str
    credit_ids: tuple[int, ...] = ()
    # The same credits by uid, to find them again when the notification is acted on (ids are reused).
    credit_uids: tuple[str, ...] = ()
    lasting: bool = False


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


class FreedesktopNotifier:
    """The desktop's notification server (org.freedesktop.Notifications) over the D-Bus session bus, through jeepney.

    Delivery is verified: the server answers `Notify` with the notification's id, and only then
    does the reminder count as shown. No bus, no server, an error reply or a timeout is a
    NotificationFailed, and the chain moves on (or the claim is released). This one connects for
    each notification and offers no actions (`remind --once` exits at once, so nothing would hear
    them); the running app keeps a connection and listens (ui/reminders/desktop_notifications.py).
    """

    channel = "desktop"

    def __init__(self, app_name: str = APP_NAME, app_icon: str = "", timeout_seconds: int = 10) -> None:
        self.app_name = app_name
        self.app_icon = app_icon
        self.timeout_seconds = timeout_seconds
        self.last_id: int | None = None

    def notify(self, notification: Notification) -> None:
        """Show the notification and keep the id the server gave it, or raise NotificationFailed."""
        try:
            from jeepney.io.blocking import open_dbus_connection

            with open_dbus_connection(bus=session_bus_address()) as connection:
                shown = show_notification(
                    connection,
                    notification,
                    app_name=self.app_name,
                    app_icon=self.app_icon,
                    timeout_seconds=self.timeout_seconds,
                )
        except NotificationFailed:
            raise
        except Exception as error:  # no bus address, no bus
            raise service_failure(error) from error
        self.last_id = shown.notification_id


@dataclass(frozen=True)
class ShownOnDesktop:
    """What the server answered: the notification's id, and who the server is on the bus (its unique name)."""

    notification_id: int
    server: str


def show_notification(
    connection: DBusConnection,
    notification: Notification,
    *,
    app_name: str,
    app_icon: str,
    timeout_seconds: int,
    actions: Callable[[Notification], Sequence[Action]] | None = None,
) -> ShownOnDesktop:
    """Ask the server on an open connection to show the notification (with `actions`, where it supports them).

    The app's icon and desktop entry go with it; a `lasting` notification has critical urgency and
    no timeout, so it stays until dismissed. Raises NotificationFailed unless the server answers
    with an id.
    """
    try:
        from jeepney import DBusAddress, new_method_call
        from jeepney.low_level import HeaderFields
        from jeepney.wrappers import unwrap_msg

        server = DBusAddress(NOTIFICATIONS_PATH, bus_name=NOTIFICATIONS_NAME, interface=NOTIFICATIONS_NAME)
        capabilities = unwrap_msg(
            connection.send_and_get_reply(new_method_call(server, "GetCapabilities"), timeout=CALL_SECONDS)
        )[0]
        # A server that reads the body as markup would garble "Tom & Jerry <b>" sent raw.
        body = escape_markup(notification.body) if "body-markup" in capabilities else notification.body
        offered = actions(notification) if actions is not None and "actions" in capabilities else ()
        urgency = URGENCY_CRITICAL if notification.lasting else URGENCY_NORMAL
        hints = {"desktop-entry": ("s", DESKTOP_ENTRY), "urgency": ("y", urgency)}
        expire_ms = 0 if notification.lasting else timeout_seconds * 1000  # 0: never expires
        call = new_method_call(
            server,
            "Notify",
            "susssasa{sv}i",
            (
                app_name,
                0,
                app_icon,
                notification.title,
                body,
                [part for action in offered for part in action],
                hints,
                expire_ms,
            ),
        )
        reply = connection.send_and_get_reply(call, timeout=CALL_SECONDS)
        notification_id = int(unwrap_msg(reply)[0])
        sender = str(reply.header.fields.get(HeaderFields.sender, ""))
    except Exception as error:  # no server, an error reply, a timeout, a bad reply, the bus gone
        raise service_failure(error) from error
    if notification_id <= 0:
        raise NotificationFailed("the desktop notification service gave the notification no id")
    return ShownOnDesktop(notification_id, sender)


class NoSessionBus(Exception):
    """Neither DBUS_SESSION_BUS_ADDRESS nor the login session's usual bus socket is there."""


def session_bus_address() -> str:
    """The session bus: DBUS_SESSION_BUS_ADDRESS, else the login session's socket ($XDG_RUNTIME_DIR/bus), as
    sd-bus finds it; so `remind --once` from cron or a systemd timer reaches the desktop of the user it runs as."""
    configured = os.environ.get("DBUS_SESSION_BUS_ADDRESS", "").strip()
    if configured:
        return configured
    runtime = os.environ.get("XDG_RUNTIME_DIR") or (f"/run/user/{os.getuid()}" if hasattr(os, "getuid") else "")
    socket = Path(runtime) / "bus" if runtime else None
    if socket is not None and socket.is_socket():
        return f"unix:path={socket}"
    raise NoSessionBus("no session bus: DBUS_SESSION_BUS_ADDRESS is not set and no session's bus socket was found")


def service_failure(error: Exception) -> NotificationFailed:
    """The failure to report when talking to the desktop's notification service raised `error`."""
    return NotificationFailed(f"the desktop notification service failed: {str(error) or type(error).__name__}")


class PlyerNotifier:
    """The system's notification service through plyer, where there is no freedesktop server (macOS, Windows).

    plyer reports no failure from some of its backends, so on Linux the verified FreedesktopNotifier
    is used instead (`desktop_notifier`).
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

            desktop.notify(
                title=notification.title,
                message=notification.body,
                app_name=self.app_name,
                app_icon=self.app_icon,
                timeout=self.timeout_seconds,
            )
        except Exception as error:  # plyer raises whatever its backend raises
            raise NotificationFailed(f"the desktop notification service failed: {error}") from error


def freedesktop_platform() -> bool:
    """True on systems whose desktops speak org.freedesktop.Notifications over D-Bus: Linux and the BSDs."""
    return sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd"))


def desktop_notifier(app_icon: str = "") -> Notifier:
    """The desktop channel for this system: verified D-Bus notifications on Linux and the BSDs, plyer elsewhere."""
    if freedesktop_platform():
        return FreedesktopNotifier(app_icon=app_icon)
    return PlyerNotifier(app_icon=app_icon)


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
