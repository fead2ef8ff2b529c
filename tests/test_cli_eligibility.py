"""`show --json` and `list --json` answer what each credit can buy, with the rule and a reason."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ledger.vocab import Use
from tests.conftest import CliRunner


def add(cli: CliRunner, source: str, *extra: str) -> str:
    result = cli("add", "--source", source, "--amount", "40", "--currency", "USD", "--json", *extra)
    assert result.code == 0, result.err
    return str(json.loads(result.out)["id"])


def verdicts(cli: CliRunner, credit_id: str) -> dict[str, str]:
    shown = json.loads(cli("show", credit_id, "--json").out)
    assert [row["use"] for row in shown["eligibility"]] == [use.value for use in Use]
    assert all(row["rule"] and row["reason"] for row in shown["eligibility"])
    return {row["use"]: row["verdict"] for row in shown["eligibility"]}


@pytest.mark.parametrize(
    ("source", "general", "gift_cards"),
    [
        ("gift_card", "likely", "check_terms"),
        ("refund", "likely", "check_terms"),
        ("return_credit", "likely", "check_terms"),
        ("promotional", "check_terms", "no"),
    ],
)
def test_show_json_gives_the_guides_verdict_for_each_source(
    cli: CliRunner, source: str, general: str, gift_cards: str
) -> None:
    answer = verdicts(cli, add(cli, source))
    assert (answer["general_purchases"], answer["amazon_gift_cards"]) == (general, gift_cards)
    assert answer["cash_out"] == answer["transfer"] == "no"


def test_a_checkout_observation_changes_the_verdict(cli: CliRunner) -> None:
    credit_id = add(cli, "refund")
    assert cli("check", credit_id, "amazon_gift_cards", "grayed_out").code == 0
    assert verdicts(cli, credit_id)["amazon_gift_cards"] == "no"


def test_an_expired_credit_answers_no_and_shows_the_forfeit(cli: CliRunner) -> None:
    credit_id = add(cli, "gift_card", "--received", "2020-01-01", "--expires", "2020-12-31")
    shown = json.loads(cli("show", credit_id, "--json").out)
    assert {row["verdict"] for row in shown["eligibility"]} == {"no"}
    assert shown["forfeited"] == "40.00" and shown["status"] == "expired"


def test_list_json_carries_a_short_eligibility_summary(cli: CliRunner) -> None:
    add(cli, "promotional", "--categories", "Books")
    listed = json.loads(cli("list", "--json").out)
    assert listed[0]["verdicts"]["amazon_gift_cards"] == "no"
    assert "advice" not in listed[0] and "entries" not in listed[0]


def test_show_text_explains_each_use_and_gives_advice(cli: CliRunner) -> None:
    out = cli("show", add(cli, "promotional", "--expires", "2099-01-01")).out
    assert "What it can be used for" in out and "amazon_gift_cards" in out and "Advice:" in out


def test_a_broken_user_rule_file_is_reported_and_the_builtin_rules_still_answer(
    cli: CliRunner, ledger_path: Path
) -> None:
    credit_id = add(cli, "promotional")
    rules = ledger_path.parent / "rules"
    rules.mkdir()
    (rules / "broken.toml").write_text("merchant = [unclosed\n", encoding="utf-8")
    result = cli("show", credit_id, "--json")
    assert result.code == 0
    assert "broken.toml" in result.err and "warning" in result.err
    assert json.loads(result.out)["eligibility"][1]["verdict"] == "no"


def test_each_skipped_rule_file_gives_one_warning_line_and_show_still_answers(
    cli: CliRunner, ledger_path: Path
) -> None:
    credit_id = add(cli, "promotional")
    rules = ledger_path.parent / "rules"
    rules.mkdir()
    (rules / "deep.toml").write_text("merchant = " + "[" * 100_000 + "]" * 100_000, encoding="utf-8")
    (rules / "huge.toml").write_text("version = " + "9" * 5000, encoding="utf-8")
    (rules / "two.toml").write_text('merchant = "ACME"\nregion = 1\ntitle = 1\n', encoding="utf-8")
    result = cli("show", credit_id, "--json")
    assert result.code == 0, result.err
    assert result.err.splitlines() == [
        "credit-ledger: warning: skipped deep.toml: not valid TOML: lists or tables are nested too deeply to read",
        "credit-ledger: warning: skipped huge.toml: not valid TOML: a number has far too many digits",
        "credit-ledger: warning: skipped two.toml: 'region' must be a non-empty text; 'title' must be a non-empty text",
    ]
    assert json.loads(result.out)["eligibility"][1]["verdict"] == "no"


def test_show_says_which_user_rule_files_changed_the_answers(cli: CliRunner, ledger_path: Path) -> None:
    amazon = add(cli, "refund")
    acme = add(cli, "refund", "--merchant", "ACME")
    rules = ledger_path.parent / "rules"
    rules.mkdir()
    (rules / "mine.toml").write_text(
        'merchant = "amazon"\nregion = "us"\n\n[[rules]]\nid = "no-transfer"\nsources = "all"\n'
        'uses = ["transfer"]\nverdict = "unlikely"\nreason = "My household shares one account."\n',
        encoding="utf-8",
    )
    shown = json.loads(cli("show", amazon, "--json").out)
    assert shown["rules_changed_by"] == ["mine.toml"]
    assert {row["use"]: row["verdict"] for row in shown["eligibility"]}["transfer"] == "unlikely"
    assert json.loads(cli("show", acme, "--json").out)["rules_changed_by"] == []
    assert "Rules changed by mine.toml" in cli("show", amazon).out
    assert "Rules changed by" not in cli("show", acme).out
