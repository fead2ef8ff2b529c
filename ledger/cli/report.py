"""The JSON shapes of the command line (DESIGN.md "Command line"); checked from outside, keep them exact."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from ledger.money import from_minor
from ledger.rules.eligibility import Evaluation, advice_json, eligibility_json, verdicts_json, verdicts_summary
from ledger.rules.verdict_cache import VerdictCache
from ledger.storage.rows import CheckRecord, EntryRecord
from ledger.storage.store import CreditDetail, CreditSummary, JudgedSummary


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def list_json(listed: Iterable[JudgedSummary], verdicts: VerdictCache) -> list[dict[str, Any]]:
    """The credits as `list --json` prints them, the rules run once per distinct shape of credit.

    Credits alike share one verdict list (see VerdictCache), and so one printed form of it: the JSON of
    each distinct list is built once.
    """
    printed: dict[int, tuple[list[dict[str, str]], dict[str, str]]] = {}
    shown: list[dict[str, Any]] = []
    for summary, credit, checks in listed:
        answers = verdicts.verdicts(credit, balance=summary.balance, checks=checks)
        found = printed.get(id(answers))
        if found is None:
            # Keyed by identity: the cache keeps every list alive, so an id is never reused meanwhile.
            found = printed[id(answers)] = (verdicts_json(answers), verdicts_summary(answers))
        shown.append(summary_json(summary, *found))
    return shown


def summary_json(summary: CreditSummary, eligibility: list[dict[str, str]], verdicts: dict[str, str]) -> dict[str, Any]:
    """A credit as `list --json` prints it: no entries; verdicts without advice."""
    return {
        "id": summary.id,
        "merchant": summary.merchant,
        "region": summary.region,
        "source": summary.source,
        "title": summary.title,
        "currency": summary.currency,
        "amount": str(summary.amount),
        "balance": str(summary.balance),
        "received_on": _iso(summary.received_on),
        "expires_on": _iso(summary.expires_on),
        "status": summary.status.value,
        "days_left": summary.days_left,
        "reference": summary.reference,
        "archived": summary.archived,
        "eligibility": eligibility,
        "verdicts": verdicts,
    }


def entry_json(entry: EntryRecord, currency: str) -> dict[str, Any]:
    """One movement: signed amount as a decimal string."""
    return {
        "id": entry.id,
        "kind": entry.kind,
        "amount": str(from_minor(entry.amount_minor, currency)),
        "on": _iso(entry.occurred_on),
        "note": entry.note,
    }


def check_json(check: CheckRecord) -> dict[str, Any]:
    """One checkout observation."""
    return {
        "use": check.use,
        "outcome": check.outcome,
        "observed_at": check.observed_at.isoformat(),
        "note": check.note,
    }


def detail_json(detail: CreditDetail, evaluation: Evaluation) -> dict[str, Any]:
    """A credit as `show --json` prints it, with what it can be used for and advice."""
    credit = detail.credit
    assert credit.id is not None
    return {
        "id": credit.id,
        "merchant": credit.merchant,
        "region": credit.region,
        "source": credit.source,
        "title": credit.title,
        "currency": credit.currency,
        "amount": str(detail.amount),
        "balance": str(detail.balance),
        "received_on": _iso(credit.received_on),
        "expires_on": _iso(credit.expires_on),
        "status": detail.status.value,
        "days_left": detail.days_left,
        "reference": credit.reference,
        "categories": list(credit.categories),
        "terms": credit.terms,
        "terms_url": credit.terms_url,
        # What the credit's own terms say per use, as recorded: {"amazon_gift_cards": "forbid"}; silent uses absent.
        "terms_by_use": dict(credit.terms_by_use),
        "notes": credit.notes,
        # The code itself is printed only by `show --reveal-code`; it is kept encrypted.
        "has_claim_code": credit.claim_code_sealed is not None,
        "archived": credit.archived,
        "entries": [entry_json(entry, credit.currency) for entry in detail.entries],
        "checks": [check_json(check) for check in detail.checks],
        "eligibility": eligibility_json(evaluation),
        "advice": advice_json(evaluation),
        "forfeited": None if evaluation.forfeited is None else str(evaluation.forfeited),
        # The user's own rule files that changed these answers (file names; empty when none did).
        "rules_changed_by": list(evaluation.changed_by),
        # What the answers rest on, in words: whose rules for which country, or that none are known.
        "rules_basis": evaluation.basis,
    }
