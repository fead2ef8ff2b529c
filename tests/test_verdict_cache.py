"""Verdicts for many credits, each shape evaluated once, are exactly what `evaluate` says for each credit."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace

from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.rules.eligibility import evaluate
from ledger.rules.verdict_cache import VerdictCache
from ledger.storage.models import Credit
from ledger.vocab import Outcome, Source, Use

TODAY = date(2026, 3, 1)

credits = st.builds(
    Credit,
    source=st.sampled_from(list(Source)),
    merchant=st.sampled_from(["Amazon", "Acme", "amazon"]),
    region=st.sampled_from(["US", "GB", "CA"]),
    currency=st.sampled_from(["USD", "GBP"]),
    amount_minor=st.sampled_from([0, 500, 2500, 60_000, 2_000_000]),
    received_on=st.just(date(2025, 1, 1)),
    expires_on=st.one_of(
        st.none(), st.sampled_from([TODAY + timedelta(days=d) for d in (-40, -1, 0, 1, 5, 7, 8, 30, 400)])
    ),
    # "Toys." ends in a full stop, as a reason's own does: the region's caution trims one, and must not trim it.
    categories=st.sampled_from([[], [], ["Books"], ["Gift Cards"], ["Toys", "Games"], ["Toys."]]),
    terms=st.sampled_from(["", "", "Not valid for the purchase of gift cards.", "Anything on the site."]),
    reference=st.sampled_from(["", "Order 1"]),
    terms_by_use=st.sampled_from([{}, {}, {"amazon_gift_cards": "forbid"}, {"general_purchases": "allow"}]),
)
checks = st.lists(
    st.builds(
        SimpleNamespace,
        use=st.sampled_from([use.value for use in Use]),
        outcome=st.sampled_from([outcome.value for outcome in Outcome]),
        observed_at=st.sampled_from([datetime(2026, 2, d, tzinfo=UTC) for d in (1, 2, 3)]),
    ),
    max_size=2,
)
balances = st.one_of(st.none(), st.sampled_from([Decimal("0"), Decimal("3.00"), Decimal("600.00"), Decimal("25.00")]))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(credits, balances, checks), min_size=1, max_size=40))
def test_shared_verdicts_are_exactly_each_credits_own(ledger: list[tuple[Credit, Decimal | None, list]]) -> None:  # type: ignore[type-arg]
    cache = VerdictCache(TODAY)
    for credit, balance, seen in ledger:
        direct = evaluate(credit, TODAY, balance=balance, checks=seen).verdicts
        assert cache.verdicts(credit, balance=balance, checks=seen) == direct


# Credits that differ in little (one kind of credit, many dates, balances and categories), so that a key
# leaving out what decides a verdict is caught sharing the wrong one.
alike = st.builds(
    lambda kind, expiry, amount, categories, reference: Credit(
        **kind, amount_minor=amount, expires_on=expiry, categories=categories, reference=reference,
        received_on=date(2025, 1, 1),
    ),
    kind=st.just({}),
    expiry=st.one_of(st.none(), st.sampled_from([TODAY + timedelta(days=d) for d in (-40, -1, 0, 1, 5, 7, 8, 30)])),
    amount=st.sampled_from([0, 500, 2500, 60_000, 2_000_000]),
    categories=st.sampled_from([[], ["Books"], ["Gift Cards"]]),
    reference=st.sampled_from(["", "Order 1"]),
)


@settings(max_examples=150, deadline=None)
@given(
    st.fixed_dictionaries(
        {
            "source": st.sampled_from(list(Source)),
            "merchant": st.sampled_from(["Amazon", "Acme"]),
            "region": st.sampled_from(["US", "GB"]),
            "currency": st.sampled_from(["USD", "GBP"]),
            "terms": st.sampled_from(["", "Not valid for the purchase of gift cards."]),
            "terms_by_use": st.sampled_from([{}, {"amazon_gift_cards": "forbid"}]),
        }
    ),
    st.lists(st.tuples(alike, balances), min_size=2, max_size=30),
    checks,
)
def test_credits_of_one_kind_get_their_own_verdicts(
    kind: dict[str, object], ledger: list[tuple[Credit, Decimal | None]], seen: list  # type: ignore[type-arg]
) -> None:
    cache = VerdictCache(TODAY)
    for credit, balance in ledger:
        for name, value in kind.items():
            setattr(credit, name, value)
        assert cache.verdicts(credit, balance=balance, checks=seen) == evaluate(
            credit, TODAY, balance=balance, checks=seen
        ).verdicts


def test_a_list_of_alike_credits_runs_the_rules_once_per_kind() -> None:
    cache = VerdictCache(TODAY)
    for n in range(1000):
        credit = Credit(source=("refund", "gift_card")[n % 2], currency="USD", amount_minor=1000 + n,
                        received_on=date(2025, 1, 1), expires_on=TODAY + timedelta(days=30 + n % 50))  # fmt: skip
        cache.verdicts(credit)
    assert cache.evaluations == 2


def test_credits_alike_but_for_what_their_reasons_quote_each_get_their_own_words() -> None:
    cache = VerdictCache(TODAY)
    for amount, said in ((500, "$5.00"), (2500, "$25.00")):
        expired = Credit(source="refund", currency="USD", amount_minor=amount, received_on=date(2025, 1, 1),
                         expires_on=TODAY - timedelta(days=3))  # fmt: skip
        assert said in cache.verdicts(expired)[0].reason


def test_credits_of_one_kind_run_the_rules_once_whatever_balance_and_dates_their_reasons_quote() -> None:
    cache = VerdictCache(TODAY)
    for n in range(200):
        expired = Credit(source="refund", currency="USD", amount_minor=500 + n, received_on=date(2025, 1, 1),
                         expires_on=TODAY - timedelta(days=1 + n))  # fmt: skip
        answers = cache.verdicts(expired)
        assert answers == evaluate(expired, TODAY).verdicts
        assert f"${(500 + n) / 100:.2f}" in answers[0].reason
    assert cache.evaluations == 1
