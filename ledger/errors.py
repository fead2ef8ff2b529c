"""Errors the ledger raises for the user to read: each message says what is wrong and what to do."""

from __future__ import annotations


class LedgerError(ValueError):
    """Input the ledger refuses; nothing was written."""


class CreditNotFound(LedgerError):
    """No credit has the id asked for."""

    def __init__(self, credit_id: int) -> None:
        super().__init__(f"no credit with id {credit_id}")
        self.credit_id = credit_id
