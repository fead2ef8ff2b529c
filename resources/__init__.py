"""What the app ships besides code: rule sets, icons, the style sheet, the desktop entry and its metainfo.

Installed, this folder is the package `ledger.resources` (see pyproject.toml); read it through
`ledger.shipped`, never by a path relative to the checkout.
"""
