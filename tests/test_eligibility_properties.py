"""Properties of `evaluate` that hold for every credit, plus regions and the JSON forms the CLI prints."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from ledger.rules.eligibility import (
    Evaluation,
    advice_json,
    eligibility_json,
    eligibility_summary,
    evaluate,
)
from ledger.storage.models import Credit
from ledger.vocab import CHECKOUT_USES, Outcome, Source, Use, Verdict

TODAY = date(2026, 3, 1)

words = st.one_of(st.none(), st.text(max_size=12), st.integers(), st.sampled_from(["US", "UK", "us ", "", "Amazon"]))
sources = st.one_of(st.sampled_from(list(Source)), st.text(max_size=12), st.none(), st.integers())
currencies = st.one_of(st.sampled_from(["USD", "EUR", "JPY", "BHD", "usd", "XYZ", ""]), st.text(max_size=4), st.none())
categories = st.one_of(st.lists(st.text(max_size=8), max_size=3), st.none(), st.text(max_size=8), st.integers())

credits = st.builds(
    Credit,
    source=sources,
    merchant=st.one_of(st.just("Amazon"), st.just("aMaZoN "), words),
    region=st.one_of(st.just("US"), words),
    currency=currencies,
    amount_minor=st.one_of(st.integers(), st.none(), st.text(max_size=3)),
    received_on=st.dates(),
    expires_on=st.one_of(st.none(), st.dates(), st.datetimes(), st.text(max_size=5)),
    categories=categories,
    terms=words,
    terms_url=words,
    reference=words,
)
us_credits = st.builds(
    Credit,
    source=st.sampled_from(list(Source)),
    currency=st.just("USD"),
    amount_minor=st.integers(min_value=0, max_value=10**9),
    received_on=st.just(date(2026, 1, 1)),
    expires_on=st.one_of(st.none(), st.dates(min_value=TODAY)),
    categories=st.lists(st.sampled_from(["Books", "Toys"]), max_size=2),
)
observations = st.builds(
    SimpleNamespace,
    use=st.one_of(st.sampled_from(list(Use)), st.text(max_size=6), st.none()),
    outcome=st.one_of(st.sampled_from(list(Outcome)), st.text(max_size=6), st.none()),
    observed_at=st.one_of(st.datetimes(), st.datetimes(timezones=st.just(UTC)), st.none()),
)
balances = st.one_of(st.none(), st.decimals(allow_nan=True, allow_infinity=True))


def credit(source: str = "refund", **fields: Any) -> Credit:
    """A ten-dollar credit received this year."""
    values: dict[str, Any] = {"currency": "USD", "amount_minor": 1000, "received_on": date(2026, 1, 5)}
    values.update(fields)
    return Credit(source=source, **values)


def seen(use: Use, outcome: Outcome, minutes: int = 0) -> SimpleNamespace:
    """One checkout observation, `minutes` after a fixed moment."""
    at = datetime(2026, 2, 1, 12, tzinfo=UTC) + timedelta(minutes=minutes)
    return SimpleNamespace(use=use.value, outcome=outcome.value, observed_at=at)


def assert_well_formed(ev: Evaluation) -> None:
    """One verdict per use in vocabulary order, each with a rule id and a reason; advice with text."""
    assert [answer.use for answer in ev.verdicts] == list(Use)
    for answer in ev.verdicts:
        assert isinstance(answer.verdict, Verdict)
        assert answer.rule.strip() and answer.reason.strip()
    for item in ev.advice:
        assert item.rule.strip() and item.text.strip()
    json.dumps([eligibility_json(ev), advice_json(ev), eligibility_summary(ev)])


@given(credits, st.dates(), balances, st.lists(observations, max_size=4))
def test_evaluation_never_raises_and_every_verdict_has_a_rule_and_a_reason(
    subject: Credit, today: date, balance: Decimal | None, checks: list[SimpleNamespace]
) -> None:
    assert_well_formed(evaluate(subject, today, balance=balance, checks=checks))


@given(credits, st.integers(min_value=1, max_value=5000), st.lists(observations, max_size=4))
def test_an_expired_credit_answers_no_to_every_use(subject: Credit, days_late: int, checks: list[Any]) -> None:
    subject.expires_on = date(2020, 1, 1)
    ev = evaluate(subject, date(2020, 1, 1) + timedelta(days=days_late), checks=checks)
    assert {answer.verdict for answer in ev.verdicts} == {Verdict.NO}
    assert ev.forfeited is not None and ev.forfeited >= 0


def test_an_expired_credit_shows_its_remaining_balance_as_forfeited() -> None:
    ev = evaluate(credit("gift_card", expires_on=date(2026, 2, 28)), TODAY, balance=Decimal("3.25"))
    assert ev.forfeited == Decimal("3.25")
    assert {answer.rule for answer in ev.verdicts} == {"expired-forfeited"}
    assert evaluate(credit("gift_card", expires_on=TODAY), TODAY).forfeited is None  # usable through the last day


@given(credits, st.sampled_from(list(Use)), st.sampled_from([Outcome.NOT_OFFERED, Outcome.GRAYED_OUT]))
def test_a_checkout_that_refused_the_credit_always_means_no(subject: Credit, use: Use, outcome: Outcome) -> None:
    ev = evaluate(subject, TODAY, checks=[seen(use, Outcome.OFFERED), seen(use, outcome, minutes=5)])
    assert ev.verdict_for(use).verdict is Verdict.NO


@given(us_credits, st.sampled_from(list(Use)))
def test_offered_at_checkout_never_turns_a_caution_into_a_promise(subject: Credit, use: Use) -> None:
    before = evaluate(subject, TODAY).verdict_for(use)
    after = evaluate(subject, TODAY, checks=[seen(use, Outcome.OFFERED)]).verdict_for(use)
    if before.verdict in (Verdict.YES, Verdict.LIKELY, Verdict.NO) or use not in CHECKOUT_USES:
        # A firm no stays no (a purchase that slips through can be reversed); transfers never reach a checkout.
        assert after == before
    else:
        assert (after.verdict, after.rule) == (Verdict.CHECK_TERMS, "checkout-offered-may-be-temporary")


@given(us_credits, st.sampled_from(list(Use)))
def test_offered_at_checkout_never_loosens_a_firm_no(subject: Credit, use: Use) -> None:
    before = evaluate(subject, TODAY).verdict_for(use)
    after = evaluate(subject, TODAY, checks=[seen(use, Outcome.OFFERED)]).verdict_for(use)
    assert before.verdict is not Verdict.NO or after.verdict is Verdict.NO


def test_the_latest_observation_wins() -> None:
    checks = [seen(Use.GENERAL_PURCHASES, Outcome.GRAYED_OUT, minutes=10), seen(Use.GENERAL_PURCHASES, Outcome.OFFERED)]
    ev = evaluate(credit("refund"), TODAY, checks=checks)
    assert ev.verdict_for(Use.GENERAL_PURCHASES).rule == "checkout-grayed-out"


@given(us_credits, st.sampled_from(["UK", "DE", "", "JP", "gb"]))
def test_outside_the_rule_sets_region_nothing_is_promised(subject: Credit, region: str) -> None:
    home = evaluate(subject, TODAY)
    subject.region = region
    abroad = evaluate(subject, TODAY)
    for there, here in zip(abroad.verdicts, home.verdicts, strict=True):
        assert there.verdict not in (Verdict.YES, Verdict.LIKELY)
        if here.verdict in (Verdict.YES, Verdict.LIKELY):
            assert (there.verdict, there.rule) == (Verdict.CHECK_TERMS, "other-region-check-terms")
            assert "policies differ" in there.reason
        else:
            assert there == here


def test_a_uk_refund_must_be_checked_instead_of_likely() -> None:
    answer = evaluate(credit("refund", region="UK", currency="GBP"), TODAY).verdict_for(Use.GENERAL_PURCHASES)
    assert answer.verdict is Verdict.CHECK_TERMS
    # In plain words (issue 12): the countries by name, no quoted codes.
    assert "for a credit from the United Kingdom (in the United States it would likely be allowed)" in answer.reason
    assert "'" not in answer.reason.replace("n't", "")


def test_merchant_and_region_match_without_regard_to_case() -> None:
    ev = evaluate(credit("refund", merchant=" amazon", region="us"), TODAY)
    assert ev.rule_set == "Amazon US v1"
    assert ev.verdict_for(Use.GENERAL_PURCHASES).verdict is Verdict.LIKELY


def test_an_unknown_source_is_treated_as_other() -> None:
    assert evaluate(credit("lottery win"), TODAY).verdicts == evaluate(credit("other"), TODAY).verdicts


def test_an_unknown_merchant_gets_the_cautious_default() -> None:
    ev = evaluate(credit("gift_card", merchant="Corner Shop"), TODAY)
    assert eligibility_summary(ev) == {
        "general_purchases": "check_terms",
        "amazon_gift_cards": "no",
        "third_party_gift_cards": "no",
        "transfer": "no",
        "cash_out": "no",
    }


def test_advice_counts_the_days_left_and_names_the_categories() -> None:
    promo = credit("promotional", expires_on=date(2026, 3, 11), categories=["Books", "Kindle"])
    texts = {item.rule: item.text for item in evaluate(promo, TODAY).advice}
    assert "2026-03-11 (10 days left)" in texts["use-before-expiry"]
    assert "Books, Kindle" in texts["promotional-eligible-items-only"]
    last_day = evaluate(credit("refund", expires_on=TODAY), TODAY).advice
    assert "Today is the last day" in next(item.text for item in last_day if item.rule == "expiry-last-day")


def test_advice_warns_about_cash_out_and_transfer_and_points_to_official_help() -> None:
    rules = evaluate(credit("other"), TODAY).advice_rules
    for expected in ("cash-out-services-risky", "transfer-risks-account", "unsure-check-account", "note-the-source"):
        assert expected in rules


def test_a_large_balance_gets_future_needs_advice_only_when_large() -> None:
    def rules(balance: str) -> list[str]:
        return evaluate(credit("refund"), TODAY, balance=Decimal(balance)).advice_rules

    assert "large-balance-future-needs" in rules("150.00")
    assert "large-balance-future-needs" not in rules("20.00")


def test_the_json_forms_the_cli_prints() -> None:
    ev = evaluate(credit("promotional", region="US"), TODAY)
    rows = eligibility_json(ev)
    assert [row["use"] for row in rows] == [use.value for use in Use]
    assert set(rows[0]) == {"use", "verdict", "rule", "reason"}
    assert rows[1] == {
        "use": "amazon_gift_cards",
        "verdict": "no",
        "rule": "faq-promotional-gift-cards",
        "reason": ev.verdict_for(Use.AMAZON_GIFT_CARDS).reason,
    }
    assert all(set(item) == {"rule", "rules", "text"} for item in advice_json(ev))
    assert eligibility_summary(ev)["amazon_gift_cards"] == "no"
