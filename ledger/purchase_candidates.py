"""A purchase plan from the ledger itself: credits read in expiry order, each judged for the purchase's use.

Only as many credits are read and evaluated as the purchase needs (plus those skipped on the
way), so a plan costs the same in a ledger of ten credits or of a hundred thousand.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from ledger.money import from_minor
from ledger.purchase_plan import HORIZON_DAYS, Candidate, Purchase, PurchasePlan, plan_purchase, why_not
from ledger.rules.rulebook import RuleBook
from ledger.rules.verdict_cache import VerdictCache
from ledger.storage.store import Ledger


def candidates(ledger: Ledger, purchase: Purchase, today: date, rulebook: RuleBook | None) -> Iterator[Candidate]:
    """The usable credits in the purchase's currency, soonest expiry first, with their verdict for its use."""
    # Credits alike (most of a long list) share their verdicts: the rules run once per kind of credit.
    verdicts = VerdictCache(today, rulebook)
    for credit, balance, checks in ledger.usable_by_expiry(purchase.currency, today):
        assert credit.id is not None
        found = verdicts.verdicts(credit, balance=from_minor(balance, credit.currency), checks=checks)
        answer = next(verdict for verdict in found if verdict.use == purchase.use)
        yield Candidate(
            credit_id=credit.id,
            title=credit.title or f"{credit.merchant} {credit.source}",
            currency=credit.currency,
            balance_minor=balance,
            expires_on=credit.expires_on,
            verdict=answer.verdict,
            rule=answer.rule,
            reason=answer.reason,
            categories=tuple(credit.categories),
            about_categories=answer.about_categories,
        )


def plan_for(
    ledger: Ledger, purchase: Purchase, today: date, rulebook: RuleBook | None = None, horizon_days: int = HORIZON_DAYS
) -> PurchasePlan:
    """The plan for a purchase from what the ledger holds today."""
    needed: list[Candidate] = []
    covered = 0
    for candidate in candidates(ledger, purchase, today, rulebook):
        needed.append(candidate)
        if why_not(candidate, purchase, today) is None:
            covered += candidate.balance_minor
            if covered >= purchase.amount_minor:
                break
    expiring = ledger.balance_expiring(purchase.currency, today, today + timedelta(days=horizon_days))
    return plan_purchase(purchase, needed, today, horizon_days, expiring_total_minor=expiring)
