"""Advice is short, ranked and never contradicts itself: the most useful line first, general warnings once."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledger.rules.advice import LEAD_INS
from ledger.rules.eligibility import Evaluation, advice_json, evaluate
from ledger.rules.rulebook import AdviceTier, builtin_rulebook, builtin_rules_dir, load_rulebook
from ledger.storage.models import Credit
from ledger.vocab import CHECKOUT_USES, Outcome, Source, Use, Verdict

TODAY = date(2026, 11, 26)
SOON = date(2026, 12, 20)
ONE_LINE_TIERS = tuple(LEAD_INS.values())


def credit(source: str, **fields: Any) -> Credit:
    """A ten-dollar Amazon US credit received this month, as a user adds one: no terms, no reference."""
    values: dict[str, Any] = {"currency": "USD", "amount_minor": 1000, "received_on": date(2026, 11, 2)}
    values.update(fields)
    return Credit(source=source, **values)


def offered(use: Use) -> SimpleNamespace:
    """The user saw the credit offered at checkout for this use."""
    return SimpleNamespace(use=use.value, outcome=Outcome.OFFERED.value, observed_at=datetime(2026, 11, 20, tzinfo=UTC))


def texts(ev: Evaluation) -> list[str]:
    return [item.text for item in ev.advice]


TYPICAL = {
    "gift card": credit("gift_card", amount_minor=2500, expires_on=SOON),
    "promotional credit": credit("promotional", expires_on=SOON, categories=["Books"]),
    "return credit": credit("return_credit", amount_minor=3000, expires_on=SOON),
    "rewards credit": credit("rewards", amount_minor=1500, expires_on=SOON),
}


@pytest.mark.parametrize("subject", TYPICAL.values(), ids=TYPICAL.keys())
def test_a_typical_credit_gets_at_most_five_lines_with_the_expiry_first(subject: Credit) -> None:
    ev = evaluate(subject, TODAY)
    assert 1 <= len(ev.advice) <= 5, texts(ev)
    assert ev.advice[0].rule == "use-before-expiry"
    assert "2026-12-20 (24 days left)" in ev.advice[0].text


def test_a_promotional_credit_names_its_categories_before_the_general_warnings() -> None:
    ev = evaluate(TYPICAL["promotional credit"], TODAY)
    rules = [item.rule for item in ev.advice]
    assert rules.index("promotional-eligible-items-only") == 1
    general = [i for i, text in enumerate(texts(ev)) if text.startswith(ONE_LINE_TIERS)]
    assert general and min(general) > 1


def test_the_general_warnings_share_one_line_each() -> None:
    ev = evaluate(credit("other"), TODAY)
    (safety,) = [item for item in ev.advice if item.text.startswith(LEAD_INS[AdviceTier.CAUTION])]
    # Cash-out and transfer warnings come once, together.
    assert {"cash-out-services-risky", "transfer-risks-account"} <= set(safety.rules)
    assert sum("offers of cash" in text for text in texts(ev)) == 1
    assert sum("customer service" in text for text in texts(ev)) == 1


@given(
    st.sampled_from(list(Source)),
    st.one_of(st.none(), st.dates(min_value=TODAY)),
    st.integers(min_value=0, max_value=10**7),
    st.tuples(st.booleans(), st.booleans()),
    st.lists(st.sampled_from(list(CHECKOUT_USES)), max_size=2),
)
def test_each_kind_of_general_warning_takes_at_most_one_line(
    source: Source, expires_on: date | None, minor: int, recorded: tuple[bool, bool], seen: list[Use]
) -> None:
    terms, reference = recorded
    subject = credit(
        source.value,
        expires_on=expires_on,
        amount_minor=minor,
        terms="Offer terms." if terms else None,
        reference="Order 1" if reference else None,
    )
    ev = evaluate(subject, TODAY, checks=[offered(use) for use in seen])
    for lead_in in ONE_LINE_TIERS:
        assert sum(text.startswith(lead_in) for text in texts(ev)) <= 1
    rules = ev.advice_rules
    assert len(rules) == len(set(rules))


@pytest.mark.parametrize("source", list(Source))
def test_a_used_up_credit_gets_no_advice_about_a_balance_it_no_longer_has(source: Source) -> None:
    ev = evaluate(credit(source.value, expires_on=SOON), TODAY, balance=Decimal("0.00"))
    assert ev.advice == []
    assert not any("balance" in text for text in texts(ev))
    expired = evaluate(credit(source.value, expires_on=date(2026, 11, 1)), TODAY, balance=Decimal(0))
    assert expired.advice == [] and expired.forfeited == 0


def test_an_expired_credit_gets_advice_a_user_can_act_on() -> None:
    ev = evaluate(credit("gift_card", expires_on=date(2026, 11, 1)), TODAY, balance=Decimal("4.50"))
    assert [item.rule for item in ev.advice] == ["expired-forfeited"]
    assert "$4.50" in ev.advice[0].text and "Amazon account" in ev.advice[0].text
    assert "forfeited" not in ev.advice[0].text


@pytest.mark.parametrize(
    ("merchant", "source"), [("Target", "gift_card"), ("Amazon", "other"), ("Corner Shop", "refund")]
)
def test_the_default_asks_for_terms_only_while_none_are_recorded(merchant: str, source: str) -> None:
    without = evaluate(credit(source, merchant=merchant), TODAY)
    assert any(answer.rule == "unclear-terms-cautious" for answer in without.verdicts)
    assert "unclear-terms-cautious" in without.advice_rules
    with_terms = evaluate(credit(source, merchant=merchant, terms="Valid in stores and online."), TODAY)
    assert "unclear-terms-cautious" not in with_terms.advice_rules
    assert not any("own terms" in text for text in texts(with_terms))


@pytest.mark.parametrize("source", list(Source))
@pytest.mark.parametrize("use", sorted(CHECKOUT_USES))
def test_an_offered_observation_never_leaves_a_contradictory_pair(source: Source, use: Use) -> None:
    ev = evaluate(credit(source.value, expires_on=SOON), TODAY, checks=[offered(use)])
    lines = texts(ev)
    # Nothing invites relying on the checkout, whatever else the advice says.
    assert not any("relying on" in text or "rely on what the checkout" in text for text in lines)
    if ev.verdict_for(use).verdict is Verdict.NO:
        # A `no` stays `no`: no line may suggest the use is fine once the terms are confirmed.
        assert not any("allow it" in text for text in lines)
    said = [item for item in ev.advice if "checkout-offered-may-be-temporary" in item.rules]
    if said:
        assert "go by the terms" in said[0].text


def test_the_reported_contradiction_is_gone() -> None:
    ev = evaluate(credit("other"), TODAY, checks=[offered(Use.AMAZON_GIFT_CARDS)])
    assert ev.verdict_for(Use.AMAZON_GIFT_CARDS).verdict is Verdict.NO
    lines = " ".join(texts(ev))
    assert "count on no gift cards" not in lines
    assert "Confirm the terms allow it" not in lines
    assert "assumes no gift cards" in lines and "passing allowance" in lines


@pytest.mark.parametrize(
    ("currency", "large", "small"),
    [("GBP", 15000, 2000), ("JPY", 20000, 3000), ("EUR", 12000, 2000), ("INR", 900000, 50000)],
)
def test_large_balance_advice_works_in_common_currencies(currency: str, large: int, small: int) -> None:
    big = evaluate(credit("refund", currency=currency, amount_minor=large), TODAY)
    assert "large-balance-future-needs" in big.advice_rules
    assert "household staples" in " ".join(texts(big))
    below = evaluate(credit("refund", currency=currency, amount_minor=small), TODAY)
    assert "large-balance-future-needs" not in below.advice_rules


def test_the_shipped_set_has_a_large_balance_threshold_for_every_common_currency() -> None:
    thresholds = builtin_rulebook().fallback.large_balance
    for code in ("USD", "EUR", "GBP", "CAD", "AUD", "JPY", "INR", "MXN", "BRL", "SEK", "CHF"):
        assert code in thresholds, code


def test_advice_json_lists_every_rule_on_a_joined_line() -> None:
    rows = advice_json(evaluate(credit("refund"), TODAY))
    joined = next(row for row in rows if str(row["text"]).startswith(LEAD_INS[AdviceTier.CAUTION]))
    assert joined["rules"] == ["cash-out-services-risky", "transfer-risks-account", "game-the-system-gift-cards"]
    assert joined["rule"] == "cash-out-services-risky"


def test_an_unknown_tier_is_reported(tmp_path: Path) -> None:
    (tmp_path / "acme.toml").write_text(
        'merchant = "ACME"\nregion = "US"\n[[rules]]\nid = "x"\nuses = []\nreason = "R."\nadvice = "a"\n'
        'tier = "loud"\n',
        encoding="utf-8",
    )
    _, problems = load_rulebook(builtin_rules_dir(), tmp_path)
    assert [str(problem) for problem in problems] == [
        "acme.toml: rule 'x': unknown tier 'loud' (expected one of expiry, specific, record, caution, unsure)"
    ]
