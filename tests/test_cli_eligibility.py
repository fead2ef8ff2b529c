"""`show --json` and `list --json` answer what each credit can buy, with the rule and a reason."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ledger.vocab import Use
from tests.conftest import CliRunner
from tests.test_csv_io import ledger_rows


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


def test_list_json_gives_each_credit_the_verdicts_show_gives_it(cli: CliRunner) -> None:
    # Credits alike but for their balances, dates, regions and checks: the list judges each shape once.
    ids = [
        add(cli, "refund", "--amount", "12.34", "--received", "2020-01-01", "--expires", "2020-06-01"),
        add(cli, "refund", "--amount", "56.78", "--received", "2020-01-01", "--expires", "2020-07-01"),
        add(cli, "gift_card", "--expires", "2099-01-01"),
        add(cli, "gift_card", "--region", "GB", "--amount", "700"),
        add(cli, "promotional", "--categories", "Books", "--terms-forbid", "transfer"),
        add(cli, "return_credit", "--merchant", "Acme"),
    ]
    assert cli("check", ids[2], "amazon_gift_cards", "grayed_out").code == 0
    assert cli("spend", ids[3], "700").code == 0
    listed = {str(row["id"]): row for row in json.loads(cli("list", "--json").out)}
    for credit_id in ids:
        shown = json.loads(cli("show", credit_id, "--json").out)
        assert listed[credit_id]["eligibility"] == shown["eligibility"], credit_id
        assert listed[credit_id]["verdicts"] == {row["use"]: row["verdict"] for row in shown["eligibility"]}
    assert "$12.34" in listed[ids[0]]["eligibility"][0]["reason"]
    assert "$56.78" in listed[ids[1]]["eligibility"][0]["reason"]
    expired = json.loads(cli("list", "--json", "--status", "expired").out)
    assert sorted(str(row["id"]) for row in expired) == ids[:2]


def test_list_json_is_the_compact_form_of_what_pretty_prints(cli: CliRunner) -> None:
    # The compact list is written from text encoded once per verdict list; it must stay what json.dumps writes.
    add(cli, "refund", "--amount", "12.34", "--title", 'Kettle "return" — café', "--reference", "Ø-1\\2")
    add(cli, "refund", "--amount", "56.78", "--title", "Kettle again")
    add(cli, "promotional", "--categories", "Books", "--merchant", "Bücher & Co")
    assert cli("archive", add(cli, "gift_card", "--expires", "2099-01-01")).code == 0
    compact = cli("list", "--json").out
    pretty = json.loads(cli("list", "--pretty").out)
    assert compact == json.dumps(pretty, separators=(",", ":"), ensure_ascii=False) + "\n"
    assert len(pretty) == 4 and any(row["archived"] and row["days_left"] for row in pretty)
    assert cli("list", "--json", "--status", "expired").out == "[]\n"


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


# --- what the credit's own terms say (issue 13) ------------------------------------------------


def test_add_records_what_the_terms_say_and_show_json_carries_it(cli: CliRunner) -> None:
    credit_id = add(
        cli, "refund", "--terms-forbid", "amazon_gift_cards,third_party_gift_cards", "--terms-allow", "transfer"
    )
    shown = json.loads(cli("show", credit_id, "--json").out)
    assert shown["terms_by_use"] == {
        "amazon_gift_cards": "forbid",
        "third_party_gift_cards": "forbid",
        "transfer": "allow",
    }
    rows = {row["use"]: row for row in shown["eligibility"]}
    assert (rows["amazon_gift_cards"]["verdict"], rows["amazon_gift_cards"]["rule"]) == ("no", "terms-forbid")
    assert (rows["transfer"]["verdict"], rows["transfer"]["rule"]) == ("yes", "terms-allow")
    assert "Its terms: forbid amazon_gift_cards; forbid third_party_gift_cards; allow transfer" in cli(
        "show", credit_id
    ).out


def test_the_terms_command_records_and_clears_an_answer_and_the_verdict_follows(cli: CliRunner) -> None:
    credit_id = add(cli, "refund")
    assert verdicts(cli, credit_id)["amazon_gift_cards"] == "check_terms"
    recorded = cli("terms", credit_id, "amazon_gift_cards", "allow")
    assert recorded.code == 0 and "its terms allow amazon_gift_cards" in recorded.out
    assert verdicts(cli, credit_id)["amazon_gift_cards"] == "yes"
    again = cli("terms", credit_id, "amazon_gift_cards", "allow")
    assert again.code == 0 and again.out.startswith("Already recorded")
    assert cli("terms", credit_id, "amazon_gift_cards", "silent").code == 0
    assert verdicts(cli, credit_id)["amazon_gift_cards"] == "check_terms"
    assert json.loads(cli("show", credit_id, "--json").out)["terms_by_use"] == {}


def test_the_terms_command_suggests_from_the_text_but_records_nothing(cli: CliRunner) -> None:
    credit_id = add(cli, "refund", "--terms", "Refund to balance. Not valid for gift cards.")
    listed = cli("terms", credit_id)
    assert listed.code == 0
    assert "amazon_gift_cards        silent" in listed.out
    assert "amazon_gift_cards        forbid  “Not valid for gift cards.”" in listed.out
    assert "only a suggestion" in listed.out
    assert verdicts(cli, credit_id)["amazon_gift_cards"] == "check_terms"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("terms", "1", "lottery", "allow"), "argument use: invalid choice: 'lottery'"),
        (("terms", "1", "transfer", "maybe"), "argument says: invalid choice: 'maybe'"),
        (("terms", "1", "transfer"), "say what the terms say about transfer: allow, forbid or silent"),
        (("terms", "2", "transfer", "allow"), "no credit with id 2"),
        (
            ("add", "--source", "refund", "--amount", "5", "--currency", "USD", "--terms-allow", "lottery"),
            "argument --terms-allow: unknown use 'lottery'",
        ),
        (
            ("add", "--source", "refund", "--amount", "5", "--currency", "USD", "--terms-allow", "transfer",
             "--terms-forbid", "cash_out,transfer"),
            "transfer is given to both --terms-allow and --terms-forbid",
        ),
    ],
    ids=["unknown use", "unknown answer", "no answer", "no such credit", "add: unknown use", "add: both ways"],
)
def test_bad_terms_input_exits_2_with_one_line_and_writes_nothing(
    cli: CliRunner, ledger_path: Path, args: tuple[str, ...], message: str
) -> None:
    add(cli, "refund")
    before = ledger_rows(ledger_path)
    result = cli(*args)
    assert result.code == 2
    assert result.err.count("\n") == 1 and message in result.err and result.err.startswith("credit-ledger: error:")
    assert ledger_rows(ledger_path) == before


def test_a_refused_add_with_bad_terms_creates_no_ledger_file(cli: CliRunner, tmp_path: Path) -> None:
    fresh = tmp_path / "fresh" / "new.sqlite3"
    fresh.parent.mkdir()
    result = cli("add", "--source", "refund", "--amount", "5", "--currency", "USD", "--terms-forbid", ",", db=fresh)
    assert result.code == 2 and "name at least one use" in result.err
    assert list(fresh.parent.iterdir()) == []
