"""Rule files: the shipped set is sound, broken user files are reported precisely, good ones work without code."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from ledger.rules.eligibility import evaluate
from ledger.rules.rulebook import LAST_RESORT, builtin_rules_dir, load_rulebook
from ledger.vocab import Use, Verdict
from tests.rules_helpers import ACME, TODAY, credit, load_with

GOOD_RULE = """
[[rules]]
id = "x"
sources = "all"
uses = ["general_purchases"]
verdict = "yes"
reason = "Because."
"""


def test_the_shipped_rule_set_loads_without_problems() -> None:
    book, problems = load_rulebook(builtin_rules_dir())
    assert problems == []
    (amazon,) = book.rule_sets
    assert (amazon.merchant, amazon.region, amazon.version) == ("Amazon", "US", 1)
    assert amazon.default is not None
    assert amazon.default.verdicts[Use.AMAZON_GIFT_CARDS] is Verdict.NO


def test_every_shipped_rule_has_a_stable_id_a_one_sentence_reason_and_a_guide_citation() -> None:
    rules = load_rulebook(builtin_rules_dir())[0].fallback.rules
    ids = [rule.id for rule in rules]
    assert len(ids) == len(set(ids))
    for rule in rules:
        assert rule.reason.endswith(".") and ". " not in rule.reason, rule.id
        assert rule.guide, rule.id
        # The guide's decision rules, FAQ, common mistakes, quick answer, scope, steps and "what to check first".
        assert rule.kind in {"decision", "faq", "mistake", "quick_answer", "scope", "step", "check_first"}, rule.id
    kinds = [rule.kind for rule in rules]
    # At least one rule per guide item: 11 decision rules (one is the default), 7 FAQ answers, 10 mistakes.
    assert kinds.count("decision") >= 10
    assert kinds.count("faq") >= 7
    assert kinds.count("mistake") >= 10


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            'merchant = "ACME"\nregion = "US"\n' + GOOD_RULE.replace('"yes"', '"maybe"'),
            "acme.toml: rule 'x': unknown verdict 'maybe' (expected one of yes, likely, check_terms, unlikely, no)",
        ),
        (
            'merchant = "ACME"\nregion = "US"\n' + GOOD_RULE.replace('["general_purchases"]', '["resell"]'),
            "acme.toml: rule 'x': unknown use 'resell' (expected one of general_purchases, amazon_gift_cards, "
            "third_party_gift_cards, transfer, cash_out)",
        ),
        (
            'merchant = "ACME"\nregion = "US"\n' + GOOD_RULE.replace('sources = "all"', 'sources = ["lottery"]'),
            "acme.toml: rule 'x': unknown source 'lottery' (expected one of gift_card, refund, return_credit, "
            "promotional, rewards, other)",
        ),
        (
            'merchant = "ACME"\nregion = "US"\n' + GOOD_RULE + GOOD_RULE,
            "acme.toml: rule 'x': duplicate rule id (rule #1 has it too)",
        ),
        (
            'merchant = "ACME"\nregion = "US"\n' + GOOD_RULE.replace('reason = "Because."', ""),
            "acme.toml: rule 'x': missing required field 'reason'",
        ),
        (
            'merchant = "ACME"\nregion = "US"\n' + GOOD_RULE.replace('verdict = "yes"', ""),
            "acme.toml: rule 'x': missing required field 'verdict' (the rule decides uses)",
        ),
        (
            'merchant = "ACME"\nregion = "US"\n' + GOOD_RULE.replace('id = "x"', ""),
            "acme.toml: rule #1: missing required field 'id'",
        ),
        ('region = "US"\n' + GOOD_RULE, "acme.toml: missing required field 'merchant'"),
        (
            'merchant = "ACME"\nregion = "US"\n' + GOOD_RULE.replace("reason =", 'advise = "Spend it."\nreason ='),
            "acme.toml: rule 'x': unknown field 'advise' (expected one of advice, any_merchant, checkout, guide, "
            "id, kind, narrows, reason, sources, terms, tier, uses, verdict, when)",
        ),
        (
            'merchant = "ACME"\nregion = "US"\n' + GOOD_RULE.replace('sources = "all"', 'when = ["sunny"]'),
            "acme.toml: rule 'x': unknown condition 'sunny' (expected one of expired, not_expired, has_expiry, "
            "no_expiry, has_categories, no_categories, has_terms, no_terms, has_reference, no_reference, "
            "has_balance, no_balance, large_balance, expires_later, expires_this_week, expires_today, "
            "gift_cards_outside_categories, other_region, needs_checking, untested_at_checkout)",
        ),
        (
            'merchant = "ACME"\nregion = "US"\n' + GOOD_RULE.replace('sources = "all"', 'checkout = "not_offered"'),
            "acme.toml: rule 'x': a 'not_offered' checkout must decide 'no': the checkout has the last word",
        ),
        (
            'merchant = "ACME"\nregion = "US"\n' + GOOD_RULE.replace('sources = "all"', 'checkout = "offered"'),
            "acme.toml: rule 'x': an 'offered' checkout may not promise 'yes' or 'likely': it may be temporary",
        ),
        (
            'merchant = "ACME"\nregion = "US"\n' + GOOD_RULE.replace('sources = "all"', 'when = ["expired"]'),
            "acme.toml: rule 'x': a rule for expired credits must decide 'no': the balance is forfeited",
        ),
        (
            'merchant = "ACME"\nregion = "US"\n' + GOOD_RULE.replace('sources = "all"', 'when = ["no_balance"]'),
            "acme.toml: rule 'x': a rule for a credit with nothing left must decide 'no': there is nothing to spend",
        ),
        (
            'merchant = "ACME"\nregion = "US"\n' + GOOD_RULE.replace('sources = "all"', 'terms = "forbid"'),
            "acme.toml: rule 'x': a rule for terms that forbid a use must decide 'no': the terms are the final word",
        ),
        (
            'merchant = "ACME"\nregion = "US"\n' + GOOD_RULE.replace('sources = "all"', 'terms = "silent"'),
            "acme.toml: rule 'x': 'terms' must be allow or forbid: where the terms are silent, the other rules decide",
        ),
        (
            'merchant = "ACME"\nregion = "US"\n'
            + GOOD_RULE.replace('sources = "all"', 'terms = "allow"\ncheckout = "offered"')
            .replace('"yes"', '"check_terms"'),
            "acme.toml: rule 'x': a rule is applied in one stage only, but this one is both checkout and terms",
        ),
        (
            'merchant = "ACME"\nregion = "US"\n' + GOOD_RULE.replace('sources = "all"', 'narrows = "yes"'),
            "acme.toml: rule 'x': 'narrows' must be true or false",
        ),
        (
            'merchant = "ACME"\nregion = "US"\n' + GOOD_RULE.replace("Because.", "Because {weather}."),
            "acme.toml: rule 'x': 'reason' has unknown placeholder {weather} (expected one of balance, categories, "
            "days_left, expires_on, merchant, region, rule_region, source, terms_quote, time_left, untested_uses)",
        ),
        (
            ACME.replace('cash_out = "no"\n', ""),
            "acme.toml: rule 'acme-cautious': [default.verdicts] has no verdict for 'cash_out'",
        ),
    ],
    ids=[
        "unknown verdict",
        "unknown use",
        "unknown source",
        "duplicate id",
        "missing reason",
        "missing verdict",
        "missing id",
        "missing merchant",
        "misspelt field",
        "unknown condition",
        "not offered promising yes",
        "offered promising yes",
        "expired promising yes",
        "spent in full promising yes",
        "terms forbidding but yes",
        "terms silent",
        "two stages",
        "narrows not true or false",
        "unknown placeholder",
        "default without every use",
    ],
)
def test_a_broken_rule_file_is_reported_precisely_and_skipped(tmp_path: Path, text: str, expected: str) -> None:
    book, problems = load_with(tmp_path, {"acme.toml": text})
    assert problems == [expected]
    assert [rule_set.merchant for rule_set in book.rule_sets] == ["Amazon"]
    # The shipped rules still answer.
    assert (
        evaluate(credit("promotional"), TODAY, rulebook=book).verdict_for(Use.AMAZON_GIFT_CARDS).verdict is Verdict.NO
    )


def test_a_file_that_is_not_toml_names_the_line(tmp_path: Path) -> None:
    _, problems = load_with(tmp_path, {"acme.toml": 'merchant = "ACME\nregion = "US"\n'})
    assert len(problems) == 1
    assert problems[0].startswith("acme.toml: not valid TOML: ")
    assert "line 1" in problems[0]


def test_a_file_that_is_not_text_is_reported(tmp_path: Path) -> None:
    _, problems = load_with(tmp_path, {"acme.toml": b"\xff\xfe\x00garbage"})
    assert len(problems) == 1 and problems[0].startswith("acme.toml: cannot be read: ")


def test_every_problem_in_a_file_is_reported_at_once(tmp_path: Path) -> None:
    text = 'merchant = "ACME"\nregion = "US"\n' + GOOD_RULE.replace('"yes"', '"maybe"').replace("all", "lots")
    _, problems = load_with(tmp_path, {"acme.toml": text})
    assert len(problems) == 2
    assert any("unknown verdict 'maybe'" in problem for problem in problems)
    assert any("'sources' must be \"all\" or a list of words, not 'lots'" in problem for problem in problems)


def test_a_user_rule_set_for_a_second_merchant_works_without_code(tmp_path: Path) -> None:
    book, problems = load_with(tmp_path, {"acme.toml": ACME})
    assert problems == []
    ev = evaluate(credit("return_credit", merchant="acme"), TODAY, rulebook=book)
    assert ev.rule_set == "ACME US v2"
    general = ev.verdict_for(Use.GENERAL_PURCHASES)
    assert (general.verdict, general.rule) == (Verdict.YES, "acme-store-credit-spends-anywhere")
    assert ev.verdict_for(Use.CASH_OUT).rule == "acme-cautious"
    assert "acme-store-credit-spends-anywhere" in ev.advice_rules
    # Amazon's own advice stays with Amazon; merchant-neutral advice speaks of ACME.
    assert "unsure-check-account" not in ev.advice_rules
    assert all("Amazon" not in item.text for item in ev.advice)


def test_a_second_merchant_still_gets_expiry_and_checkout_answers(tmp_path: Path) -> None:
    book, _ = load_with(tmp_path, {"acme.toml": ACME})
    expired = evaluate(credit("return_credit", merchant="ACME", expires_on=date(2026, 1, 1)), TODAY, rulebook=book)
    assert {answer.verdict for answer in expired.verdicts} == {Verdict.NO}
    assert expired.forfeited is not None


def test_a_user_file_overrides_a_shipped_rule_by_id(tmp_path: Path) -> None:
    override = """
