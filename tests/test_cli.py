"""The command line as DESIGN.md fixes it: exact JSON shapes, and every refusal exits 2 with one line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ledger.storage.store import Ledger
from tests.conftest import REPO, CliRunner, ledger_rows


def add(cli: CliRunner, *extra: str) -> dict[str, object]:
    result = cli("add", "--source", "gift_card", "--amount", "25.00", "--currency", "USD", "--json", *extra)
    assert result.code == 0, result.err
    payload: dict[str, object] = json.loads(result.out)
    return payload


def test_add_then_show_json_has_the_documented_fields(cli: CliRunner) -> None:
    added = add(cli, "--title", "Birthday card", "--expires", "2099-01-31", "--received", "2026-01-02")
    shown = json.loads(cli("show", str(added["id"]), "--json").out)
    for key in (
        "id",
        "merchant",
        "region",
        "source",
        "currency",
        "amount",
        "balance",
        "received_on",
        "expires_on",
        "status",
        "days_left",
        "entries",
    ):
        assert key in shown
    assert (shown["merchant"], shown["region"], shown["amount"], shown["balance"]) == ("Amazon", "US", "25.00", "25.00")
    assert (shown["received_on"], shown["expires_on"], shown["status"]) == ("2026-01-02", "2099-01-31", "active")
    assert shown["entries"][0]["kind"] == "issue"


def test_spend_and_refund_update_the_balance_and_history(cli: CliRunner) -> None:
    credit_id = str(add(cli)["id"])
    assert cli("spend", credit_id, "10.50", "--note", "headphones").code == 0
    assert cli("refund", credit_id, "0.50").code == 0
    shown = json.loads(cli("show", credit_id, "--json").out)
    assert shown["balance"] == "15.00"
    assert [(e["kind"], e["amount"]) for e in shown["entries"]] == [
        ("issue", "25.00"),
        ("spend", "-10.50"),
        ("refund", "0.50"),
    ]


def test_list_json_is_a_list_without_entries(cli: CliRunner) -> None:
    add(cli)
    listed = json.loads(cli("list", "--json").out)
    assert isinstance(listed, list) and len(listed) == 1
    assert "entries" not in listed[0] and listed[0]["balance"] == "25.00"


def test_list_on_an_empty_ledger_says_how_to_start(cli: CliRunner, ledger_path: Path) -> None:
    Ledger.open(ledger_path).close()
    result = cli("list")
    assert result.code == 0 and "No credits yet" in result.out


def test_archive_and_delete_with_yes(cli: CliRunner) -> None:
    credit_id = str(add(cli)["id"])
    assert json.loads(cli("archive", credit_id, "--json").out)["status"] == "archived"
    assert cli("delete", credit_id, "--yes").code == 0
    assert json.loads(cli("list", "--json").out) == []


def test_delete_asks_and_a_yes_answer_deletes(cli: CliRunner) -> None:
    credit_id = str(add(cli)["id"])
    result = cli("delete", credit_id, stdin="y\n")
    assert result.code == 0 and "cannot be undone" in result.err


REFUSALS = [
    pytest.param(
        ["add", "--source", "gift_card", "--amount", "1.005", "--currency", "USD"],
        "decimal places",
        id="too-many-decimals-usd",
    ),
    pytest.param(
        ["add", "--source", "gift_card", "--amount", "10.5", "--currency", "JPY"],
        "decimal places",
        id="decimals-on-yen",
    ),
    pytest.param(
        ["add", "--source", "gift_card", "--amount", "-5", "--currency", "USD"], "more than zero", id="negative-amount"
    ),
    pytest.param(
        ["add", "--source", "gift_card", "--amount", "0", "--currency", "USD"], "more than zero", id="zero-amount"
    ),
    pytest.param(
        ["add", "--source", "gift_card", "--amount", "5", "--currency", "ABC"],
        "unknown currency",
        id="unknown-currency",
    ),
    pytest.param(
        ["add", "--source", "coupon", "--amount", "5", "--currency", "USD"], "invalid choice", id="unknown-source"
    ),
    pytest.param(["add", "--amount", "5", "--currency", "USD"], "required", id="missing-source"),
    pytest.param(
        ["add", "--source", "refund", "--amount", "5", "--currency", "USD", "--expires", "2026-02-30"],
        "not a date",
        id="impossible-date",
    ),
    pytest.param(
        [
            "add",
            "--source",
            "refund",
            "--amount",
            "5",
            "--currency",
            "USD",
            "--received",
            "2026-05-01",
            "--expires",
            "2026-04-01",
        ],
        "before the date received",
        id="expires-before-received",
    ),
    pytest.param(
        ["add", "--source", "refund", "--amount", "5", "--currency", "USD", "--region", "America"],
        "two-letter",
        id="bad-region",
    ),
    pytest.param(["spend", "1", "30.00"], "balance is only", id="overspend"),
    pytest.param(["spend", "1", "abc"], "not an amount", id="spend-junk-amount"),
    pytest.param(["spend", "1", "-3"], "more than zero", id="spend-negative"),
    pytest.param(["spend", "1", "1.001"], "decimal places", id="spend-too-precise"),
    pytest.param(["spend", "1", "1", "--on", "2999-01-01"], "future", id="spend-in-future"),
    pytest.param(["spend", "99", "1"], "no credit with id 99", id="spend-unknown-credit"),
    pytest.param(["spend", "x", "1"], "not a credit id", id="spend-bad-id"),
    pytest.param(["refund", "1", "1.00"], "has been spent", id="refund-more-than-spent"),
    pytest.param(["show", "42"], "no credit with id 42", id="show-unknown"),
    pytest.param(["show", "0"], "not a credit id", id="show-zero-id"),
    pytest.param(["archive", "42"], "no credit with id 42", id="archive-unknown"),
    pytest.param(["delete", "1"], "not deleted", id="delete-without-confirmation"),
    pytest.param(["delete", "42", "--yes"], "no credit with id 42", id="delete-unknown"),
    pytest.param(["check", "1", "cash_out", "maybe"], "invalid choice", id="check-bad-outcome"),
    pytest.param(["check", "1", "teleport", "offered"], "invalid choice", id="check-bad-use"),
    pytest.param(["check", "1", "cash_out", "offered"], "invalid choice", id="check-cash-out-is-no-checkout"),
    pytest.param(["list", "--status", "lost"], "invalid choice", id="list-bad-status"),
    pytest.param(["list", "--expiring-within", "-3"], "0 or more", id="list-negative-window"),
    pytest.param(["list", "--bogus"], "unrecognized arguments", id="unknown-option"),
    pytest.param(["frobnicate"], "invalid choice", id="unknown-command"),
    pytest.param(
        ["add", "--source", "refund", "--amount", "5_0", "--currency", "USD"],
        "not an amount",
        id="underscore-typo-amount",
    ),
    pytest.param(
        ["add", "--source", "refund", "--amount", "1e3", "--currency", "USD"], "not an amount", id="exponent-amount"
    ),
    pytest.param(
        ["add", "--source", "refund", "--amount", "５", "--currency", "USD"],
        "not an amount",
        id="fullwidth-digit-amount",
    ),
    pytest.param(
        ["add", "--source", "refund", "--amount", "5", "--currency", "XAU"],
        "unknown currency",
        id="gold-is-not-a-currency",
    ),
    pytest.param(
        ["add", "--source", "refund", "--amount", "5", "--currency", "USD", "--region", "ZZ"],
        "two-letter country code",
        id="unknown-region",
    ),
    pytest.param(
        ["add", "--source", "refund", "--amount", "5", "--currency", "USD", "--received", "2999-12-31"],
        "in the future",
        id="received-in-the-future",
    ),
    pytest.param(
        ["add", "--source", "refund", "--amount", "5", "--currency", "USD", "--expires", "20261205"],
        "not a date",
        id="date-without-dashes",
    ),
    pytest.param(
        ["add", "--source", "refund", "--amount", "5", "--currency", "USD", "--expires", "2020-02-29"],
        "already passed",
        id="expired-without-received-date",
    ),
    pytest.param(
        ["add", "--source", "refund", "--amount", "5", "--currency", "USD", "--title", "two\nlines"],
        "line breaks",
        id="title-with-a-line-break",
    ),
    pytest.param(
        ["add", "--source", "refund", "--amount", "5", "--currency", "USD", "--title", "evil\u202etxt"],
        "reorder text",
        id="title-with-a-bidi-override",
    ),
    pytest.param(["show", "99999999999999999999999"], "not a credit id", id="id-too-large"),
]


@pytest.mark.parametrize(("argv", "message"), REFUSALS)
def test_bad_input_exits_2_with_one_line_and_writes_nothing(
    cli: CliRunner, ledger_path: Path, argv: list[str], message: str
) -> None:
    add(cli)
    before = ledger_rows(ledger_path)
    result = cli(*argv)
    assert result.code == 2
    assert result.out == ""
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.err
    assert "Traceback" not in result.err
    assert ledger_rows(ledger_path) == before


def test_a_file_that_is_not_a_ledger_is_refused_untouched(cli: CliRunner, tmp_path: Path) -> None:
    junk = tmp_path / "notes.txt"
    junk.write_bytes(b"my shopping list\n" * 100)
    result = cli("list", db=junk)
    assert result.code == 2 and "not a Credit Ledger database" in result.err
    assert junk.read_bytes() == b"my shopping list\n" * 100


def test_the_installed_entry_point_runs_as_a_separate_process(tmp_path: Path) -> None:
    env = {**os.environ, "CREDIT_LEDGER_DB": str(tmp_path / "env.sqlite3")}
    command = [
        sys.executable,
        str(REPO / "main.py"),
        "add",
        "--source",
        "rewards",
        "--amount",
        "3",
        "--currency",
        "EUR",
        "--json",
    ]
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["currency"] == "EUR"
    assert (tmp_path / "env.sqlite3").exists()
    bad = subprocess.run([*command[:2], "show", "7"], capture_output=True, text=True, env=env, check=False)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "Traceback" not in bad.stderr


@pytest.mark.parametrize(("db", "message"), [("/dev/null", "not a regular file"), ("", "needs the path")])
def test_a_path_that_cannot_hold_a_ledger_is_refused_and_nothing_is_created(
    cli: CliRunner, db: str, message: str
) -> None:
    before = sorted(Path("/dev").iterdir()) if db.startswith("/dev") else None
    result = cli("list", db=Path(db))
    assert result.code == 2 and message in result.err
    if before is not None:
        assert sorted(Path("/dev").iterdir()) == before


def test_a_refused_add_does_not_create_the_ledger_file(cli: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "new" / "ledger.sqlite3"
    result = cli("add", "--source", "refund", "--amount", "5", "--currency", "USD", "--merchant", " ", db=target)
    assert result.code == 2 and not target.exists()


def test_unarchive_brings_a_credit_back_and_archiving_twice_changes_nothing(cli: CliRunner) -> None:
    credit_id = str(add(cli)["id"])
    assert cli("archive", credit_id).code == 0
    again = cli("archive", credit_id)
    assert again.code == 0 and "already archived" in again.out
    assert "unarchive" in cli("spend", credit_id, "1").err
    assert json.loads(cli("unarchive", credit_id, "--json").out)["status"] == "active"


def test_a_filter_with_no_match_says_so(cli: CliRunner) -> None:
    add(cli)
    assert cli("list", "--status", "archived").out.strip() == "No credits match."


def test_categories_are_kept_once(cli: CliRunner) -> None:
    shown = add(cli, "--categories", "Books, Toys,,books")
    assert shown["categories"] == ["Books", "Toys"]


# --- a mistyped --db never becomes a new ledger ------------------------------------------------------

READING_OR_CHANGING = [
    ["list"],
    ["list", "--json"],
    ["show", "1"],
    ["remind", "--once"],
    ["export"],
    ["export", "--format", "ics"],
    ["backups"],
    ["backup"],
    ["spend", "1", "5"],
    ["refund", "1", "5"],
    ["check", "1", "general_purchases", "offered"],
    ["archive", "1"],
    ["unarchive", "1"],
    ["delete", "1", "--yes"],
]


@pytest.mark.parametrize("argv", READING_OR_CHANGING, ids=" ".join)
@pytest.mark.parametrize("folder_exists", [True, False], ids=["in-a-folder", "in-a-missing-folder"])
def test_a_command_on_a_ledger_that_is_not_there_exits_2_and_creates_nothing(
    cli: CliRunner, tmp_path: Path, argv: list[str], folder_exists: bool
) -> None:
    place = tmp_path / "place"
    if folder_exists:
        place.mkdir()
    before = sorted(tmp_path.rglob("*"))
    result = cli(*argv, db=place / "ledgr.sqlite3")
    assert result.code == 2, result.err
    assert result.err.count("\n") == 1 and "there is no ledger at" in result.err and "--db" in result.err
    assert sorted(tmp_path.rglob("*")) == before


def test_an_empty_file_is_not_a_ledger_to_read_either(cli: CliRunner, tmp_path: Path) -> None:
    empty = tmp_path / "empty.sqlite3"
    empty.touch()
    result = cli("remind", "--once", db=empty)
    assert result.code == 2 and "there is no ledger at" in result.err
    assert empty.read_bytes() == b"" and sorted(p.name for p in tmp_path.iterdir()) == ["empty.sqlite3"]


def test_the_default_ledger_missing_says_to_add_a_credit_first(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from main import main

    assert main(["list"]) == 2
    assert "no ledger yet" in capsys.readouterr().err


def test_a_refused_import_into_a_new_ledger_creates_nothing(cli: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("source,currency,amount\nrefund,USD,5\nrefund,USD,-1\n", encoding="utf-8")
    target = tmp_path / "new" / "ledger.sqlite3"
    result = cli("import", str(bad), db=target)
    assert result.code == 2 and "line 3" in result.err
    assert not target.parent.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.csv"]


def test_a_dry_run_import_into_a_new_ledger_checks_and_creates_nothing(cli: CliRunner, tmp_path: Path) -> None:
    good = tmp_path / "good.csv"
    good.write_text("source,currency,amount\nrefund,USD,5\n", encoding="utf-8")
    target = tmp_path / "new" / "ledger.sqlite3"
    result = cli("import", str(good), "--dry-run", db=target)
    assert result.code == 0 and "1 credit would be imported" in result.out
    assert not target.parent.exists()
    assert cli("import", str(good), db=target).code == 0
    assert json.loads(cli("list", "--json", db=target).out)[0]["balance"] == "5.00"


def test_backups_of_a_ledger_that_is_gone_are_listed_to_bring_it_back(cli: CliRunner, ledger_path: Path) -> None:
    add(cli)
    assert cli("backup").code == 0
    for leftover in ledger_path.parent.glob(ledger_path.name + "*"):
        leftover.unlink()
    result = cli("backups")
    assert result.code == 0 and "manual" in result.out
    assert "there is no ledger at" in result.err and "restore" in result.err
    assert not ledger_path.exists()


def test_a_refused_command_leaves_no_daily_backup_behind(cli: CliRunner, ledger_path: Path) -> None:
    from datetime import date

    from ledger.storage.store import NewCredit

    book = Ledger.open(ledger_path)
    book.add_credit(NewCredit(source="refund", currency="USD", amount="5"), date(2026, 1, 1))
    book.close()
    refused = cli("spend", "1", "500")
    assert refused.code == 2 and "balance is only" in refused.err
    assert not (ledger_path.parent / "backups").exists()
    assert cli("list").code == 0
    assert [path.name.split("-")[-1] for path in (ledger_path.parent / "backups").iterdir()] == ["daily.sqlite3"]


def test_adding_a_likely_duplicate_warns_on_stderr_but_still_adds(cli: CliRunner) -> None:
    first = add(cli, "--merchant", "Amazon", "--reference", "113-55", "--title", "Kettle refund")
    again = cli("add", "--source", "gift_card", "--amount", "25.00", "--currency", "USD", "--merchant", "amazon",
                "--reference", "113-55", "--json")
    assert again.code == 0
    added = json.loads(again.out)  # stdout is the added credit's JSON, exactly as without the warning
    assert added["id"] != first["id"] and added["amount"] == "25.00"
    lines = again.err.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"credit-ledger: warning: credit {added['id']} added, but it looks like credit ")
    assert f"credit {first['id']} already in the ledger (“Kettle refund”" in lines[0]
    assert "same merchant, source, amount and reference" in lines[0]
    assert len(json.loads(cli("list", "--json").out)) == 2


def test_a_different_reference_or_amount_is_not_a_duplicate(cli: CliRunner) -> None:
    add(cli, "--reference", "113-55")
    other_order = cli("add", "--source", "gift_card", "--amount", "25.00", "--currency", "USD", "--reference", "999")
    other_amount = cli(
        "add", "--source", "gift_card", "--amount", "25.01", "--currency", "USD", "--reference", "113-55"
    )
    other_currency = cli("add", "--source", "gift_card", "--amount", "25.00", "--currency", "EUR")
    assert [other_order.err, other_amount.err, other_currency.err] == ["", "", ""]


def test_without_a_reference_the_same_merchant_source_and_amount_is_a_likely_duplicate(cli: CliRunner) -> None:
    first = add(cli, "--reference", "113-55")
    again = cli("add", "--source", "gift_card", "--amount", "25.00", "--currency", "USD")
    assert again.code == 0
    assert f"looks like credit {first['id']} already in the ledger (received " in again.err
    assert "same merchant, source and amount" in again.err


def test_adding_a_credit_whose_expiry_is_past_warns_but_adds(cli: CliRunner) -> None:
    result = cli("add", "--source", "refund", "--amount", "4.00", "--currency", "USD", "--received", "2020-01-01",
                 "--expires", "2020-06-30")
    assert result.code == 0 and result.out.startswith("Added credit 1: ")
    assert result.err == (
        "credit-ledger: warning: credit 1 added, but its expiry date, 2020-06-30, is already past: it cannot be spent\n"
    )


def test_a_likely_duplicates_long_title_is_shortened_in_the_warning(cli: CliRunner) -> None:
    long_title = "Refund for the stainless steel electric kettle with the broken lid, ordered in January"
    add(cli, "--title", long_title)
    again = cli("add", "--source", "gift_card", "--amount", "25.00", "--currency", "USD")
    assert "(“Refund for the stainless steel electric kettle wi…”, received " in again.err
