"""A plan for a purchase: which credits pay, in what order, and what is still lost to expiry (issue 15).

The properties are checked on small random ledgers against a brute-force oracle that tries every
order of the credits that may pay.
"""

from __future__ import annotations

import itertools
import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.purchase_plan import (
    Candidate,
    Payment,
    Purchase,
    expiring_unused,
    plan_purchase,
    why_not,
)
from ledger.vocab import Use, Verdict
from tests.conftest import CliRunner

TODAY = date(2026, 3, 1)


def credit(
    credit_id: int,
    balance: int,
    expires_in: int | None = None,
    *,
    verdict: Verdict = Verdict.YES,
    currency: str = "USD",
    categories: tuple[str, ...] = (),
    about_categories: bool = False,
) -> Candidate:
    return Candidate(
        credit_id=credit_id,
        title=f"credit {credit_id}",
        currency=currency,
        balance_minor=balance,
        expires_on=None if expires_in is None else TODAY + timedelta(days=expires_in),
        verdict=verdict,
        rule="rule",
        reason="because",
        categories=categories,
        about_categories=about_categories,
    )


def test_the_credit_that_expires_first_pays_first_and_the_rest_is_unpaid() -> None:
    plan = plan_purchase(
        Purchase(amount_minor=5000, currency="USD"),
        [credit(1, 3000, expires_in=90), credit(2, 1000, expires_in=3), credit(3, 500)],
        TODAY,
    )
    assert [(p.candidate.credit_id, p.amount_minor) for p in plan.payments] == [(2, 1000), (1, 3000), (3, 500)]
    assert plan.unpaid_minor == 500
    assert plan.expiring_unused_minor == 0


def test_a_plan_never_mixes_currencies_and_skips_what_may_not_pay_with_the_reason() -> None:
    plan = plan_purchase(
        Purchase(amount_minor=2000, currency="USD", use=Use.AMAZON_GIFT_CARDS),
        [
            credit(1, 5000, currency="EUR"),
            credit(2, 5000, verdict=Verdict.NO),
            credit(3, 5000, verdict=Verdict.CHECK_TERMS),
            credit(4, 800, expires_in=-1),
            credit(5, 700, expires_in=10),
        ],
        TODAY,
    )
    assert [p.candidate.credit_id for p in plan.payments] == [5]
    assert {s.candidate.credit_id: s.why for s in plan.skipped} == {
        2: "it cannot pay for this (because)",
        3: "its terms need a look first (because)",
        4: "it expired on 2026-02-28",
    }
    assert plan.unpaid_minor == 1300


def test_credits_whose_terms_need_a_look_pay_only_when_allowed_and_are_marked() -> None:
    plan = plan_purchase(
        Purchase(amount_minor=1000, currency="USD", allow_check_terms=True),
        [credit(1, 600, verdict=Verdict.CHECK_TERMS, expires_in=5), credit(2, 600, verdict=Verdict.LIKELY)],
        TODAY,
    )
    assert [(p.candidate.credit_id, p.amount_minor, p.check_terms) for p in plan.payments] == [
        (1, 600, True),
        (2, 400, False),
    ]


def test_a_credit_whose_only_doubt_is_its_categories_pays_for_a_purchase_in_them() -> None:
    # The guide: a promotional credit can be used for eligible items, so "check each item" is settled
    # once the item is known to be in its categories.
    promo = credit(1, 1000, verdict=Verdict.CHECK_TERMS, categories=("Toys",), about_categories=True)
    assert why_not(promo, Purchase(amount_minor=500, currency="USD", category="toys"), TODAY) is None
    assert why_not(promo, Purchase(amount_minor=500, currency="USD", category="Books"), TODAY) is not None
    unclear = credit(2, 1000, verdict=Verdict.CHECK_TERMS, categories=("Toys",))
    assert why_not(unclear, Purchase(amount_minor=500, currency="USD", category="toys"), TODAY) is not None


@pytest.mark.parametrize(
    ("category", "pays"),
    [("books", True), ("Toys", False), (None, False)],
    ids=["its category", "another category", "no category given"],
)
def test_a_credit_limited_to_categories_pays_only_for_them(category: str | None, pays: bool) -> None:
    limited = credit(1, 1000, categories=("Books", "Kindle"))
    purchase = Purchase(amount_minor=500, currency="USD", category=category)
    assert (why_not(limited, purchase, TODAY) is None) == pays