merchant = "amazon"
region = "us"

[[rules]]
id = "no-transfer"
sources = "all"
uses = ["transfer"]
verdict = "unlikely"
reason = "My household shares one account."
"""
    book, problems = load_with(tmp_path, {"mine.toml": override})
    assert problems == []
    (amazon,) = book.rule_sets
    ev = evaluate(credit("refund"), TODAY, rulebook=book)
    transfer = ev.verdict_for(Use.TRANSFER)
    assert (transfer.verdict, transfer.rule, transfer.reason) == (
        Verdict.UNLIKELY,
        "no-transfer",
        "My household shares one account.",
    )
    # Everything else is still the shipped set.
    assert ev.verdict_for(Use.GENERAL_PURCHASES).rule == "balance-general-purchases-likely"
    assert len(amazon.rules) == len(load_rulebook(builtin_rules_dir())[0].rule_sets[0].rules)


def test_a_user_rule_set_for_another_region_is_used_for_credits_from_there(tmp_path: Path) -> None:
    uk = ACME.replace('"ACME"', '"Amazon"').replace('region = "US"', 'region = "UK"')
    book, problems = load_with(tmp_path, {"amazon-uk.toml": uk})
    assert problems == []
    ev = evaluate(credit("return_credit", region="UK", currency="GBP"), TODAY, rulebook=book)
    assert ev.verdict_for(Use.GENERAL_PURCHASES).verdict is Verdict.YES
    us = evaluate(credit("return_credit"), TODAY, rulebook=book)
    assert us.verdict_for(Use.GENERAL_PURCHASES).rule == "return-credit-general-purchases-likely"


def test_a_broken_file_does_not_stop_a_good_one(tmp_path: Path) -> None:
    book, problems = load_with(tmp_path, {"acme.toml": ACME, "broken.toml": "merchant = ["})
    assert len(problems) == 1 and problems[0].startswith("broken.toml: ")
    assert sorted(rule_set.merchant for rule_set in book.rule_sets) == ["ACME", "Amazon"]


def test_no_user_folder_is_no_problem(tmp_path: Path) -> None:
    _, problems = load_rulebook(builtin_rules_dir(), tmp_path / "not-there")
    assert problems == []


def test_without_any_shipped_rules_the_cautious_last_resort_answers(tmp_path: Path) -> None:
    book, problems = load_rulebook(tmp_path / "missing")
    assert [problem.problem for problem in problems] == ["rule folder not found"]
    assert book.fallback is LAST_RESORT
    ev = evaluate(credit("gift_card"), TODAY, rulebook=book)
    assert ev.verdict_for(Use.AMAZON_GIFT_CARDS).verdict is Verdict.NO
    assert ev.verdict_for(Use.GENERAL_PURCHASES).verdict is Verdict.CHECK_TERMS


GENEROUS_AMAZON = """
merchant = "{merchant}"
region = "{region}"

