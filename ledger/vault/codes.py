"""Claim codes as the rest of the ledger sees them: sealed before they are stored, opened only on request."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ledger.errors import CreditNotFound
from ledger.vault.ledger_key import VaultKey, VaultLocked

if TYPE_CHECKING:
    from ledger.storage.store import Ledger


def sealed_code(code: str, uid: str, key: VaultKey | None) -> bytes | None:
    """What to store for a checked claim code: None for no code, else the code sealed for this credit.

    Without a key the code is refused (VaultLocked), never stored in plain text.
    """
    if not code:
        return None
    if key is None:
        raise VaultLocked(
            "the claim code can only be stored encrypted: unlock the claim codes first; nothing was saved"
        )
    return key.seal_code(code, uid)


def stored_code(ledger: Ledger, credit_id: int) -> tuple[str, bytes | None]:
    """The credit's uid and its sealed claim code (None when it has none), read without opening it."""
    with ledger.query() as connection:
        row = connection.execute("SELECT uid, claim_code_sealed FROM credit WHERE id = ?", (credit_id,)).fetchone()
    if row is None:
        raise CreditNotFound(credit_id)
    return str(row[0]), None if row[1] is None else bytes(row[1])


def has_code(ledger: Ledger, credit_id: int) -> bool:
    """Whether the credit has a claim code stored (sealed)."""
    return stored_code(ledger, credit_id)[1] is not None


def reveal_code(ledger: Ledger, credit_id: int, key: VaultKey) -> str | None:
    """The credit's claim code in the clear (None when it has none); VaultError if this key does not open it."""
    uid, sealed = stored_code(ledger, credit_id)
    return None if sealed is None else key.open_code(sealed, uid)


def code_count(ledger: Ledger) -> int:
    """How many credits have a claim code stored."""
    with ledger.query() as connection:
        return int(connection.execute("SELECT COUNT(*) FROM credit WHERE claim_code_sealed IS NOT NULL").fetchone()[0])
