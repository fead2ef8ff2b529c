"""The vault: claim codes (and any later secret field) kept encrypted, like money.

Each ledger has one random 32-byte data key. Every secret value is sealed with AES-GCM under it,
with a fresh random 96-bit nonce and the credit's uid as associated data, so a sealed value cannot
be moved to another credit. The key never lies in the ledger file in the clear: it is kept in the
OS keyring, or wrapped under a passphrase the user chose (scrypt), or, only after an upgrade that
found no keyring, in a private key file outside the ledger's folder until the next unlock moves it.

`sealing` holds the formats, `keepers` where keys are kept, `ledger_key` the ledger's vault row
and unlocking, `codes` what the rest of the ledger asks of it. `cryptography` and `keyring` are
imported only where a secret is actually sealed, opened or fetched: commands that need no code
never load them.
"""