def test_a_plan_reports_what_would_still_expire_unused() -> None:
    plan = plan_purchase(
        Purchase(amount_minor=1000, currency="USD"),
        [credit(1, 1500, expires_in=10), credit(2, 900, expires_in=29, verdict=Verdict.NO), credit(3, 400, 45)],
        TODAY,
    )
    assert plan.expiring_unused_minor == 500 + 900


# --- properties ------------------------------------------------------------------------------------

candidates = st.lists(
    st.builds(
        credit,
        credit_id=st.integers(min_value=1, max_value=10_000),
        balance=st.integers(min_value=-100, max_value=5000),
        expires_in=st.one_of(st.none(), st.integers(min_value=-5, max_value=60)),
        verdict=st.sampled_from(list(Verdict)),
        currency=st.sampled_from(["USD", "USD", "EUR"]),
        categories=st.sampled_from([(), (), ("Books",), ("Toys", "Games")]),
        about_categories=st.booleans(),
    ),
    max_size=6,
    unique_by=lambda candidate: candidate.credit_id,
)
purchases = st.builds(
    Purchase,
    amount_minor=st.integers(min_value=1, max_value=20_000),
    currency=st.just("USD"),
    use=st.sampled_from([Use.GENERAL_PURCHASES, Use.AMAZON_GIFT_CARDS, Use.THIRD_PARTY_GIFT_CARDS]),
    category=st.sampled_from([None, "Books", "toys"]),
    allow_check_terms=st.booleans(),
)


def paid_in_order(order: tuple[Candidate, ...], amount: int) -> list[Payment]:
    """The oracle's way of paying: credits in the given order, each as far as it goes."""
    payments, left = [], amount
    for candidate in order:
        if left <= 0:
            break
        taken = min(left, candidate.balance_minor)
        payments.append(Payment(candidate, taken))
        left -= taken
    return payments


@settings(max_examples=300, deadline=None)
@given(purchases, candidates)
def test_a_plan_never_overspends_and_never_uses_a_credit_that_may_not_pay(
    purchase: Purchase, ledger: list[Candidate]
) -> None:
    plan = plan_purchase(purchase, ledger, TODAY)
    assert plan.paid_minor + plan.unpaid_minor == purchase.amount_minor
    assert plan.paid_minor <= purchase.amount_minor
    for payment in plan.payments:
        candidate = payment.candidate
        assert 0 < payment.amount_minor <= candidate.balance_minor
        assert candidate.currency == purchase.currency
        assert candidate.expires_on is None or candidate.expires_on >= TODAY
        in_category = purchase.category is not None and purchase.category.casefold() in {
            category.casefold() for category in candidate.categories
        }
        assert (
            candidate.verdict in (Verdict.YES, Verdict.LIKELY)
            or (candidate.verdict is Verdict.CHECK_TERMS and purchase.allow_check_terms and payment.check_terms)
            or (candidate.about_categories and in_category and purchase.use is Use.GENERAL_PURCHASES)
        )
    assert len({payment.candidate.credit_id for payment in plan.payments}) == len(plan.payments)


@settings(max_examples=300, deadline=None)
@given(purchases, candidates)
def test_no_other_order_loses_less_to_expiry(purchase: Purchase, ledger: list[Candidate]) -> None:
    plan = plan_purchase(purchase, ledger, TODAY)
    same_currency = [c for c in ledger if c.currency == purchase.currency]
    usable = [c for c in same_currency if why_not(c, purchase, TODAY) is None]
    for order in itertools.permutations(usable):
        other = paid_in_order(order, purchase.amount_minor)
        assert plan.expiring_unused_minor <= expiring_unused(same_currency, other, TODAY)
        assert plan.unpaid_minor <= purchase.amount_minor - sum(p.amount_minor for p in other)


# --- value at risk at the current pace ---------------------------------------------------------------


