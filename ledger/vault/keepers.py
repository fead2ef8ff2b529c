"""Where a ledger's data key is kept outside the ledger file: the OS keyring, or a private key file.

The keyring is the platform's own store (Secret Service on Linux, Keychain on macOS, Windows
Credential Locker) reached through `keyring`, under the service "credit-ledger" and the key's id.
A backend that keeps secrets in plain files (keyrings.alt) or that can keep nothing (fail, null)
does not count as a keyring: the vault then asks for a passphrase instead.

A key file is only a waypoint: an upgrade that found plain codes and no keyring cannot ask for
a passphrase, so it keeps the new key in a private file (0600, in the user's config folder, never
beside the ledger or its backups) until the next unlock moves it into the keyring or under a
passphrase and deletes the file.
"""

from __future__ import annotations

import base64
import binascii
import os
from pathlib import Path
from typing import Any

from ledger.errors import LedgerError
from ledger.private_files import write_file
from ledger.vault.sealing import KEY_BYTES, VaultError

SERVICE = "credit-ledger"
KEY_FILE_SUFFIX = ".key"


class KeyringUnavailable(VaultError):
    """No keyring can be used here (none running, locked, or the user declined); the message says which."""


def _trusted(backend: Any) -> bool:
    """Whether a keyring backend really keeps secrets safe: a platform store, not plain files or nothing."""
    from keyring.backends.chainer import ChainerBackend

    if type(backend).__module__.startswith("keyrings.alt"):
        return False
    if isinstance(backend, ChainerBackend):
        chained = list(backend.backends)
        return bool(chained) and all(_trusted(inner) for inner in chained)
    return float(backend.priority) > 0


def system_keyring() -> Any:
    """The keyring backend `keyring` chose for this session; KeyringUnavailable when there is none worth the name."""
    try:
        import keyring

        backend = keyring.get_keyring()
        trusted = _trusted(backend)
    except Exception as error:  # a keyring backend can fail in many ways (D-Bus, locked, declined)
        raise KeyringUnavailable(f"the keyring cannot be reached ({error})") from None
    if not trusted:
        name = type(backend).__name__
        raise KeyringUnavailable(f"no keyring is available here (keyring backend: {name})")
    return backend


def keyring_available() -> bool:
    """Whether a trusted keyring answers now."""
    try:
        system_keyring()
    except KeyringUnavailable:
        return False
    return True


def _encode(key: bytes) -> str:
    return base64.b64encode(key).decode("ascii")


def _decode(text: str) -> bytes | None:
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        return None
    return key if len(key) == KEY_BYTES else None


def put_in_keyring(key_id: str, key: bytes) -> None:
    """Keep the key in the keyring under its id, and read it back; KeyringUnavailable when that fails."""
    backend = system_keyring()
    try:
        backend.set_password(SERVICE, key_id, _encode(key))
        stored = backend.get_password(SERVICE, key_id)
    except Exception as error:  # locked, prompt dismissed, D-Bus gone: all mean "not kept"
        raise KeyringUnavailable(f"the keyring did not keep the key ({error})") from None
    if stored is None or _decode(stored) != key:
        raise KeyringUnavailable("the keyring did not keep the key (it read back differently)")


def from_keyring(key_id: str) -> bytes | None:
    """The key kept in the keyring under this id, or None when it holds none; KeyringUnavailable if unreachable."""
    backend = system_keyring()
    try:
        stored = backend.get_password(SERVICE, key_id)
    except Exception as error:
        raise KeyringUnavailable(f"the keyring cannot be read ({error})") from None
    return None if stored is None else _decode(stored)


def key_files_dir() -> Path:
    """The private folder for keys waiting to move into the keyring or under a passphrase (user config folder)."""
    from platformdirs import user_config_path

    return user_config_path("credit-ledger", appauthor=False) / "vault-keys"


def key_file(key_id: str) -> Path:
    """Where the key with this id waits, if it does."""
    return key_files_dir() / f"{key_id}{KEY_FILE_SUFFIX}"


def put_in_key_file(key_id: str, key: bytes) -> Path:
    """Write the key to its private file (0600, folder 0700); VaultError when it cannot be written."""
    folder = key_files_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        return write_file(key_file(key_id), (_encode(key) + "\n").encode("ascii"), replace=False)
    except (OSError, LedgerError) as error:
        raise VaultError(f"the key for the claim codes could not be kept in {folder}: {error}") from None


def from_key_file(key_id: str) -> bytes | None:
    """The key waiting in its file, or None when there is no such file (or it does not hold a key)."""
    try:
        text = key_file(key_id).read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError):
        return None
    return _decode(text)


def remove_key_file(key_id: str) -> None:
    """Overwrite the waiting key's file with zeros, then delete it (where the file system lets the zeros land)."""
    path = key_file(key_id)
    try:
        size = path.stat().st_size
        with open(path, "r+b") as handle:
            handle.write(b"\0" * size)
            handle.flush()
            os.fsync(handle.fileno())
        path.unlink()
    except FileNotFoundError:
        return
