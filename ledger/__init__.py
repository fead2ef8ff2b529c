"""Credit Ledger's domain and storage. Never imports Qt."""
