"""Claim codes in a JSON export: only sealed under a passphrase chosen at export, or not there at all.

A document with codes has a top-level `claim_codes` object saying how they were sealed (scrypt's
salt and cost, and a check that tells a wrong passphrase before anything is decrypted), and a
`claim_code_sealed` (base64) on each credit that has one, sealed for that credit's uid. Importing
opens them with the passphrase and seals them again under the importing ledger's own key.
Older exports (written before the vault) carry a plain `claim_code`; importing seals it too.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ledger.errors import LedgerError
from ledger.vault.ledger_key import CLAIM_CODE, VaultKey, VaultLocked
from ledger.vault.sealing import (
    ExportSeal,
    ScryptCost,
    VaultError,
    export_key,
    export_seal,
    seal,
    unseal,
    value_context,
)

SEALED_FIELD = "claim_code_sealed"
DESCRIPTOR = "claim_codes"
KDF = "scrypt"


@dataclass(frozen=True)
class ExportCodes:
    """Put the claim codes in an export: sealed under `passphrase`; `ledger_key` unlocks the ledger's own."""

    passphrase: str
    ledger_key: Callable[[], VaultKey]


@dataclass(frozen=True)
class ImportCodes:
    """How an import reaches claim codes: the file's passphrase (asked only if it has sealed codes), and the
    importing ledger's key to seal them with (asked only if there are codes to store)."""

    file_passphrase: Callable[[], str | None]
    ledger_key: Callable[[], VaultKey]


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


class CodeSealer:
    """Seals the ledger's codes for one export, unlocking the ledger's key only once it meets a code."""

    def __init__(self, codes: ExportCodes) -> None:
        self._codes = codes
        self._key: VaultKey | None = None
        self._export_key, self.seal = export_seal(codes.passphrase)

    def sealed(self, stored: bytes, uid: str) -> str:
        """A stored code re-sealed under the export's passphrase, as base64 text."""
        if self._key is None:
            self._key = self._codes.ledger_key()
        plain = self._key.open_code(stored, uid).encode("utf-8")
        return _b64(seal(self._export_key, plain, value_context(CLAIM_CODE, uid)))

    def descriptor(self) -> dict[str, Any]:
        """The document's `claim_codes` object: what a reader needs to derive the key from the passphrase."""
        cost = self.seal.cost
        return {
            "sealed_with": "passphrase",
            "kdf": KDF,
            "log2_n": cost.log2_n,
            "r": cost.r,
            "p": cost.p,
            "salt": _b64(self.seal.salt),
            "check": _b64(self.seal.check),
        }


class CodeFieldError(LedgerError):
    """A claim code field of a document that cannot be read; `where` is its path in the document."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(message)
        self.where = where


def _bytes(value: Any, where: str) -> bytes:
    if not isinstance(value, str):
        raise CodeFieldError(where, "should be base64 text")
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise CodeFieldError(where, "is not base64 text") from None


def read_descriptor(value: Any) -> ExportSeal:
    """The document's `claim_codes` object, checked; CodeFieldError naming what is wrong."""
    if not isinstance(value, dict):
        raise CodeFieldError(DESCRIPTOR, "should be an object")
    if value.get("sealed_with") != "passphrase" or value.get("kdf") != KDF:
        raise CodeFieldError(DESCRIPTOR, "says the codes were sealed in a way this app does not know")
    numbers = [value.get(name) for name in ("log2_n", "r", "p")]
    whole = [number for number in numbers if isinstance(number, int) and not isinstance(number, bool)]
    if len(whole) != len(numbers):
        raise CodeFieldError(DESCRIPTOR, "should give log2_n, r and p as whole numbers")
    try:
        cost = ScryptCost(*whole).check()
    except VaultError as error:
        raise CodeFieldError(DESCRIPTOR, str(error)) from None
    return ExportSeal(
        salt=_bytes(value.get("salt"), f"{DESCRIPTOR}.salt"),
        cost=cost,
        check=_bytes(value.get("check"), f"{DESCRIPTOR}.check"),
    )


def read_sealed(obj: dict[str, Any], where: str) -> bytes | None:
    """A credit's `claim_code_sealed` as bytes, or None when it has none."""
    value = obj.get(SEALED_FIELD)
    return None if value is None else _bytes(value, f"{where}.{SEALED_FIELD}")


class CodeOpener:
    """Opens a document's sealed codes with its passphrase, asked once and only when a code needs it."""

    def __init__(self, how: ExportSeal | None, codes: ImportCodes | None) -> None:
        self._how = how
        self._codes = codes
        self._key: bytes | None = None

    def open(self, sealed: bytes, uid: str, where: str) -> str:
        """The plain code; CodeFieldError when it does not open (the file was changed), WrongPassphrase if asked."""
        if self._key is None:
            if self._how is None:
                raise CodeFieldError(where, f'is sealed, but the file has no "{DESCRIPTOR}" saying how')
            answer = self._codes.file_passphrase() if self._codes is not None else None
            if not answer:
                raise VaultLocked(
                    "the file holds claim codes sealed with a passphrase, and none was given; nothing was imported"
                )
            self._key = export_key(answer, self._how)
        try:
            return unseal(self._key, sealed, value_context(CLAIM_CODE, uid)).decode("utf-8")
        except (VaultError, UnicodeDecodeError):
            raise CodeFieldError(where, "does not open with the file's passphrase (the file was changed?)") from None
