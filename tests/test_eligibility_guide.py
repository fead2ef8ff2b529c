"""Every decision rule, FAQ answer and common mistake of the credit-usage guide, tied to what the app says.

Each case quotes the guide (the pytest id) and states the verdict, the deciding rule
and the advice the app must give for a credit that fits the quote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from ledger.rules.eligibility import Evaluation, evaluate
from ledger.rules.rulebook import builtin_rulebook
from ledger.storage.models import Credit
from ledger.vocab import Use, Verdict

TODAY = date(2026, 3, 1)
# A copy of shared/seed/credit-usage-guide.txt, so the citations are checked wherever the tests run.
GUIDE = Path(__file__).resolve().parent / "data" / "credit-usage-guide.txt"


@dataclass(frozen=True)
class Case:
    """A guide passage and what the app must answer for a credit that fits it."""

    quote: str
    credit: dict[str, Any]
    use: Use | None = None
    verdict: Verdict | None = None
    rules: tuple[str, ...] = ()
    advice: str | None = None
    checks: tuple[tuple[Use, str], ...] = ()
    balance: Decimal | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def credit(source: str, **fields: Any) -> Credit:
    """A credit received before TODAY, ten dollars unless told otherwise."""
    values: dict[str, Any] = {"currency": "USD", "amount_minor": 1000, "received_on": date(2026, 1, 5)}
    values.update(fields)
    return Credit(source=source, **values)


SOON = date(2026, 3, 20)
PAST = date(2026, 2, 1)

DECISION_RULES = [
    Case(
        "If your Amazon credit is from a general refund or gift card redemption, then it can likely be used for "
        "most Amazon purchases",
        {"source": "refund"},
        Use.GENERAL_PURCHASES,
        Verdict.LIKELY,
        ("balance-general-purchases-likely",),
    ),
    Case(
        "If your Amazon credit is from a general refund or gift card redemption, then it can likely be used for "
        "most Amazon purchases",
        {"source": "gift_card"},
        Use.GENERAL_PURCHASES,
        Verdict.LIKELY,
        ("balance-general-purchases-likely",),
    ),
    Case(
        "but check specific terms to confirm it can be used for buying other gift cards",
        {"source": "gift_card"},
        Use.AMAZON_GIFT_CARDS,
        Verdict.CHECK_TERMS,
        ("balance-gift-cards-check-terms",),
    ),
    Case(
        "If your Amazon credit is promotional (e.g., “get $10 credit for buying X”), then it is almost certainly "
        "restricted to specific product categories and cannot be used for gift cards.",
        {"source": "promotional"},
        Use.THIRD_PARTY_GIFT_CARDS,
        Verdict.NO,
        ("promotional-no-gift-cards",),
    ),
    Case(
        "then it is almost certainly restricted to specific product categories",
        {"source": "promotional"},
        Use.GENERAL_PURCHASES,
        Verdict.CHECK_TERMS,
        ("promotional-restricted-categories",),
    ),
    Case(
        "If the Amazon checkout screen does not present your credit balance as an option for gift card purchase, "
        "then you cannot use that credit for gift cards.",
        {"source": "refund"},
        Use.AMAZON_GIFT_CARDS,
        Verdict.NO,
        ("checkout-not-offered",),
        checks=((Use.AMAZON_GIFT_CARDS, "not_offered"),),
    ),
    Case(
        "If you are trying to buy an Amazon gift card with Amazon credit, and the option to apply your credit is "
        "grayed out, then that specific credit cannot be used for this purpose.",
        {"source": "gift_card"},
        Use.AMAZON_GIFT_CARDS,
        Verdict.NO,
        ("checkout-grayed-out",),
        checks=((Use.AMAZON_GIFT_CARDS, "grayed_out"),),
    ),
    Case(
        "If you want to convert Amazon credit to cash, then you generally cannot do this directly",
        {"source": "refund"},
        Use.CASH_OUT,
        Verdict.NO,
        ("no-cash-out",),
    ),
    Case(
        "If your Amazon credit has an expiration date, then you must use it before that date or it will be forfeited.",
        {"source": "gift_card", "expires_on": SOON},
        advice="use-before-expiry",
    ),
    Case(
        "If you received credit for returning an item, then it usually functions like a gift card balance and can "
        "be used for most Amazon purchases",
        {"source": "return_credit"},
        Use.GENERAL_PURCHASES,
        Verdict.LIKELY,
        ("return-credit-general-purchases-likely",),
    ),
    Case(
        "but verify its specific terms",
        {"source": "return_credit"},
        Use.AMAZON_GIFT_CARDS,
        Verdict.CHECK_TERMS,
        ("return-credit-verify-terms",),
    ),
    Case(
        "If you are unsure about the terms of your Amazon credit, then check the “Gift Cards & Amazon Pay” section "
        "of your account or contact Amazon customer service.",
        {"source": "other"},
        Use.GENERAL_PURCHASES,
        Verdict.CHECK_TERMS,
        ("unclear-terms-cautious",),
        advice="unsure-check-account",
    ),
    Case(
        "If you are trying to buy a third-party gift card sold on Amazon using your Amazon credit, then this is also "
        "usually restricted",
        {"source": "refund"},
        Use.THIRD_PARTY_GIFT_CARDS,
        Verdict.UNLIKELY,
        ("third-party-gift-cards-restricted",),
    ),
    Case(
        "If you have a large balance of Amazon credit that you cannot use, then consider purchasing items you will "
        "need in the future",
        {"source": "refund", "amount_minor": 25000},
        advice="large-balance-future-needs",
    ),
    Case(
        "If Amazon’s terms of service are unclear regarding a specific credit type, then err on the side of caution "
        "and assume it cannot be used for gift cards.",
        {"source": "other"},
        Use.AMAZON_GIFT_CARDS,
        Verdict.NO,
        ("unclear-terms-cautious",),
    ),
]

FAQ = [
    Case(
        "Can I buy Amazon gift cards with promotional Amazon credit?",
        {"source": "promotional"},
        Use.AMAZON_GIFT_CARDS,
        Verdict.NO,
        ("faq-promotional-gift-cards",),
    ),
    Case(
        "What if I have a refund balance on my Amazon account?",
        {"source": "refund"},
        Use.AMAZON_GIFT_CARDS,
        Verdict.CHECK_TERMS,
        ("faq-refund-balance",),
    ),
    Case(
        "Can I transfer my Amazon credit to another person?",
        {"source": "gift_card"},
        Use.TRANSFER,
        Verdict.NO,
        ("no-transfer",),
    ),
    Case(
        "What happens if I try to use restricted credit for a gift card?",
        {"source": "promotional"},
        Use.AMAZON_GIFT_CARDS,
        Verdict.NO,
        ("faq-promotional-gift-cards",),
        advice="restricted-credit-gift-card-consequences",
    ),
    Case(
        "How do I find out if my Amazon credit expires?",
        {"source": "promotional"},
        advice="promotional-record-expiry",
    ),
    Case(
        "Is there any way to “cash out” my Amazon credit?",
        {"source": "rewards"},
        Use.CASH_OUT,
        Verdict.NO,
        ("no-cash-out",),
        advice="cash-out-services-risky",
    ),
    Case(
        "What if Amazon’s website allows me to buy a gift card with credit?",
        {"source": "refund"},
        Use.AMAZON_GIFT_CARDS,
        Verdict.CHECK_TERMS,
        ("checkout-offered-may-be-temporary",),
        checks=((Use.AMAZON_GIFT_CARDS, "offered"),),
    ),
    Case(
        "What if Amazon’s website allows me to buy a gift card with credit?",
        {"source": "promotional"},
        Use.AMAZON_GIFT_CARDS,
        Verdict.NO,
        ("faq-promotional-gift-cards",),
        advice="checkout-offered-may-be-temporary",
        checks=((Use.AMAZON_GIFT_CARDS, "offered"),),
    ),
]

MISTAKES = [
    Case("Assuming all Amazon credit is interchangeable", {"source": "refund"}, advice="not-interchangeable"),
    Case(
        "Trying to cash out promotional credit",
        {"source": "promotional"},
        Use.CASH_OUT,
        Verdict.NO,
        ("promotional-cash-out-violates-terms",),
    ),
    Case(
        "Ignoring expiration dates on credit",
        {"source": "gift_card", "expires_on": PAST},
        Use.GENERAL_PURCHASES,
        Verdict.NO,
        ("expired-forfeited",),
    ),
    Case("Attempting to “game the system” for gift cards", {"source": "refund"}, advice="game-the-system-gift-cards"),
    Case("Not reading the fine print on offers", {"source": "promotional"}, advice="promotional-read-fine-print"),
    Case(
        "Using credit for ineligible items",
        {"source": "promotional", "categories": ["Books", "Kindle"]},
        Use.GENERAL_PURCHASES,
        Verdict.CHECK_TERMS,
        ("promotional-eligible-items-only",),
        advice="promotional-eligible-items-only",
    ),
    Case("Overlooking the source of the credit", {"source": "gift_card"}, advice="note-the-source"),
    Case("Believing unofficial advice about credit usage", {"source": "rewards"}, advice="official-sources-only"),
    Case("Not checking credit balance regularly", {"source": "refund"}, advice="check-balance-regularly"),
    Case(
        "Trying to transfer credit to another person",
        {"source": "refund"},
        Use.TRANSFER,
        Verdict.NO,
        ("no-transfer",),
        advice="transfer-risks-account",
    ),
]

ALL_CASES = DECISION_RULES + FAQ + MISTAKES


def run(case: Case) -> Evaluation:
    """Evaluate the case's credit with its checkout observations."""
    when = datetime(2026, 2, 20, 12, 0, tzinfo=UTC)
    checks = [SimpleNamespace(use=use.value, outcome=outcome, observed_at=when) for use, outcome in case.checks]
    return evaluate(credit(**case.credit), TODAY, checks=checks, balance=case.balance)


