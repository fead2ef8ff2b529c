"""Alembic revisions of the ledger schema, applied at start-up by `ledger.storage.db`."""
