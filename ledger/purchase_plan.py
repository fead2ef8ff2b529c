"""Which credits should pay for a purchase, and in what order, so that the least credit is lost to expiry.

The guide's last step is to use credit before it expires, on a purchase it may pay for. Given
the purchase and, for every credit, its verdict for that kind of purchase, the plan takes the
credits that may pay (`yes` or `likely`; `check_terms` only when the user allows it, and then
marked), soonest expiry first, never past a credit's balance, never across currencies, and says
what stays unpaid and what would still expire unused within the horizon.

Soonest expiry first is the best order for that last figure: whatever order eligible credits
are drawn in, the purchase takes the same total; drawing the credits that expire soonest first
takes the most from those that would be lost. Pure: no database, no clock.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from ledger.vocab import CHECKOUT_USES, Use, Verdict

HORIZON_DAYS = 30
_PAYS = (Verdict.YES, Verdict.LIKELY)


@dataclass(frozen=True)
class Purchase:
    """What is about to be bought: how much, in which currency, what it is (a checkout use), its category."""

    amount_minor: int
    currency: str
    use: Use = Use.GENERAL_PURCHASES
    category: str | None = None
    allow_check_terms: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "use", Use(self.use))  # a plain string from a form or a command line too
        if self.use not in CHECKOUT_USES:
            raise ValueError(f"{self.use} is not something a purchase can be")


@dataclass(frozen=True)
class Candidate:
    """One credit as the plan sees it: its balance, expiry and categories, and its verdict for the purchase's use."""

    credit_id: int
    title: str
    currency: str
    balance_minor: int
    expires_on: date | None
    verdict: Verdict
    rule: str
    reason: str
    categories: tuple[str, ...] = ()
    # The verdict only asks whether the item is in the credit's categories (a promotional credit's "check
    # each item"): a purchase in one of them is settled.
    about_categories: bool = False


@dataclass(frozen=True)
class Payment:
    """Part of the purchase paid by one credit; `check_terms` marks a credit the user allowed on an unclear verdict."""

    candidate: Candidate
    amount_minor: int

    @property
    def check_terms(self) -> bool:
        """Whether this credit pays only because the user allowed credits whose terms need a look."""
        return self.candidate.verdict is Verdict.CHECK_TERMS


@dataclass(frozen=True)
class Skipped:
    """A credit in the purchase's currency that does not pay, and why (in words)."""

    candidate: Candidate
    why: str
    # How many more credits of its kind (same merchant, region, source, categories and terms, no checkout
    # observations; not archived, not expired, used up or not) cannot pay either: passed over, not listed.
    others: int = 0


@dataclass(frozen=True)
class PurchasePlan:
    """The credits to apply in order, those left out, what stays unpaid, and what would expire unused."""

    purchase: Purchase
    payments: tuple[Payment, ...]
    skipped: tuple[Skipped, ...]
    unpaid_minor: int
    expiring_unused_minor: int
    horizon_days: int = HORIZON_DAYS

    @property
    def paid_minor(self) -> int:
        """How much of the purchase the credits pay."""
        return sum(payment.amount_minor for payment in self.payments)


def more_like_it(skipped: Skipped) -> str:
    """What to add after why a credit is not used: " (and 41,000 more like it)", or nothing."""
    if not skipped.others:
        return ""
    return f" (and {skipped.others:,} more like it)"


def expiry_order(candidate: Candidate) -> tuple[date, int, int]:
    """Soonest expiry first (no expiry last); among equals the smaller balance, so small credits are used up."""
    return (candidate.expires_on or date.max, candidate.balance_minor, candidate.credit_id)


def why_not(candidate: Candidate, purchase: Purchase, today: date) -> str | None:
    """Why a credit in the purchase's currency cannot pay for it, or None when it can."""
    if candidate.balance_minor <= 0:
        return "nothing is left on it"
    if candidate.expires_on is not None and candidate.expires_on < today:
        return f"it expired on {candidate.expires_on.isoformat()}"
    in_category = False
    if candidate.categories and purchase.use is Use.GENERAL_PURCHASES:
        allowed = ", ".join(candidate.categories)
        if purchase.category is None:
            return f"it only pays for {allowed}: say what the purchase is to use it"
        if purchase.category.casefold() not in {category.casefold() for category in candidate.categories}:
            return f"it only pays for {allowed}, not {purchase.category}"
        in_category = True
    if candidate.verdict in _PAYS or (in_category and candidate.about_categories):
        return None
    if candidate.verdict is Verdict.CHECK_TERMS:
        if purchase.allow_check_terms:
            return None
        return f"its terms need a look first ({candidate.reason})"
    # The reason says its verdict in words ("No: ..."); the verdict's code would only repeat it as jargon.
    return f"it cannot pay for this ({candidate.reason})"


def plan_purchase(
    purchase: Purchase,
    candidates: Iterable[Candidate],
    today: date,
    horizon_days: int = HORIZON_DAYS,
    *,
    expiring_total_minor: int | None = None,
) -> PurchasePlan:
    """The credits to apply to a purchase, soonest expiry first, and what the plan leaves.

    Given `expiring_total_minor` (what every credit in the currency expiring within the horizon
    holds), the candidates may be only the first ones in expiry order, as many as the purchase needs.
    """
    same_currency = sorted((c for c in candidates if c.currency == purchase.currency), key=expiry_order)
    left = purchase.amount_minor
    payments: list[Payment] = []
    skipped: list[Skipped] = []
    for candidate in same_currency:
        reason = why_not(candidate, purchase, today)
        if reason is not None:
            skipped.append(Skipped(candidate, reason))
        elif left > 0:
            amount = min(left, candidate.balance_minor)
            payments.append(Payment(candidate, amount))
            left -= amount
    return PurchasePlan(
        purchase=purchase,
        payments=tuple(payments),
        skipped=tuple(skipped),
        unpaid_minor=left,
        expiring_unused_minor=(
            expiring_unused(same_currency, payments, today, horizon_days)
            if expiring_total_minor is None
            else expiring_total_minor - _paid_within(payments, today, horizon_days)
        ),
        horizon_days=horizon_days,
    )


def expiring_unused(
    candidates: Iterable[Candidate], payments: Iterable[Payment], today: date, horizon_days: int = HORIZON_DAYS
) -> int:
    """What would be left, after the payments, on credits that expire from today to the horizon's end."""
    paid = {payment.candidate.credit_id: payment.amount_minor for payment in payments}
    end = today + timedelta(days=horizon_days)
    return sum(
        max(0, candidate.balance_minor - paid.get(candidate.credit_id, 0))
        for candidate in candidates
        if candidate.expires_on is not None and today <= candidate.expires_on <= end
    )


def _paid_within(payments: Iterable[Payment], today: date, horizon_days: int) -> int:
    end = today + timedelta(days=horizon_days)
    return sum(
        payment.amount_minor
        for payment in payments
        if payment.candidate.expires_on is not None and today <= payment.candidate.expires_on <= end
    )