def test_at_the_current_pace_what_cannot_be_spent_before_its_day_is_at_risk() -> None:
    from decimal import Decimal

    from ledger.overview import at_risk

    soon, later, never = TODAY + timedelta(days=4), TODAY + timedelta(days=9), None
    credits = [("USD", 1000, soon), ("USD", 2000, later), ("USD", 5000, never), ("EUR", 300, soon)]
    # $2.00 a day: $10.00 can go by the first day (5 days, today included), $20.00 by the second.
    assert at_risk(credits, {"USD": Decimal(200)}, TODAY) == {"USD": 1000, "EUR": 300}
    assert at_risk(credits, {"USD": Decimal(300), "EUR": Decimal(100)}, TODAY) == {}
    assert at_risk(credits, {}, TODAY) == {"USD": 3000, "EUR": 300}


def test_the_pace_is_what_was_spent_lately_per_day_refunds_netted(ledger_path: Path) -> None:
    from decimal import Decimal

    from ledger.storage.listing import spending_pace
    from ledger.storage.store import Ledger, NewCredit

    book = Ledger.open(ledger_path)
    received = TODAY - timedelta(days=200)
    usd = book.add_credit(NewCredit(source="refund", currency="USD", amount="100", received_on=received), TODAY)
    eur = book.add_credit(NewCredit(source="refund", currency="EUR", amount="100", received_on=received), TODAY)
    book.spend(usd, "50", TODAY, on=TODAY - timedelta(days=100))  # too long ago to count
    book.spend(usd, "30", TODAY, on=TODAY - timedelta(days=10))
    book.refund(usd, "12", TODAY, on=TODAY - timedelta(days=2))
    book.spend(eur, "9", TODAY, on=TODAY)
    book.close()
    assert spending_pace(ledger_path, TODAY) == {"USD": Decimal(1800) / 90, "EUR": Decimal(900) / 90}


# --- from the ledger ----------------------------------------------------------------------------------


def test_a_plan_from_the_ledger_reads_only_what_it_needs_and_agrees_with_the_whole_picture(ledger_path: Path) -> None:
    from ledger.purchase_candidates import candidates, plan_for
    from ledger.storage.store import Ledger, NewCredit

    book = Ledger.open(ledger_path)
    received = TODAY - timedelta(days=30)
    made = []
    for n in range(40):
        made.append(
            book.add_credit(
                NewCredit(
                    source="promotional" if n % 3 == 0 else "refund",
                    currency="USD" if n % 5 else "EUR",
                    amount=f"{5 + n}.00",
                    received_on=received,
                    expires_on=TODAY + timedelta(days=n + 1) if n % 4 else None,
                    categories=["Books"] if n % 3 == 0 else [],
                ),
                TODAY,
            )
        )
    book.spend(made[1], "6.00", TODAY)  # spent to zero: never a candidate
    book.set_archived(made[2])
    purchase = Purchase(amount_minor=6000, currency="USD")
    every = list(candidates(book, purchase, TODAY, None))
    assert made[1] not in {c.credit_id for c in every} and made[2] not in {c.credit_id for c in every}
    whole = plan_purchase(purchase, every, TODAY)
    plan = plan_for(book, purchase, TODAY)
    book.close()
    assert [(p.candidate.credit_id, p.amount_minor) for p in plan.payments] == [
        (p.candidate.credit_id, p.amount_minor) for p in whole.payments
    ]
    assert (plan.unpaid_minor, plan.expiring_unused_minor) == (whole.unpaid_minor, whole.expiring_unused_minor)
    assert plan.unpaid_minor == 0 and len(plan.skipped) >= 1  # promotional credits limited to Books


def test_a_plans_spends_are_recorded_together_and_taken_back_together(ledger_path: Path) -> None:
    from decimal import Decimal

    from ledger.errors import LedgerError
    from ledger.storage.editing import remove_movements, restore_movements
    from ledger.storage.store import Ledger, NewCredit

    book = Ledger.open(ledger_path)
    first = book.add_credit(NewCredit(source="refund", currency="USD", amount="10"), TODAY)
    second = book.add_credit(NewCredit(source="refund", currency="USD", amount="10"), TODAY)
    with pytest.raises(LedgerError, match="balance is only"):
        book.spend_each([(first, "4"), (second, "11")], TODAY, note="Kettle")
    assert [book.detail(i, TODAY).balance for i in (first, second)] == [Decimal("10.00")] * 2
    entries = book.spend_each([(first, "4"), (second, "6")], TODAY, note="Kettle")
    assert [book.detail(i, TODAY).balance for i in (first, second)] == [Decimal("6.00"), Decimal("4.00")]
    taken = remove_movements(book, [entry.id for entry in entries if entry.id is not None])
    assert [book.detail(i, TODAY).balance for i in (first, second)] == [Decimal("10.00")] * 2
    restore_movements(book, taken)
    assert [book.detail(i, TODAY).balance for i in (first, second)] == [Decimal("6.00"), Decimal("4.00")]
    book.close()


