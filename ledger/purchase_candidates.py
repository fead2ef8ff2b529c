"""A purchase plan from the ledger itself: credits read in expiry order, each judged for the purchase's use.

Only as many credits are read and evaluated as the purchase needs (plus those skipped on the
way), so a plan costs the same in a ledger of ten credits or of a hundred thousand. When a kind
of credit (see `CREDIT_KIND_SQL`) cannot pay for the purchase whatever its dates and balance, its
first credit is listed and the rest of its kind are passed over in SQL, counted, not read: a
purchase nothing can pay for costs about as much as one the first credits pay for.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from ledger.money import from_minor
from ledger.purchase_plan import (
    HORIZON_DAYS,
    Candidate,
    Purchase,
    PurchasePlan,
    plan_purchase,
    why_not,
)
from ledger.rules.rulebook import RuleBook
from ledger.rules.verdict_cache import VerdictCache
from ledger.storage.rows import CheckRecord, CreditRecord
from ledger.storage.store import Ledger
from ledger.vocab import Verdict

# Days left that stand for every state of a credit's expiry the rules tell apart: none, today, this week, later.
_EXPIRY_STATES = (None, 0, 1, 8)


def candidates(ledger: Ledger, purchase: Purchase, today: date, rulebook: RuleBook | None) -> Iterator[Candidate]:
    """The usable credits in the purchase's currency, soonest expiry first, with their verdict for its use."""
    # Credits alike (most of a long list) share their verdicts: the rules run once per kind of credit.
    verdicts = VerdictCache(today, rulebook)
    for credit, balance, checks, _ in ledger.usable_by_expiry(purchase.currency, today):
        yield _candidate(verdicts, purchase, credit, balance, checks)


def _candidate(
    verdicts: VerdictCache, purchase: Purchase, credit: CreditRecord, balance: int, checks: list[CheckRecord]
) -> Candidate:
    """One credit as the plan sees it, with its verdict for the purchase's use."""
    assert credit.id is not None
    found = verdicts.verdicts(credit, balance=from_minor(balance, credit.currency), checks=checks)
    answer = next(verdict for verdict in found if verdict.use == purchase.use)
    return Candidate(
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


def _may_ever_pay(verdicts: VerdictCache, purchase: Purchase, credit: CreditRecord, today: date) -> bool:
    """Whether a credit of this one's kind, without checkout observations, could pay for the purchase at any
    expiry and balance it may have while usable: the verdicts of its kind depend on nothing else."""
    book = verdicts.book
    large = book.large_balance_for(book.for_credit(credit.merchant, credit.region)).get(credit.currency.upper())
    balances = [balance for balance in (from_minor(1, credit.currency), large) if balance is not None and balance > 0]
    for days in _EXPIRY_STATES:
        expires_on = None if days is None else today + timedelta(days=days)
        state = credit._replace(expires_on=expires_on)
        for balance in balances:
            answer = next(v for v in verdicts.verdicts(state, balance=balance) if v.use == purchase.use)
            candidate = _candidate_in_state(credit, expires_on, answer.verdict, answer.about_categories)
            if why_not(candidate, purchase, today) is None:
                return True
    return False


def _candidate_in_state(
    credit: CreditRecord, expires_on: date | None, verdict: Verdict, about_categories: bool
) -> Candidate:
    """The credit as `why_not` sees it, with another expiry date and verdict and some money left on it."""
    assert credit.id is not None
    return Candidate(
        credit_id=credit.id,
        title="",
        currency=credit.currency,
        balance_minor=1,  # only its being above zero matters to why_not
        expires_on=expires_on,
        verdict=verdict,
        rule="",
        reason="",
        categories=tuple(credit.categories),
        about_categories=about_categories,
    )


def plan_for(
    ledger: Ledger, purchase: Purchase, today: date, rulebook: RuleBook | None = None, horizon_days: int = HORIZON_DAYS
) -> PurchasePlan:
    """The plan for a purchase from what the ledger holds today."""
    verdicts = VerdictCache(today, rulebook)
    needed: list[Candidate] = []
    covered = 0
    # Per kind of credit: whether one of its kind could ever pay; the kinds that cannot, by their first credit.
    judged: dict[tuple[Any, ...], bool] = {}
    hopeless: dict[tuple[Any, ...], int] = {}
    counted: tuple[int, dict[tuple[Any, ...], int]] | None = None
    for credit, balance, checks, kind in ledger.usable_by_expiry(purchase.currency, today, leave_out=hopeless.keys()):
        if kind in hopeless and not checks:
            continue  # read on the page where its kind was found hopeless: counted with its kind below
        candidate = _candidate(verdicts, purchase, credit, balance, checks)
        needed.append(candidate)
        if why_not(candidate, purchase, today) is None:
            covered += candidate.balance_minor
            if covered >= purchase.amount_minor:
                break
        elif not checks:
            if kind not in judged:
                judged[kind] = _may_ever_pay(verdicts, purchase, credit, today)
            if not judged[kind]:
                hopeless[kind] = candidate.credit_id
                if len(hopeless) & (len(hopeless) - 1) == 0:  # at 1, 2, 4, 8... kinds: a pass over the table each
                    counted = ledger.count_of_kinds(purchase.currency, today, hopeless.keys())
                    if counted[0] == sum(counted[1].values()):
                        break  # every credit left is of a kind that cannot pay: no need to go through them
    expiring = ledger.balance_expiring(purchase.currency, today, today + timedelta(days=horizon_days))
    plan = plan_purchase(purchase, needed, today, horizon_days, expiring_total_minor=expiring)
    if not hopeless:
        return plan
    # Beside the first credit of each kind that cannot pay: how many more of its kind there are (not read).
    if counted is None or len(counted[1]) != len(hopeless):
        counted = ledger.count_of_kinds(purchase.currency, today, hopeless.keys())
    others = {credit_id: counted[1][kind] - 1 for kind, credit_id in hopeless.items()}
    return replace(
        plan,
        skipped=tuple(replace(skipped, others=others.get(skipped.candidate.credit_id, 0)) for skipped in plan.skipped),
    )
