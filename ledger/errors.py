"""Errors the ledger raises for the user to read: each message says what is wrong and what to do."""

from __future__ import annotations


class LedgerError(ValueError):
    """Input the ledger refuses; nothing was written."""


class CreditNotFound(LedgerError):
    """No credit has the id asked for."""

    def __init__(self, credit_id: int) -> None:
        super().__init__(f"no credit with id {credit_id}")
        self.credit_id = credit_id


class StorageError(Exception):
    """The ledger file could not be read or written (busy, full, gone, damaged); nothing was saved."""


class LedgerReplacedError(StorageError):
    """The ledger was replaced or restored from a backup since this process read it; nothing was saved."""

    def __init__(self, path: object) -> None:
        super().__init__(
            f"the ledger {path} was replaced (restored from a backup?) since it was opened here, so nothing was "
            "saved: look at it again and retry"
        )
