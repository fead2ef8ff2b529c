"""A realistic demo ledger: credits of every source, some expiring soon, for first looks and screenshots.

Dates are relative to `today`, so the demo always shows something about to expire.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from ledger.storage.store import Ledger, NewCredit
from ledger.vocab import Outcome, Use


@dataclass(frozen=True)
class DemoCredit:
    """One demo credit: when it arrived and expires (days from today), and what happened to it since."""

    source: str
    title: str
    amount: str
    received_days_ago: int
    expires_in_days: int | None = None
    currency: str = "USD"
    merchant: str = "Amazon"
    region: str = "US"
    reference: str = ""
    categories: tuple[str, ...] = ()
    terms: str = ""
    # What the user recorded from the terms, per use (ledger.vocab.TermsSay values).
    terms_by_use: tuple[tuple[str, str], ...] = ()
    notes: str = ""
    spends: tuple[tuple[str, int, str], ...] = ()
    checks: tuple[tuple[str, str], ...] = ()
    archived: bool = False


DEMO_CREDITS: tuple[DemoCredit, ...] = (
    DemoCredit(
        "gift_card", "Birthday gift card from Aunt May", "50.00", 60,
        reference="Gift card ending 4821", notes="Redeemed to the account balance",
        spends=(("18.99", 40, "Paperback: The Overstory"),),
    ),
    DemoCredit(
        "refund", "Refund: cracked phone case", "14.99", 25,
        reference="Order 113-5527190-8843021", notes="Refunded to balance instead of card",
        terms="Refunded to your Amazon balance. Can be used for any purchase on Amazon.com. "
        "Not valid for the purchase of gift cards.",
        # Recorded for everyday purchases only: the gift-card sentence is left as a suggestion to accept.
        terms_by_use=(("general_purchases", "allow"),),
    ),
    DemoCredit(
        "return_credit", "Return credit: headphones", "79.00", 12,
        reference="Return 2-RT-55810", notes="Sony WH-CH520 returned unopened",
        spends=(("22.50", 5, "Kitchen scale"),),
    ),
    DemoCredit(
        "promotional", "Prime Day promo credit", "10.00", 20, expires_in_days=6,
        reference="PRIMEDAY10", categories=("Books", "Kindle eBooks"),
        terms="Valid on books and Kindle eBooks sold by Amazon. Not valid for gift cards.",
        checks=((Use.AMAZON_GIFT_CARDS, Outcome.GRAYED_OUT),),
    ),
    DemoCredit(
        "promotional", "Pantry promotional credit", "15.00", 30, expires_in_days=24,
        reference="PANTRY15", categories=("Grocery", "Household"),
        terms="Applies to Grocery & Gourmet and Household items only.",
    ),
    DemoCredit(
        "promotional", "Music Unlimited sign-up credit", "5.00", 10, expires_in_days=75,
        reference="MUSIC5", categories=("Digital Music",),
    ),
    DemoCredit(
        "rewards", "Credit card points redeemed", "32.40", 45, expires_in_days=160,
        reference="Shop with Points", notes="Converted from 3,240 points",
    ),
    DemoCredit(
        "rewards", "Amazon survey credit", "3.00", 15, expires_in_days=2,
        reference="Customer survey, March", notes="Thank-you credit for a product survey",
    ),
    DemoCredit(
        "promotional", "Holiday promo credit", "20.00", 120, expires_in_days=-9,
        reference="HOLIDAY20", categories=("Toys & Games",),
        spends=(("7.25", 100, "Card game"),),
    ),
    DemoCredit(
        "gift_card", "Office secret-santa gift card", "25.00", 90,
        reference="Gift card ending 1177", spends=(("25.00", 70, "Desk lamp"),),
    ),
    DemoCredit(
        "other", "Goodwill credit: late delivery", "8.00", 200,
        reference="Order 114-0091823-1120044", archived=True, notes="Kept for the record",
    ),
    DemoCredit(
        "gift_card", "Amazon.co.uk gift card from a colleague", "40.00", 35,
        currency="GBP", region="GB", reference="UK gift card ending 9034",
        notes="For the UK store; policies there differ",
    ),
    DemoCredit(
        "promotional", "Kindle Unlimited promo", "12.00", 40, expires_in_days=48,
        reference="KU12", categories=("Kindle eBooks",),
    ),
    DemoCredit(
        "rewards", "Trade-in reward", "18.00", 8, expires_in_days=330,
        reference="Trade-in 77-TI-2291", notes="Old Kindle Paperwhite",
    ),
)


def fill_demo(ledger: Ledger, today: date) -> list[int]:
    """Record the demo credits (with their spends, checks and archive flags); returns the new ids."""
    ids: list[int] = []
    for demo in DEMO_CREDITS:
        received = today - timedelta(days=demo.received_days_ago)
        expires = None if demo.expires_in_days is None else today + timedelta(days=demo.expires_in_days)
        credit_id = ledger.add_credit(
            NewCredit(
                source=demo.source, currency=demo.currency, amount=demo.amount, merchant=demo.merchant,
                region=demo.region, title=demo.title, received_on=received, expires_on=expires,
                reference=demo.reference, categories=demo.categories, terms=demo.terms, notes=demo.notes,
                terms_by_use=dict(demo.terms_by_use),
            ),
            today,
        )
        for amount, days_ago, note in demo.spends:
            ledger.spend(credit_id, amount, today, on=today - timedelta(days=days_ago), note=note)
        for use, outcome in demo.checks:
            ledger.record_check(credit_id, use, outcome)
        if demo.archived:
            ledger.set_archived(credit_id, True)
        ids.append(credit_id)
    return ids


def open_demo(ledger: Ledger, today: date) -> bool:
    """Fill the demo ledger if it is still empty (first open); True when it was filled now."""
    if ledger.summaries(today):
        return False
    fill_demo(ledger, today)
    return True
