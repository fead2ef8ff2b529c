"""The vault's formats: sealed values, keys wrapped under a passphrase, and passphrase-sealed exports.

Every stored form starts with a version byte, so a later format can be told from this one.

- A sealed value: version 1, a 12-byte random nonce, then AES-GCM's ciphertext and tag. The
  associated data names the field and the credit's uid: a value copied onto another credit, or
  into another field, fails to open instead of showing the wrong code.
- A wrapped key: version 1, scrypt's cost (log2 n, r, p), a 16-byte salt, a nonce, then the data
  key sealed under the key scrypt derives from the passphrase, bound to the key's id.

A wrong key or passphrase, or a changed byte, fails AES-GCM's tag check: nothing is ever
decrypted into something wrong.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from ledger.errors import LedgerError

FORMAT_VERSION = 1
KEY_BYTES = 32
NONCE_BYTES = 12
SALT_BYTES = 16
# scrypt's cost for new passphrases: n = 2**17, r = 8, p = 1 takes 128 MiB and about half a second,
# the work factor OWASP recommends. What a stored value was made with is read back from it.
SCRYPT_LOG2_N = 17
SCRYPT_R = 8
SCRYPT_P = 1
MIN_PASSPHRASE = 8
_CONTEXT = b"credit-ledger:"


class VaultError(LedgerError):
    """A secret that cannot be sealed or opened; the message says why and what to do. Nothing was revealed."""


class WrongPassphrase(VaultError):
    """The passphrase does not open the key or the file; nothing was decrypted."""


def new_key() -> bytes:
    """A fresh random data key (32 bytes from the OS's generator)."""
    return os.urandom(KEY_BYTES)


def new_key_id() -> str:
    """A fresh random key id (32 hex digits): how the keyring and the ledger name a key."""
    return os.urandom(16).hex()


def value_context(field: str, uid: str) -> bytes:
    """The associated data of a sealed value: which field of which credit it belongs to."""
    return _CONTEXT + field.encode() + b":" + uid.encode()


def seal(key: bytes, plaintext: bytes, context: bytes) -> bytes:
    """`plaintext` encrypted and authenticated under `key`, bound to `context`, in the versioned format."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = os.urandom(NONCE_BYTES)
    return bytes([FORMAT_VERSION]) + nonce + AESGCM(key).encrypt(nonce, plaintext, context)


def unseal(key: bytes, sealed: bytes, context: bytes) -> bytes:
    """The plaintext of a sealed value; VaultError if the key is wrong, the context differs or a byte changed."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    if len(sealed) < 1 + NONCE_BYTES + 16 or sealed[0] != FORMAT_VERSION:
        raise VaultError("a sealed value is not in a form this app can read (written by a newer app, or damaged)")
    nonce, body = sealed[1 : 1 + NONCE_BYTES], sealed[1 + NONCE_BYTES :]
    try:
        return AESGCM(key).decrypt(nonce, body, context)
    except InvalidTag:
        raise VaultError("a sealed value does not open with this key (it was changed, or belongs elsewhere)") from None


def check_new_passphrase(passphrase: str) -> str:
    """A passphrase good enough to protect codes: at least MIN_PASSPHRASE characters, not only spaces."""
    if len(passphrase.strip()) < MIN_PASSPHRASE:
        raise VaultError(f"a passphrase needs at least {MIN_PASSPHRASE} characters; choose a longer one")
    return passphrase


@dataclass(frozen=True)
class ScryptCost:
    """scrypt's parameters, as stored beside what they protect."""

    log2_n: int = SCRYPT_LOG2_N
    r: int = SCRYPT_R
    p: int = SCRYPT_P

    def derive(self, passphrase: str, salt: bytes) -> bytes:
        """The 32-byte key this passphrase and salt give."""
        from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

        return Scrypt(salt=salt, length=KEY_BYTES, n=2**self.log2_n, r=self.r, p=self.p).derive(passphrase.encode())

    def check(self) -> ScryptCost:
        """Refuse costs no app of ours writes: a file could otherwise ask for terabytes of memory."""
        if not (10 <= self.log2_n <= 22 and 1 <= self.r <= 32 and 1 <= self.p <= 16):
            raise VaultError("the passphrase settings in this file are not ones Credit Ledger writes")
        return self


def default_cost() -> ScryptCost:
    """The cost new passphrases get (read when called, so it is the module's current setting)."""
    return ScryptCost(SCRYPT_LOG2_N, SCRYPT_R, SCRYPT_P)


def wrap_key(key: bytes, key_id: str, passphrase: str) -> bytes:
    """The data key sealed under a key derived from `passphrase` (scrypt, fresh salt), bound to its id."""
    cost = default_cost()
    salt = os.urandom(SALT_BYTES)
    sealed = seal(cost.derive(passphrase, salt), key, _CONTEXT + b"wrapped-key:" + key_id.encode())
    return bytes([FORMAT_VERSION, cost.log2_n, cost.r, cost.p]) + salt + sealed


def unwrap_key(wrapped: bytes, key_id: str, passphrase: str) -> bytes:
    """The data key back from `wrap_key`'s bytes; WrongPassphrase when the passphrase does not open it."""
    if len(wrapped) < 4 + SALT_BYTES or wrapped[0] != FORMAT_VERSION:
        raise VaultError("the ledger's locked key is not in a form this app can read (written by a newer app?)")
    cost = ScryptCost(wrapped[1], wrapped[2], wrapped[3]).check()
    salt, sealed = wrapped[4 : 4 + SALT_BYTES], wrapped[4 + SALT_BYTES :]
    try:
        return unseal(cost.derive(passphrase, salt), sealed, _CONTEXT + b"wrapped-key:" + key_id.encode())
    except VaultError:
        raise WrongPassphrase("that passphrase does not unlock the claim codes; nothing was revealed") from None


def key_check(key: bytes, key_id: str) -> bytes:
    """A value only the right key opens: stored beside the key's id, it tells a wrong key before any code is tried."""
    return seal(key, b"", _CONTEXT + b"key-check:" + key_id.encode())


def is_key(key: bytes, key_id: str, check: bytes) -> bool:
    """Whether `key` is the key that made `check`."""
    try:
        unseal(key, check, _CONTEXT + b"key-check:" + key_id.encode())
    except VaultError:
        return False
    return True


@dataclass(frozen=True)
class ExportSeal:
    """How a file's codes were sealed under the passphrase chosen at export: scrypt's salt and cost, and a check."""

    salt: bytes
    cost: ScryptCost
    check: bytes


def export_seal(passphrase: str) -> tuple[bytes, ExportSeal]:
    """A key for sealing an export's codes under `passphrase`, and what a reader needs to derive it again."""
    cost = default_cost()
    salt = os.urandom(SALT_BYTES)
    key = cost.derive(check_new_passphrase(passphrase), salt)
    return key, ExportSeal(salt=salt, cost=cost, check=seal(key, b"", _CONTEXT + b"export-check"))


def export_key(passphrase: str, how: ExportSeal) -> bytes:
    """The key an export's codes were sealed with; WrongPassphrase (nothing decrypted) when it is not the one."""
    key = how.cost.check().derive(passphrase, how.salt)
    try:
        unseal(key, how.check, _CONTEXT + b"export-check")
    except VaultError:
        raise WrongPassphrase(
            "that passphrase does not open the claim codes in this file; nothing was imported"
        ) from None
    return key
