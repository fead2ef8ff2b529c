"""What the app says about a credit's uses, in plain words: no rule-set codes, no quoted codes, and a merchant
without rules said once, with the merchant and region that have some (issue 12)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from ledger.purchase_candidates import plan_for
from ledger.rules.eligibility import evaluate
from ledger.storage.models import Credit
from ledger.storage.store import Ledger, NewCredit
from ledger.vocab import Use, Verdict
from tests.conftest import CliRunner
from tests.ui_helpers import OFFSCREEN_NOISE, plan_followed
from ui.dialogs.plan_dialog import PlanDialog
from ui.window.eligibility_view import EligibilityView

TODAY = date(2026, 3, 1)
CAUTIOUS = "nothing recorded settles"


def credit(merchant: str = "Amazon", region: str = "US", source: str = "refund") -> Credit:
    return Credit(source=source, merchant=merchant, region=region, currency="GBP", amount_minor=2500,
                  received_on=date(2026, 1, 5))


def add(cli: CliRunner, merchant: str, region: str) -> str:
    result = cli("add", "--source", "gift_card", "--amount", "25", "--currency", "GBP", "--merchant", merchant,
                 "--region", region, "--json")
    assert result.code == 0, result.err
    return str(json.loads(result.out)["id"])


def test_a_merchant_without_rules_is_said_once_with_the_merchant_and_region_that_have_some(cli: CliRunner) -> None:
    shown = cli("show", add(cli, "Amazon UK", "US")).out
    assert shown.count("No rules are known for “Amazon UK”") == 1
    assert "Rules are known for “Amazon” in the United States: to use them, set the merchant to “Amazon” and " \
           "the region to GB." in shown
    assert CAUTIOUS not in shown.casefold()
    assert "cautious default" not in shown and "rule set" not in shown


def test_show_json_says_what_the_answers_rest_on(cli: CliRunner) -> None:
    shown = json.loads(cli("show", add(cli, "Amazon UK", "GB"), "--json").out)
    assert shown["rules_basis"].startswith("No rules are known for “Amazon UK”")
    assert shown["rules_basis"].endswith("set the merchant to “Amazon”.")  # the region is GB already
    assert {answer["reason"] for answer in shown["eligibility"]} == {
        "Check its own terms first.", "Assume no until its own terms say otherwise.",
    }


@pytest.mark.parametrize(
    ("merchant", "suggested"),
    [
        ("Amazon.co.uk", "set the merchant to “Amazon” and the region to GB."),
        ("amazon germany", "set the merchant to “Amazon” and the region to DE."),
        ("Amazon.com", "set the merchant to “Amazon”."),
        ("Corner Shop", "The app has rules for Amazon only."),
    ],
)
def test_the_suggestion_reads_the_country_in_the_merchants_name(merchant: str, suggested: str) -> None:
    basis = evaluate(credit(merchant), TODAY).basis
    assert basis.startswith(f"No rules are known for “{merchant}”")
    assert basis.endswith(suggested)


def test_the_rules_a_credit_follows_are_named_in_words() -> None:
    assert evaluate(credit(), TODAY).basis == "These answers follow the rules for Amazon in the United States."
    assert evaluate(credit(region="GB"), TODAY).basis == (
        "These answers follow the rules for Amazon in the United States, taken with care for a credit from the "
        "United Kingdom."
    )


def test_a_reason_names_countries_in_words_not_quoted_codes() -> None:
    answer = evaluate(credit(region="GB"), TODAY).verdict_for(Use.GENERAL_PURCHASES)
    assert answer.verdict is Verdict.CHECK_TERMS
    assert "confirm this for a credit from the United Kingdom (in the United States it would likely be allowed)" \
        in answer.reason
    assert "'GB'" not in answer.reason and " US " not in answer.reason


@OFFSCREEN_NOISE
def test_the_panel_says_what_the_answers_rest_on_in_plain_words(qtbot: QtBot) -> None:
    view = EligibilityView()
    qtbot.addWidget(view)
    view.show_evaluation(evaluate(credit(), TODAY))
    assert view.rule_set_label.text() == "These answers follow the rules for Amazon in the United States."
    view.show_evaluation(evaluate(credit("Amazon UK", "GB"), TODAY))
    said = view.rule_set_label.text()
    assert said.startswith("No rules are known for “Amazon UK”") and "v1" not in said and "Based on" not in said
    reasons = [row.reason_label.text() for row in view.rows.values()]
    assert not any(CAUTIOUS in reason.casefold() for reason in reasons)
    assert reasons.count("Assume no until its own terms say otherwise.") == 4


@OFFSCREEN_NOISE
def test_the_plan_says_why_a_credit_cannot_pay_without_verdict_codes(qtbot: QtBot, ledger_path: Path) -> None:
    book = Ledger.open(ledger_path)
    book.add_credit(NewCredit(source="promotional", currency="USD", amount="10", title="Toy promo",
                              received_on=TODAY, categories=["Toys"]), TODAY)  # fmt: skip
    dialog = PlanDialog(None, lambda purchase: plan_for(book, purchase, TODAY), TODAY)
    qtbot.addWidget(dialog)
    dialog.kind.setCurrentIndex(dialog.kind.findData(Use.THIRD_PARTY_GIFT_CARDS))
    qtbot.keyClicks(dialog.amount, "5")
    plan_followed(qtbot, dialog)
    why = dialog.table.item(0, 3).text()
    assert why.startswith("It cannot pay for this (No: ")
    assert "(no:" not in why
    dialog.amount.setText("5.001")
    plan_followed(qtbot, dialog)
    assert dialog.problem.text().startswith("⚠ USD has 2 decimal places")
    book.close()
