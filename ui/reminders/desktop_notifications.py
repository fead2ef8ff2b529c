"""Desktop notifications in the running app: verified like the command line's, plus actions and clicks.

The app keeps one connection to the session bus and watches its socket from Qt's event loop,
so the server's ActionInvoked and NotificationClosed signals arrive on the GUI thread. The
calls themselves are the command line's (`ledger.reminders.notifiers.show_notification`,
jeepney): PySide6's QtDBus cannot type a uint32 or a byte from Python, and a strict server
(GDBus: dunst, GNOME Shell) refuses a Notify call typed `(sisssasa{sv}i)`.

The server sends its signals to the connection that asked for the notification (dunst) or to
everyone listening (a bus match rule catches those), and only the server's own signals count.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSocketNotifier, QTimer, Signal

from ledger.reminders.notifiers import (
    APP_NAME,
    NOTIFICATIONS_NAME,
    NOTIFICATIONS_PATH,
    Action,
    Notification,
    NotificationFailed,
    service_failure,
    session_bus_address,
    show_notification,
)

if TYPE_CHECKING:
    from jeepney import Message
    from jeepney.io.blocking import DBusConnection

# How many shown notifications are remembered for their actions (a server may never say one closed).
REMEMBERED = 64
TIMEOUT_SECONDS = 10


class DesktopNotifications(QObject):
    """The desktop channel of the app's notifier chain; reports the actions the user chooses (`action_invoked`).

    `actions(notification)` says what a notification offers; they are sent only where the server
    supports actions (its "actions" capability). Clicking the notification itself is the "default" action.
    """

    channel = "desktop"
    # The key of the chosen action ("default" for a click on the notification) and the Notification.
    action_invoked = Signal(str, object)

    def __init__(
        self,
        app_icon: str = "",
        actions: Callable[[Notification], Sequence[Action]] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.app_icon = app_icon
        self.actions = actions
        self.last_id: int | None = None
        self._connection: DBusConnection | None = None
        self._address = ""
        self._reader: QSocketNotifier | None = None
        self._signals: deque[Message] = deque()
        # Each notification on screen by id, with the unique bus name of the server that showed it.
        self._shown: OrderedDict[int, tuple[str, Notification]] = OrderedDict()

    def notify(self, notification: Notification) -> None:
        """Show the notification and remember it for its actions, or raise NotificationFailed."""
        connection = self._connect()
        try:
            shown = show_notification(
                connection,
                notification,
                app_name=APP_NAME,
                app_icon=self.app_icon,
                timeout_seconds=TIMEOUT_SECONDS,
                actions=self.actions,
            )
        except NotificationFailed:
            self.close()  # the bus or the server may have gone: connect afresh next time
            raise
        finally:
            # Signals read while waiting for the reply are queued, and more may wait in the parser.
            QTimer.singleShot(0, self._read)
        self.last_id = shown.notification_id
        self._shown[shown.notification_id] = (shown.server, notification)
        while len(self._shown) > REMEMBERED:
            self._shown.popitem(last=False)

    def _connect(self) -> DBusConnection:
        try:
            address = session_bus_address()
            if self._connection is not None and address == self._address:
                return self._connection
            self.close()
            from jeepney import MatchRule, message_bus
            from jeepney.io.blocking import open_dbus_connection
            from jeepney.wrappers import unwrap_msg

            connection = open_dbus_connection(bus=address)
        except Exception as error:  # no bus address, no bus
            raise service_failure(error) from error
        try:
            rule = MatchRule(type="signal", interface=NOTIFICATIONS_NAME, path=NOTIFICATIONS_PATH)
            unwrap_msg(connection.send_and_get_reply(message_bus.AddMatch(rule), timeout=TIMEOUT_SECONDS))
            # Kept open for the connection's life: every matching signal lands in the queue.
            connection.filter(rule, queue=self._signals)
        except Exception as error:  # the bus refused or went away
            connection.close()
            raise service_failure(error) from error
        self._connection, self._address = connection, address
        self._reader = QSocketNotifier(connection.sock.fileno(), QSocketNotifier.Type.Read, self)
        self._reader.activated.connect(self._read)
        return connection

    def close(self) -> None:
        """Let go of the bus connection (the next notification connects again)."""
        if self._reader is not None:
            # Stop watching before the socket closes: Qt must never poll a closed descriptor.
            self._reader.setEnabled(False)
            self._reader.deleteLater()
            self._reader = None
        if self._connection is not None:
            self._connection.close()
            self._connection = None
        self._signals.clear()

    def _read(self) -> None:
        connection = self._connection
        if connection is None:
            return
        while True:
            try:
                connection.recv_messages(timeout=0)
            except TimeoutError:
                break  # nothing more for now (a part of a message waits in the parser)
            except Exception:  # the bus went away or sent garbage: connect afresh next time
                self.close()
                return
        while self._signals:
            self._handle(self._signals.popleft())

    def _handle(self, message: Message) -> None:
        from jeepney.low_level import HeaderFields

        member = message.header.fields.get(HeaderFields.member)
        sender = message.header.fields.get(HeaderFields.sender)
        if member not in ("ActionInvoked", "NotificationClosed") or len(message.body) < 2:
            return
        notification_id = message.body[0]
        known = self._shown.get(notification_id)
        if known is None or known[0] != sender:
            return  # not ours, or not from the server that showed it
        if member == "NotificationClosed":
            del self._shown[notification_id]
        else:
            self.action_invoked.emit(str(message.body[1]), known[1])