[[rules]]
id = "my-credit-is-cash"
sources = "all"
uses = ["transfer", "cash_out"]
verdict = "yes"
any_merchant = true
reason = "I say so."
"""


def generous(merchant: str = "Amazon", region: str = "US") -> str:
    """A user file that turns transfer and cash out into `yes`, for every merchant if it could."""
    return GENEROUS_AMAZON.replace("{merchant}", merchant).replace("{region}", region)


def test_a_user_file_whose_names_begin_or_end_with_spaces_is_refused(tmp_path: Path) -> None:
    book, problems = load_with(tmp_path, {"mine.toml": generous(" amazon ", "us")})
    assert problems == ["mine.toml: 'merchant' ' amazon ' begins or ends with spaces: write it as 'amazon'"]
    for merchant in ("Amazon", "ACME"):
        ev = evaluate(credit(merchant=merchant, region="US"), TODAY, rulebook=book)
        assert ev.verdict_for(Use.CASH_OUT).verdict is Verdict.NO
        assert ev.changed_by == ()


def test_a_user_override_changes_its_own_merchant_and_never_the_others(tmp_path: Path) -> None:
    book, problems = load_with(tmp_path, {"mine.toml": generous()})
    assert problems == []
    amazon = evaluate(credit(merchant="Amazon", region="US"), TODAY, rulebook=book)
    assert amazon.verdict_for(Use.CASH_OUT).verdict is Verdict.YES
    assert amazon.changed_by == ("mine.toml",)
    # `any_merchant` in a user's file does not carry the override to merchants without a set of their own.
    other = evaluate(credit(merchant="ACME", region="US"), TODAY, rulebook=book)
    assert {other.verdict_for(use).verdict for use in (Use.CASH_OUT, Use.TRANSFER)} == {Verdict.NO}
    assert other.changed_by == ()
    assert book.fallback == load_rulebook(builtin_rules_dir())[0].fallback


def test_names_that_match_only_after_unicode_case_folding_do_not_join_the_shipped_set(tmp_path: Path) -> None:
    # "ſ" (long s) casefolds to "s": "Uſ" must not reach the US rules.
    book, problems = load_with(tmp_path, {"mine.toml": generous("amazon", "Uſ")})
    assert problems == []
    ev = evaluate(credit(merchant="Amazon", region="US"), TODAY, rulebook=book)
    assert ev.verdict_for(Use.CASH_OUT).verdict is Verdict.NO
    assert ev.changed_by == ()


def test_an_evaluation_names_every_user_file_behind_its_rule_set(tmp_path: Path) -> None:
    book, _ = load_with(tmp_path, {"a.toml": generous(), "b.toml": generous("AMAZON", "us"), "acme.toml": ACME})
    assert evaluate(credit(merchant="Amazon", region="US"), TODAY, rulebook=book).changed_by == ("a.toml", "b.toml")
    assert evaluate(credit(merchant="ACME", region="US"), TODAY, rulebook=book).changed_by == ("acme.toml",)
    shipped = evaluate(credit(merchant="Amazon", region="US"), TODAY, rulebook=load_rulebook(builtin_rules_dir())[0])
    assert shipped.changed_by == ()
