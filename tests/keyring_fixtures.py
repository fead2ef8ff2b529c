"""Keyrings for tests: an in-memory backend (every test gets one, see conftest), and a real Secret Service.

The real one is gnome-keyring (Debian's gnome-keyring package) on a private D-Bus session bus of
its own, its keyring files in a temporary folder, unlocked with a password given on its stdin:
no test ever reaches the developer's keyring or session bus.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from dbusmock import BusType, PrivateDBus
from keyring.backend import KeyringBackend
from keyring.backends import fail

ADDRESS_ENV = "DBUS_SESSION_BUS_ADDRESS"
SECRETS_NAME = "org.freedesktop.secrets"


class MemoryKeyring(KeyringBackend):
    """A keyring that keeps secrets in a dict for one test; `reachable` off makes it fail like a locked one."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}
        self.reachable = True

    def _check(self) -> None:
        if not self.reachable:
            raise keyring.errors.KeyringLocked("the test keyring is locked")

    def get_password(self, service: str, username: str) -> str | None:
        self._check()
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self._check()
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self._check()
        self.secrets.pop((service, username), None)


def use_no_keyring() -> None:
    """Make `keyring` find no keyring at all, as on a headless machine."""
    keyring.set_keyring(fail.Keyring())


def _wait_for_service(address: str, seconds: float = 20) -> None:
    from jeepney import DBusAddress, new_method_call
    from jeepney.io.blocking import open_dbus_connection

    bus = DBusAddress("/org/freedesktop/DBus", bus_name="org.freedesktop.DBus", interface="org.freedesktop.DBus")
    deadline = time.monotonic() + seconds
    with open_dbus_connection(address) as connection:
        while time.monotonic() < deadline:
            reply = connection.send_and_get_reply(new_method_call(bus, "NameHasOwner", "s", (SECRETS_NAME,)))
            if reply.body[0]:
                return
            time.sleep(0.05)
    raise AssertionError("gnome-keyring did not come up on the private bus")


@pytest.fixture
def secret_service(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[KeyringBackend]:
    """A real, unlocked Secret Service (gnome-keyring) on a private bus; returns keyring's SecretService backend,
    already set as the keyring `keyring` uses."""
    from keyring.backends import SecretService

    daemon_path = shutil.which("gnome-keyring-daemon")
    assert daemon_path is not None, "gnome-keyring is needed (scripts/setup.sh installs it)"
    bus = PrivateDBus(BusType.SESSION)
    bus.start()
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    data = tmp_path / "keyring-data"
    data.mkdir()
    env = {
        **os.environ,
        ADDRESS_ENV: bus.address,
        "XDG_RUNTIME_DIR": str(runtime),
        "XDG_DATA_HOME": str(data),
        "HOME": str(tmp_path),
    }
    daemon = subprocess.Popen(
        [daemon_path, "--foreground", "--unlock", "--components=secrets"],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    try:
        assert daemon.stdin is not None
        daemon.stdin.write(b"test keyring password")
        daemon.stdin.close()
        _wait_for_service(bus.address)
        monkeypatch.setenv(ADDRESS_ENV, bus.address)
        backend = SecretService.Keyring()
        keyring.set_keyring(backend)
        yield backend
    finally:
        daemon.terminate()
        daemon.wait(timeout=10)
        bus.stop()
