"""Advice faithful to each credit, not only to its source (issue 13).

Each test quotes the passage of the credit-usage guide it holds the app to: the credit's
categories, what is left on it, what its own terms say, the checkout test of step 4, the
guide's hedges, reasons that say their verdict, and expiry advice that grows with urgency.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest

from ledger.rules.eligibility import Evaluation, evaluate
from ledger.rules.rulebook import builtin_rulebook
from ledger.rules.terms_reading import read_terms
from ledger.storage.models import Credit
from ledger.vocab import CHECKOUT_USES, Outcome, Source, TermsSay, Use, Verdict
from tests.test_eligibility_guide import GUIDE, normal

TODAY = date(2026, 3, 1)
GIFT_CARD_USES = (Use.AMAZON_GIFT_CARDS, Use.THIRD_PARTY_GIFT_CARDS)
# Sources whose own rules would let gift cards through to "check the terms" or "unlikely".
BALANCE_SOURCES = (Source.GIFT_CARD, Source.REFUND, Source.RETURN_CREDIT)


def credit(source: Source | str, **fields: Any) -> Credit:
    """A ten-dollar Amazon US credit received this year, as the user recorded it."""
    values: dict[str, Any] = {"currency": "USD", "amount_minor": 1000, "received_on": date(2026, 1, 5)}
    values.update(fields)
    return Credit(source=str(source), **values)


def seen(use: Use, outcome: Outcome) -> SimpleNamespace:
    """What the user saw at checkout for a use, a week ago."""
    return SimpleNamespace(use=use.value, outcome=outcome.value, observed_at=datetime(2026, 2, 22, tzinfo=UTC))


def advice_text(ev: Evaluation) -> str:
    return " ".join(item.text for item in ev.advice)


def assert_quotes_the_guide(quote: str) -> None:
    assert normal(quote) in normal(GUIDE.read_text(encoding="utf-8")), quote


# --- Categories narrow every source ------------------------------------------------------

STICK_TO_CATEGORIES = (
    "Avoid this by sticking to categories or products that are known to be covered by your credit."
)


@pytest.mark.parametrize("source", list(Source))
def test_a_credit_limited_to_categories_is_checked_item_by_item_whatever_its_source(source: Source) -> None:
    assert_quotes_the_guide(STICK_TO_CATEGORIES)
    ev = evaluate(credit(source, categories=["Books", "Kindle"]), TODAY)
    general = ev.verdict_for(Use.GENERAL_PURCHASES)
    assert general.verdict is Verdict.CHECK_TERMS, general
    assert "Books, Kindle" in general.reason
    assert "ordinary money" not in general.reason and "almost anything" not in general.reason
    assert "Books, Kindle" in advice_text(ev)


@pytest.mark.parametrize("source", list(Source))
def test_gift_cards_fall_outside_a_credit_limited_to_other_categories(source: Source) -> None:
    # "Verify that the item you intend to purchase is eligible for payment with your specific type of Amazon credit."
    ev = evaluate(credit(source, categories=["Books", "Kindle"]), TODAY)
    for use in GIFT_CARD_USES:
        answer = ev.verdict_for(use)
        assert answer.verdict is Verdict.NO, answer
        if source in BALANCE_SOURCES:
            # Its source alone would only have said "check the terms" or "unlikely": the categories decide.
            assert "Books, Kindle" in answer.reason and "gift cards" in answer.reason


def test_a_credit_whose_categories_include_gift_cards_is_not_refused_them() -> None:
    ev = evaluate(credit(Source.REFUND, categories=["Gift Cards", "Books"]), TODAY)
    assert ev.verdict_for(Use.AMAZON_GIFT_CARDS).verdict is Verdict.CHECK_TERMS
    assert ev.verdict_for(Use.GENERAL_PURCHASES).verdict is Verdict.CHECK_TERMS


def test_a_promotional_credit_limited_to_toys_keeps_its_own_answers() -> None:
    # The one case the check found right: the guide's rule for promotional credit already names its categories.
    ev = evaluate(credit(Source.PROMOTIONAL, categories=["Toys & Games"]), TODAY)
    assert ev.verdict_for(Use.GENERAL_PURCHASES).rule == "promotional-eligible-items-only"
    assert ev.verdict_for(Use.AMAZON_GIFT_CARDS).rule == "faq-promotional-gift-cards"


# --- A spent credit, and what expiry takes ------------------------------------------------


@pytest.mark.parametrize("source", list(Source))
def test_a_credit_spent_to_zero_has_nothing_left_for_any_use(source: Source) -> None:
    # Step 1, "Identify your Amazon credit balance": with nothing left, nothing can be bought with it.
    ev = evaluate(credit(source, categories=["Books"]), TODAY, balance=Decimal("0.00"))
    for answer in ev.verdicts:
        assert answer.verdict is Verdict.NO, answer
        assert "nothing is left" in answer.reason
        assert "ordinary money" not in answer.reason


def test_a_spent_credit_says_so_even_after_a_checkout_offered_it() -> None:
    checks = [seen(Use.AMAZON_GIFT_CARDS, Outcome.OFFERED)]
    ev = evaluate(credit(Source.REFUND), TODAY, balance=Decimal(0), checks=checks)
    assert ev.verdict_for(Use.AMAZON_GIFT_CARDS).rule == "spent-in-full"


def test_a_credit_spent_to_zero_before_it_expired_lost_nothing() -> None:
    # "If your Amazon credit has an expiration date, then you must use it before that date or it will be forfeited."
    ev = evaluate(credit(Source.GIFT_CARD, expires_on=date(2026, 2, 1)), TODAY, balance=Decimal(0))
    for answer in ev.verdicts:
        assert answer.verdict is Verdict.NO
        assert "nothing was lost" in answer.reason
        assert "what was left" not in answer.reason
    assert ev.forfeited == 0 and ev.advice == []


def test_an_expired_credit_names_the_amount_it_forfeited() -> None:
    ev = evaluate(credit(Source.GIFT_CARD, expires_on=date(2026, 2, 1)), TODAY, balance=Decimal("4.50"))
    assert ev.forfeited == Decimal("4.50")
    for answer in ev.verdicts:
        assert answer.verdict is Verdict.NO and "$4.50" in answer.reason and "forfeited" in answer.reason


# --- What the credit's own terms say -------------------------------------------------------

ULTIMATE_AUTHORITY = "Amazon’s terms of service are the ultimate authority"
DEFINITIVE_SOURCE = "These documents are the definitive source for what is and isn’t permitted."


def test_terms_that_forbid_gift_cards_decide_above_the_rule_for_a_refund() -> None:
    assert_quotes_the_guide(DEFINITIVE_SOURCE)
    recorded = credit(
        Source.REFUND,
        terms="Refund balance. Not valid for the purchase of gift cards.",
        terms_by_use={"amazon_gift_cards": "forbid"},
    )
    answer = evaluate(recorded, TODAY).verdict_for(Use.AMAZON_GIFT_CARDS)
    assert (answer.verdict, answer.rule) == (Verdict.NO, "terms-forbid")
    # The reason quotes the terms it rests on.
    assert "“Not valid for the purchase of gift cards.”" in answer.reason


def test_terms_that_allow_a_use_overrule_the_cautious_default() -> None:
    assert_quotes_the_guide(ULTIMATE_AUTHORITY)
    recorded = credit(Source.OTHER, terms_by_use={"amazon_gift_cards": "allow"})
    answer = evaluate(recorded, TODAY).verdict_for(Use.AMAZON_GIFT_CARDS)
    assert (answer.verdict, answer.rule) == (Verdict.YES, "terms-allow")
    assert "as you recorded them" in answer.reason  # no sentence of the (absent) text to quote


def test_a_checkout_observation_still_beats_what_the_terms_say() -> None:
    # "If the Amazon checkout screen does not present your credit balance as an option ..., then you cannot use
    # that credit for gift cards."
    recorded = credit(Source.REFUND, terms_by_use={"amazon_gift_cards": "allow"})
    ev = evaluate(recorded, TODAY, checks=[seen(Use.AMAZON_GIFT_CARDS, Outcome.GRAYED_OUT)])
    assert ev.verdict_for(Use.AMAZON_GIFT_CARDS).rule == "checkout-grayed-out"
    # "Offered" at checkout may be a passing allowance: it never turns the terms' "no" into a yes.
    forbidden = credit(Source.REFUND, terms_by_use={"amazon_gift_cards": "forbid"})
    offered = evaluate(forbidden, TODAY, checks=[seen(Use.AMAZON_GIFT_CARDS, Outcome.OFFERED)])
    assert offered.verdict_for(Use.AMAZON_GIFT_CARDS).verdict is Verdict.NO


def test_an_expired_credit_is_forfeited_whatever_its_terms_allow() -> None:
    recorded = credit(Source.GIFT_CARD, expires_on=date(2026, 2, 1), terms_by_use={"general_purchases": "allow"})
    assert {answer.rule for answer in evaluate(recorded, TODAY).verdicts} == {"expired-forfeited"}


def test_terms_that_say_nothing_about_a_use_leave_it_to_the_rules() -> None:
    silent = credit(Source.REFUND, terms_by_use={"amazon_gift_cards": TermsSay.SILENT.value})
    assert evaluate(silent, TODAY).verdicts == evaluate(credit(Source.REFUND), TODAY).verdicts


def test_the_text_of_the_terms_only_suggests_it_never_decides() -> None:
    text = "Valid on books sold by Amazon. Not valid for gift cards. This credit is non-transferable."
    unrecorded = evaluate(credit(Source.REFUND, terms=text), TODAY)
    assert unrecorded.verdict_for(Use.AMAZON_GIFT_CARDS).rule == "faq-refund-balance"
    hints = read_terms(text)
    assert {use: hint.says for use, hint in hints.items()} == {
        Use.AMAZON_GIFT_CARDS: TermsSay.FORBID,
        Use.THIRD_PARTY_GIFT_CARDS: TermsSay.FORBID,
        Use.TRANSFER: TermsSay.FORBID,
    }
    assert hints[Use.AMAZON_GIFT_CARDS].quote == "Not valid for gift cards."


@pytest.mark.parametrize(
    "text",
    [
        "Not valid for the purchase of gift cards.",
        "This promotional credit cannot be used to buy Gift Cards.",
        "Excludes gift cards and subscriptions.",
        "Gift cards are excluded.",
    ],
)
def test_obvious_phrases_suggest_the_terms_forbid_gift_cards(text: str) -> None:
    hint = read_terms(text)[Use.AMAZON_GIFT_CARDS]
    assert hint.says is TermsSay.FORBID and hint.quote == text


@pytest.mark.parametrize(
    "text", ["Valid for gift cards. Not valid for gift cards.", "Applies to Grocery items only.", "", "gift card"]
)
def test_unclear_or_silent_terms_suggest_nothing_about_gift_cards(text: str) -> None:
    assert Use.AMAZON_GIFT_CARDS not in read_terms(text)


def test_what_the_terms_allow_is_not_softened_in_another_region() -> None:
    # "Policies may differ for other Amazon regional sites" is about these rules, not the credit's own terms.
    recorded = credit(Source.REFUND, region="GB", currency="GBP", terms_by_use={"general_purchases": "allow"})
    assert evaluate(recorded, TODAY).verdict_for(Use.GENERAL_PURCHASES).verdict is Verdict.YES


# --- Step 4: test it at checkout -----------------------------------------------------------

STEP_4 = "Avoid this by proceeding to the checkout stage to test the payment option."


def test_a_use_left_to_the_terms_and_untried_is_to_be_tested_at_checkout() -> None:
    assert_quotes_the_guide(STEP_4)
    ev = evaluate(credit(Source.REFUND), TODAY)
    assert ev.verdict_for(Use.AMAZON_GIFT_CARDS).verdict is Verdict.CHECK_TERMS
    assert "untested-try-at-checkout" in ev.advice_rules
    line = next(item.text for item in ev.advice if "untested-try-at-checkout" in item.rules)
    assert "an Amazon gift card" in line and "“I tried at checkout”" in line


def test_once_tried_at_checkout_the_use_is_no_longer_to_be_tested() -> None:
    ev = evaluate(credit(Source.REFUND), TODAY, checks=[seen(Use.AMAZON_GIFT_CARDS, Outcome.NOT_OFFERED)])
    assert "untested-try-at-checkout" not in ev.advice_rules


def test_nothing_is_to_be_tested_at_checkout_when_no_purchase_is_left_to_the_terms() -> None:
    answered = credit(
        Source.REFUND, terms_by_use={"amazon_gift_cards": "allow", "third_party_gift_cards": "forbid"}
    )
    ev = evaluate(answered, TODAY)
    assert not any(ev.verdict_for(use).verdict is Verdict.CHECK_TERMS for use in CHECKOUT_USES)
    assert "untested-try-at-checkout" not in ev.advice_rules


# --- Hedges ---------------------------------------------------------------------------------


def test_rewards_and_unknown_credit_are_assumed_not_to_buy_gift_cards_not_declared_unable() -> None:
    assert_quotes_the_guide("err on the side of caution and assume it cannot be used for gift cards")
    rewards = evaluate(credit(Source.REWARDS), TODAY).verdict_for(Use.AMAZON_GIFT_CARDS)
    unknown = evaluate(credit(Source.OTHER), TODAY).verdict_for(Use.AMAZON_GIFT_CARDS)
    for answer in (rewards, unknown):
        assert answer.verdict is Verdict.NO
        assert "assume no" in answer.reason.lower()
        assert "cannot be turned into gift cards" not in answer.reason
    assert "caution" in unknown.reason


def test_not_offered_at_checkout_means_no_for_now_with_the_terms_as_the_final_word() -> None:
    answer = evaluate(
        credit(Source.REFUND), TODAY, checks=[seen(Use.AMAZON_GIFT_CARDS, Outcome.NOT_OFFERED)]
    ).verdict_for(Use.AMAZON_GIFT_CARDS)
    assert answer.verdict is Verdict.NO
    assert "for now" in answer.reason and "terms" in answer.reason
    assert "last word" not in answer.reason


# --- Reasons say their verdict in words -----------------------------------------------------

# How a reason says each verdict; the verdict's code itself (check_terms) is no word.
VERDICT_WORDS = {
    Verdict.YES: ("yes",),
    Verdict.LIKELY: ("most likely", "likely"),
    Verdict.CHECK_TERMS: ("check",),
    Verdict.UNLIKELY: ("unlikely",),
    Verdict.NO: ("no", "assume no", "generally no"),
}


def says_verdict(reason: str, verdict: Verdict) -> bool:
    opening = reason.split(":", maxsplit=1)[0].strip().lower()
    return any(opening.startswith(word) for word in VERDICT_WORDS[verdict]) or (
        verdict is Verdict.LIKELY and "most likely" in reason
    )


def test_every_shipped_reason_says_its_verdict_in_words() -> None:
    rule_set = builtin_rulebook().fallback
    for rule in rule_set.rules:
        if rule.verdict is not None:
            assert says_verdict(rule.reason, rule.verdict), (rule.id, rule.reason)
    default = rule_set.default
    assert default is not None
    for verdict in set(default.verdicts.values()):
        assert says_verdict(default.reason_for(verdict), verdict), verdict


def test_the_cautious_default_gives_a_different_reason_for_check_terms_and_for_no() -> None:
    ev = evaluate(credit(Source.OTHER), TODAY)
    general, gift_cards = ev.verdict_for(Use.GENERAL_PURCHASES), ev.verdict_for(Use.AMAZON_GIFT_CARDS)
    assert (general.verdict, gift_cards.verdict) == (Verdict.CHECK_TERMS, Verdict.NO)
    assert general.rule == gift_cards.rule == "unclear-terms-cautious"
    assert general.reason != gift_cards.reason


def test_the_region_reason_says_the_home_answer_in_words_not_in_codes() -> None:
    answer = evaluate(credit(Source.REFUND, region="GB", currency="GBP"), TODAY).verdict_for(Use.GENERAL_PURCHASES)
    assert answer.verdict is Verdict.CHECK_TERMS
    assert not re.search(r"'(yes|likely|check_terms|unlikely|no)'", answer.reason), answer.reason
    assert "likely be allowed" in answer.reason


# --- Expiry advice grows with urgency --------------------------------------------------------

FORFEITED = (
    "If your Amazon credit has an expiration date, then you must use it before that date or it will be forfeited."
)


@pytest.mark.parametrize(
    ("days", "rule", "words"),
    [
        (30, "use-before-expiry", "by 2026-03-31 (30 days left)"),
        (7, "expiry-this-week", "Only 7 days left"),
        (1, "expiry-this-week", "Only 1 day left"),
        (0, "expiry-last-day", "Today is the last day"),
    ],
)
def test_expiry_advice_grows_more_urgent_and_says_what_is_lost(days: int, rule: str, words: str) -> None:
    assert_quotes_the_guide(FORFEITED)
    ev = evaluate(credit(Source.GIFT_CARD, expires_on=TODAY + timedelta(days=days)), TODAY)
    first = ev.advice[0]
    assert first.rule == rule
    assert words in first.text and "forfeited" in first.text
