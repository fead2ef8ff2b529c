"""A ledger's data key: its row in the ledger (`vault`), unlocking it, and making it on first need.

The row names the key (`key_id`), says where it is kept (`keeper`) and holds a check that only
the right key opens; with a passphrase it also holds the key wrapped under it. Backups are copies
of the ledger and a restore copies the row with the codes, so a backup's codes always come with
the id of the key that sealed them, and the keyring keeps every key by its id.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from ledger.vault import keepers
from ledger.vault.sealing import (
    VaultError,
    check_new_passphrase,
    is_key,
    key_check,
    new_key,
    new_key_id,
    seal,
    unseal,
    unwrap_key,
    value_context,
    wrap_key,
)

if TYPE_CHECKING:
    from ledger.storage.store import Ledger

CLAIM_CODE = "claim_code"


class Keeper(StrEnum):
    """Where a ledger's data key is kept."""

    KEYRING = "keyring"
    PASSPHRASE = "passphrase"
    # Waiting in a private key file, after an upgrade that found no keyring (see ledger.vault.keepers).
    KEY_FILE = "key_file"


class VaultLocked(VaultError):
    """The codes stay locked: no key could be had (no keyring, no passphrase given); nothing was revealed or saved."""


@dataclass(frozen=True)
class Ask:
    """A question for a passphrase, in plain words; `new` when the user chooses one (and should confirm it)."""

    prompt: str
    new: bool = False


# Answers a question with the passphrase, or None when the user declines or cannot be asked.
Asker = Callable[[Ask], str | None]


def never_ask(_question: Ask) -> None:
    """An asker for places where nobody can answer (a background job): every question is declined."""
    return None


@dataclass(frozen=True)
class VaultKey:
    """An unlocked data key and its id; seals and opens the ledger's secrets."""

    key_id: str
    key: bytes = field(repr=False)

    def seal_code(self, code: str, uid: str) -> bytes:
        """A claim code sealed for the credit with this uid."""
        return seal(self.key, code.encode("utf-8"), value_context(CLAIM_CODE, uid))

    def open_code(self, sealed: bytes, uid: str) -> str:
        """The claim code sealed for the credit with this uid; VaultError if it was not sealed for it with this key."""
        return unseal(self.key, sealed, value_context(CLAIM_CODE, uid)).decode("utf-8")


@dataclass(frozen=True)
class VaultRow:
    """The ledger's `vault` row as stored."""

    key_id: str
    keeper: Keeper
    wrapped_key: bytes | None
    key_check: bytes


def vault_row(ledger: Ledger) -> VaultRow | None:
    """The ledger's vault row, or None while it has never sealed anything."""
    with ledger.query() as connection:
        row = connection.execute("SELECT key_id, keeper, wrapped_key, key_check FROM vault").fetchone()
    if row is None:
        return None
    try:
        keeper = Keeper(row[1])
    except ValueError:
        raise VaultError(f"the ledger keeps its key in a way this app does not know ({row[1]!r:.40})") from None
    return VaultRow(str(row[0]), keeper, None if row[2] is None else bytes(row[2]), bytes(row[3]))


def _passphrase_key(row: VaultRow, ask: Asker) -> VaultKey:
    assert row.wrapped_key is not None
    answer = ask(Ask("The passphrase that protects this ledger's claim codes"))
    if not answer:
        raise VaultLocked("no passphrase given; the claim codes stay locked and nothing was revealed")
    return VaultKey(row.key_id, unwrap_key(row.wrapped_key, row.key_id, answer))


def _checked(row: VaultRow, key: bytes | None, where: str) -> VaultKey:
    if key is None or not is_key(key, row.key_id, row.key_check):
        raise VaultError(
            f"the key to this ledger's claim codes is not in {where} on this computer (it was made elsewhere, or the "
            "keyring was reset); the codes stay locked. A JSON export with codes, made where they open, brings "
            "them here"
        )
    return VaultKey(row.key_id, key)


def unlock(ledger: Ledger, ask: Asker) -> VaultKey:
    """The ledger's data key: from the keyring, or from the passphrase `ask` gives; VaultError when it stays locked.

    A key still waiting in a key file (after an upgrade without a keyring) is moved on the way: into the
    keyring when one answers, else under a passphrase the user chooses; the file is then deleted.
    """
    row = vault_row(ledger)
    if row is None:
        raise VaultError("this ledger holds no claim codes yet")
    if row.keeper is Keeper.PASSPHRASE:
        return _passphrase_key(row, ask)
    if row.keeper is Keeper.KEYRING:
        try:
            return _checked(row, keepers.from_keyring(row.key_id), "the keyring")
        except keepers.KeyringUnavailable as unavailable:
            if row.wrapped_key is not None:
                return _passphrase_key(row, ask)
            raise VaultLocked(
                f"the claim codes are locked with a key in the desktop keyring, and {unavailable}. Run this in your "
                "desktop session, or unlock the keyring first"
            ) from None
    key = _checked(row, keepers.from_key_file(row.key_id), f"its key file ({keepers.key_file(row.key_id)})")
    _settle(ledger, key, ask)
    return key


