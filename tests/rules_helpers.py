"""Helpers for the rule-file tests: a credit to evaluate, and the shipped rules loaded with user files."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from ledger.rules.rulebook import RuleBook, builtin_rules_dir, load_rulebook
from ledger.storage.models import Credit

TODAY = date(2026, 3, 1)

ACME = """
merchant = "ACME"
region = "US"
version = 2

[default]
id = "acme-cautious"
reason = "ACME says nothing about this, so the app is careful."
[default.verdicts]
general_purchases = "check_terms"
amazon_gift_cards = "no"
third_party_gift_cards = "no"
transfer = "no"
cash_out = "no"

[[rules]]
id = "acme-store-credit-spends-anywhere"
sources = ["return_credit"]
uses = ["general_purchases"]
verdict = "yes"
reason = "ACME store credit pays for anything in its stores."
advice = "Spend it at any ACME till."
"""


def credit(source: str = "refund", **fields: Any) -> Credit:
    """A ten-dollar credit received this year."""
    values: dict[str, Any] = {"currency": "USD", "amount_minor": 1000, "received_on": date(2026, 1, 5)}
    values.update(fields)
    return Credit(source=source, **values)


def load_with(tmp_path: Path, files: dict[str, str | bytes]) -> tuple[RuleBook, list[str]]:
    """Load the shipped rules plus these user files; the problems as the user would read them."""
    for name, content in files.items():
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    book, problems = load_rulebook(builtin_rules_dir(), tmp_path)
    return book, [str(problem) for problem in problems]