@pytest.mark.parametrize("case", ALL_CASES, ids=[case.quote for case in ALL_CASES])
def test_the_app_answers_as_the_guide_says(case: Case) -> None:
    ev = run(case)
    if case.use is not None:
        answer = ev.verdict_for(case.use)
        assert answer.verdict is case.verdict, answer
        assert answer.rule in case.rules, answer
        assert answer.reason
    if case.advice is not None:
        assert case.advice in ev.advice_rules  # a clause sharing a joined line counts


@pytest.mark.parametrize("case", ALL_CASES, ids=[case.quote for case in ALL_CASES])
def test_the_rule_that_answers_quotes_the_guide(case: Case) -> None:
    rules = {rule.id: rule for rule in builtin_rulebook().fallback.rules}
    default = builtin_rulebook().fallback.default
    assert default is not None
    guides = {default.id: default.guide} | {rule_id: rule.guide for rule_id, rule in rules.items()}
    cited = [guides[rule_id] for rule_id in (*case.rules, case.advice) if rule_id]
    assert any(normal(guide) in normal(case.quote) or normal(case.quote) in normal(guide) for guide in cited), cited


def test_every_quote_and_rule_citation_is_in_the_guide() -> None:
    guide = normal(GUIDE.read_text(encoding="utf-8"))
    for case in ALL_CASES:
        assert normal(case.quote) in guide, case.quote
    rule_set = builtin_rulebook().fallback
    assert rule_set.default is not None
    for cited in [rule_set.default.guide, *(rule.guide for rule in rule_set.rules)]:
        assert cited and normal(cited) in guide, cited


def test_every_guide_section_is_covered_in_full() -> None:
    # The guide has 11 decision rules, 7 FAQ questions and 10 common-mistake rows.
    decision_quotes = {case.quote.split(", then")[0] for case in DECISION_RULES if case.quote.startswith("If")}
    assert len(decision_quotes) == 11
    assert len({case.quote for case in FAQ}) == 7
    assert len({case.quote for case in MISTAKES}) == 10


def normal(text: str) -> str:
    """Text compared without regard to spacing or case."""
    return re.sub(r"\s+", " ", text).strip().casefold()