def _settle(ledger: Ledger, key: VaultKey, ask: Asker) -> None:
    """Move a key out of its waiting file: into the keyring, or under a new passphrase; else leave it waiting."""
    try:
        keepers.put_in_keyring(key.key_id, key.key)
    except keepers.KeyringUnavailable:
        answer = ask(
            Ask(
                "Claim codes are kept encrypted, but no keyring is available: choose a passphrase to protect them",
                new=True,
            )
        )
        if not answer:
            return  # still waiting in its file: the next unlock asks again
        _store_row(ledger, key, Keeper.PASSPHRASE, wrap_key(key.key, key.key_id, check_new_passphrase(answer)))
    else:
        _store_row(ledger, key, Keeper.KEYRING, None)
    keepers.remove_key_file(key.key_id)


def _store_row(ledger: Ledger, key: VaultKey, keeper: Keeper, wrapped: bytes | None) -> None:
    with ledger.transaction() as connection:
        connection.execute(
            "UPDATE vault SET keeper = ?, wrapped_key = ? WHERE key_id = ?", (keeper.value, wrapped, key.key_id)
        )


def key_for_sealing(ledger: Ledger, ask: Asker) -> VaultKey:
    """The key to seal a new secret with: the ledger's own (unlocked), or a new one made now if it has none.

    A new key goes into the keyring; where there is none, under a passphrase `ask` has the user choose.
    Never plain text: VaultLocked when neither can be had.
    """
    if vault_row(ledger) is not None:
        return unlock(ledger, ask)
    key = VaultKey(new_key_id(), new_key())
    try:
        keepers.put_in_keyring(key.key_id, key.key)
        keeper, wrapped = Keeper.KEYRING, None
    except keepers.KeyringUnavailable as unavailable:
        answer = ask(
            Ask(f"Claim codes are kept encrypted, and {unavailable}: choose a passphrase to protect them", new=True)
        )
        if not answer:
            raise VaultLocked(
                "a claim code is kept only encrypted, and there is no keyring here and no passphrase was chosen; "
                "nothing was saved"
            ) from None
        keeper, wrapped = Keeper.PASSPHRASE, wrap_key(key.key, key.key_id, check_new_passphrase(answer))
    with ledger.transaction() as connection:
        if connection.execute("SELECT 1 FROM vault").fetchone() is None:
            insert_row(connection.execute, VaultRow(key.key_id, keeper, wrapped, key_check(key.key, key.key_id)))
            return key
    # Another process made the ledger's key meanwhile: use that one.
    return unlock(ledger, ask)


def insert_row(execute: Callable[[str, tuple[Any, ...]], Any], row: VaultRow) -> None:
    """Write the ledger's vault row; `execute` runs a statement inside a write transaction (a sqlite3 connection's
    `execute` in the ledger, an SQLAlchemy connection's `exec_driver_sql` in an upgrade)."""
    stamp = datetime.now(UTC).isoformat(timespec="microseconds")
    execute(
        "INSERT INTO vault (id, key_id, keeper, wrapped_key, key_check, created_at) VALUES (1, ?, ?, ?, ?, ?)",
        (row.key_id, row.keeper.value, row.wrapped_key, row.key_check, stamp),
    )


@dataclass(frozen=True)
class UpgradeKey:
    """The key an upgrade seals plain codes with, and the vault row that goes with it."""

    key: VaultKey
    row: VaultRow


def key_for_upgrade() -> UpgradeKey:
    """A new data key for an upgrade that found plain codes; it cannot ask anyone, so it never prompts.

    Kept in the keyring when one answers; else in a private key file outside the ledger's folder, until
    the next unlock moves it (ledger.vault.keepers). Either way the ledger file never holds it.
    """
    key = VaultKey(new_key_id(), new_key())
    try:
        keepers.put_in_keyring(key.key_id, key.key)
        keeper = Keeper.KEYRING
    except keepers.KeyringUnavailable:
        keepers.put_in_key_file(key.key_id, key.key)
        keeper = Keeper.KEY_FILE
    return UpgradeKey(key, VaultRow(key.key_id, keeper, None, key_check(key.key, key.key_id)))