def test_taking_back_a_refund_that_was_spent_since_is_refused(ledger_path: Path) -> None:
    from ledger.errors import LedgerError
    from ledger.storage.editing import remove_movements
    from ledger.storage.store import Ledger, NewCredit

    book = Ledger.open(ledger_path)
    credit_id = book.add_credit(NewCredit(source="refund", currency="USD", amount="10"), TODAY)
    book.spend(credit_id, "10", TODAY)
    refund = book.refund(credit_id, "5", TODAY)
    book.spend(credit_id, "5", TODAY)
    issue = book.detail(credit_id, TODAY).entries[0]
    with pytest.raises(LedgerError, match="below zero"):
        remove_movements(book, [refund.id or 0])
    with pytest.raises(LedgerError, match="only spends and refunds"):
        remove_movements(book, [issue.id or 0])
    book.close()


def _many_alike(book: object, count: int, source: str, first_expiry: int, **extra: object) -> list[int]:
    from ledger.storage.store import Ledger, NewCredit

    assert isinstance(book, Ledger)
    return [
        book.add_credit(
            NewCredit(source=source, currency="USD", amount=f"{10 + n}.00", received_on=TODAY - timedelta(days=30),
                      expires_on=TODAY + timedelta(days=first_expiry + n), **extra),  # type: ignore[arg-type]
            TODAY,
        )
        for n in range(count)
    ]  # fmt: skip


def test_credits_of_a_kind_that_cannot_pay_are_listed_once_with_how_many_more_and_a_later_one_still_pays(
    ledger_path: Path,
) -> None:
    from ledger.purchase_candidates import candidates, plan_for
    from ledger.storage.store import Ledger

    book = Ledger.open(ledger_path)
    # Promotional credits never pay for an Amazon gift card; they all expire before the refund that can.
    promos = _many_alike(book, 40, "promotional", 1)
    observed = _many_alike(book, 1, "promotional", 2)[0]
    book.record_check(observed, "amazon_gift_cards", "grayed_out")  # observed at checkout: listed on its own
    book.set_archived(promos[-1])  # neither archived nor expired credits are counted
    [refund] = _many_alike(book, 1, "refund", 60)
    purchase = Purchase(amount_minor=800, currency="USD", use=Use.AMAZON_GIFT_CARDS, allow_check_terms=True)
    plan = plan_for(book, purchase, TODAY)
    every = plan_purchase(purchase, list(candidates(book, purchase, TODAY, None)), TODAY)
    book.close()
    assert [(p.candidate.credit_id, p.amount_minor, p.check_terms) for p in plan.payments] == [(refund, 800, True)]
    assert [(s.candidate.credit_id, s.others) for s in plan.skipped] == [(promos[0], 38), (observed, 0)]
    assert plan.skipped[0].why.startswith("it cannot pay for this (")
    assert (plan.unpaid_minor, plan.expiring_unused_minor) == (every.unpaid_minor, every.expiring_unused_minor)
    assert len(every.skipped) == 40


def test_when_no_credit_can_pay_the_plan_lists_each_kind_once_and_says_how_many_more(cli: CliRunner) -> None:
    for n in range(30):
        assert cli("add", "--source", "promotional", "--amount", f"{5 + n}", "--currency", "USD").code == 0
    books = cli("add", "--source", "promotional", "--amount", "5", "--currency", "USD", "--categories", "Books")
    assert books.code == 0
    result = cli("plan", "25", "--currency", "USD", "--for", "amazon_gift_cards", "--json")
    assert result.code == 0, result.err
    plan = json.loads(result.out)
    assert plan["pay_with"] == [] and plan["unpaid"] == "25.00"
    assert [(row["id"], row["more_like_it"]) for row in plan["not_used"]] == [(1, 29), (31, 0)]
    text = cli("plan", "25", "--currency", "USD", "--for", "amazon_gift_cards").out
    assert "(and 29 more like it)" in text
