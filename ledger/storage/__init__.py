"""The ledger's storage: the SQLite file, its schema and migrations, the operations on it, backups and settings."""
