"""`credit-ledger plan`: which credits pay for a purchase, soonest expiry first, from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import CliRunner


def add(cli: CliRunner, source: str, amount: str, *extra: str, currency: str = "USD") -> int:
    result = cli("add", "--source", source, "--amount", amount, "--currency", currency, "--json", *extra)
    assert result.code == 0, result.err
    credit_id: int = json.loads(result.out)["id"]
    return credit_id


def plan(cli: CliRunner, *args: str) -> dict[str, object]:
    result = cli("plan", *args, "--json")
    assert result.code == 0, result.err
    payload: dict[str, object] = json.loads(result.out)
    return payload


def test_the_credit_that_expires_first_pays_first_and_the_next_pays_the_rest(cli: CliRunner) -> None:
    later = add(cli, "gift_card", "30.00", "--title", "Birthday card", "--expires", "2099-06-01")
    sooner = add(cli, "refund", "20.00", "--title", "Kettle refund", "--expires", "2098-01-10")

    shown = plan(cli, "25", "--currency", "USD")

    paid = [(payment["id"], payment["amount"]) for payment in shown["pay_with"]]  # type: ignore[attr-defined]
    assert paid == [(sooner, "20.00"), (later, "5.00")]
    purchase = (shown["amount"], shown["currency"], shown["for"], shown["unpaid"])
    assert purchase == ("25.00", "USD", "general_purchases", "0.00")


def test_promotional_credit_is_never_planned_for_buying_a_gift_card(cli: CliRunner) -> None:
    promo = add(cli, "promotional", "10.00", "--title", "Spend $50 get $10")

    shown = plan(cli, "10", "--currency", "USD", "--for", "amazon_gift_cards")

    assert shown["pay_with"] == []
    assert shown["unpaid"] == "10.00"
    assert promo in [skipped["id"] for skipped in shown["not_used"]]  # type: ignore[attr-defined]


def test_credit_in_another_currency_never_pays(cli: CliRunner) -> None:
    add(cli, "gift_card", "50.00", currency="EUR")

    shown = plan(cli, "5", "--currency", "USD")

    assert shown["pay_with"] == [] and shown["unpaid"] == "5.00"
    text = cli("plan", "5", "--currency", "USD")
    assert text.code == 0 and "None of your USD credits can pay for this." in text.out


def test_the_text_plan_names_the_credits_in_the_order_to_use_them(cli: CliRunner) -> None:
    add(cli, "gift_card", "30.00", "--title", "Birthday card", "--expires", "2099-06-01")
    add(cli, "refund", "20.00", "--title", "Kettle refund", "--expires", "2098-01-10")

    result = cli("plan", "25", "--currency", "USD")

    assert result.code == 0, result.err
    assert result.out.index("Kettle refund") < result.out.index("Birthday card")
    assert "Left to pay another way" not in result.out


def test_planning_changes_nothing_in_the_ledger(cli: CliRunner) -> None:
    credit = add(cli, "gift_card", "30.00")
    plan(cli, "25", "--currency", "USD")
    assert json.loads(cli("show", str(credit), "--json").out)["balance"] == "30.00"


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("abc", "--currency", "USD"), "amount"),
        (("0", "--currency", "USD"), "more than zero"),
        (("-5", "--currency", "USD"), ""),
        (("5", "--currency", "DOLLARS"), "currency"),
        (("5", "--currency", "USD", "--for", "cash_out"), "invalid choice"),
        (("1e999", "--currency", "USD"), ""),
    ],
)
def test_a_bad_purchase_is_refused_with_one_line(cli: CliRunner, args: tuple[str, ...], words: str) -> None:
    add(cli, "gift_card", "30.00")
    result = cli("plan", *args)
    assert result.code == 2
    assert result.out == ""
    assert "Traceback" not in result.err
    assert result.err.strip().splitlines()[-1].startswith("credit-ledger: error: ")
    assert words in result.err


def test_planning_against_a_mistyped_ledger_path_creates_nothing(cli: CliRunner, tmp_path: Path) -> None:
    missing = tmp_path / "no-such-folder" / "ledger.sqlite"
    result = cli("plan", "5", "--currency", "USD", db=missing)
    assert result.code == 2
    assert not missing.parent.exists()
