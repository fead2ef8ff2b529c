"""What people type, as they type it: UK for GB, friendly source names, `$25.00`, `;`-separated files (issue 12)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from ledger.files.csv_io import CsvImportError, import_csv, read_csv
from ledger.files.json_io import import_json, ledger_document
from ledger.storage.store import Ledger, NewCredit
from tests.conftest import CliRunner, ledger_rows

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
TODAY = NOW.date()


def csv_bytes(*lines: str) -> bytes:
    return "".join(line + "\n" for line in lines).encode()


# --- regions: UK is the everyday name for GB --------------------------------------------------


def test_a_credit_added_for_the_uk_is_stored_for_gb(cli: CliRunner) -> None:
    result = cli("add", "--source", "gift_card", "--amount", "20", "--currency", "GBP", "--region", "UK", "--json")
    assert result.code == 0, result.err
    assert json.loads(result.out)["region"] == "GB"
    assert json.loads(cli("show", "1", "--json").out)["region"] == "GB"


def test_a_refused_region_says_which_codes_are_known(cli: CliRunner, ledger_path: Path) -> None:
    result = cli("add", "--source", "gift_card", "--amount", "20", "--currency", "GBP", "--region", "EN")
    assert result.code == 2
    assert "US, GB (or UK)" in result.err
    assert "the known codes beginning with E are EA, EC, EE, EG, EH, ER, ES, ET" in result.err
    assert not ledger_path.exists()


def test_a_country_typed_by_name_is_answered_with_its_code(cli: CliRunner) -> None:
    result = cli("add", "--source", "gift_card", "--amount", "20", "--currency", "EUR", "--region", "Germany")
    assert result.code == 2
    assert "write DE for Germany" in result.err


def test_a_csv_row_for_the_uk_imports_as_gb(ledger: Ledger) -> None:
    import_csv(ledger, csv_bytes("source,currency,amount,region", "gift_card,GBP,20,uk"), NOW)
    [credit] = ledger.summaries(TODAY)
    assert credit.region == "GB"


def test_a_json_credit_for_the_uk_imports_as_gb(ledger: Ledger, tmp_path: Path) -> None:
    other = Ledger.open(tmp_path / "other.sqlite3")
    try:
        other.add_credit(NewCredit(source="refund", currency="GBP", amount="4", region="GB"), TODAY)
        document = ledger_document(other)
    finally:
        other.close()
    document["credits"][0]["region"] = "UK"
    import_json(ledger, json.dumps(document).encode(), NOW)
    [credit] = ledger.summaries(TODAY)
    assert credit.region == "GB"


# --- CSV: friendly source names ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "source"),
    [
        ("Promotional", "promotional"),
        ("promo", "promotional"),
        ("Promo credit", "promotional"),
        ("Gift card", "gift_card"),
        ("  GIFT   Card ", "gift_card"),
        ("gift-card", "gift_card"),
        ("Return credit", "return_credit"),
        ("Rewards", "rewards"),
        ("refund", "refund"),
    ],
)
def test_a_csv_source_may_be_written_in_everyday_words(ledger: Ledger, written: str, source: str) -> None:
    import_csv(ledger, csv_bytes("source,currency,amount", f"{written},USD,5"), NOW)
    [credit] = ledger.summaries(TODAY)
    assert credit.source == source


def test_an_unknown_csv_source_lists_the_names_it_takes() -> None:
    with pytest.raises(CsvImportError) as refused:
        read_csv(csv_bytes("source,currency,amount", "voucher,USD,5"), TODAY)
    message = str(refused.value)
    assert message.startswith("line 2, column source: unknown source 'voucher'")
    assert "gift_card" in message and "Gift card" in message and "promo" in message


# --- CSV: amounts written with the currency's symbol ------------------------------------------


@pytest.mark.parametrize(
    ("currency", "amount", "balance", "expected"),
    [
        ("USD", "$25.00", "$10.50", ("25.00", "10.50")),
        ("USD", "$ 25", "", ("25.00", "25.00")),
        ("EUR", "€5", "5.00 €", ("5.00", "5.00")),
        ("GBP", "£12.30", "", ("12.30", "12.30")),
        ("JPY", "¥3000", "", ("3000", "3000")),
        ("CAD", "CA$40", "$40", ("40.00", "40.00")),
        ("USD", "25.00 USD", "USD 5", ("25.00", "5.00")),
    ],
)
def test_a_csv_amount_may_carry_the_symbol_of_its_own_currency(
    ledger: Ledger, currency: str, amount: str, balance: str, expected: tuple[str, str]
) -> None:
    import_csv(ledger, csv_bytes("source,currency,amount,balance", f'gift_card,{currency},"{amount}","{balance}"'), NOW)
    [credit] = ledger.summaries(TODAY)
    assert (str(credit.amount), str(credit.balance)) == expected


@pytest.mark.parametrize(
    ("currency", "amount", "says"),
    [
        ("USD", "€5", "'€5' is written in EUR (€), but this row's currency is USD"),
        ("EUR", "$5", "'$5' is written in USD ($), but this row's currency is EUR"),
        ("GBP", "5 USD", "'5 USD' is written in USD, but this row's currency is GBP"),
    ],
)
def test_a_csv_amount_in_another_currencys_symbol_is_refused(
    ledger: Ledger, ledger_path: Path, currency: str, amount: str, says: str
) -> None:
    before = ledger_rows(ledger_path)
    with pytest.raises(CsvImportError) as refused:
        import_csv(ledger, csv_bytes("source,currency,amount", f"gift_card,{currency},{amount}"), NOW)
    assert str(refused.value).startswith(f"line 2, column amount: {says}")
    assert ledger_rows(ledger_path) == before


def test_a_balance_in_another_currencys_symbol_is_refused_in_its_column() -> None:
    with pytest.raises(CsvImportError) as refused:
        read_csv(csv_bytes("source,currency,amount,balance", "gift_card,USD,$5,£2"), TODAY)
    assert str(refused.value).startswith("line 2, column balance: '£2' is written in GBP (£)")


# --- CSV: files separated by semicolons or tabs -----------------------------------------------


def test_a_semicolon_separated_file_imports(ledger: Ledger) -> None:
    text = "merchant;source;currency;amount;categories\nAmazon;Promotional;EUR;€12.50;Books\n"
    import_csv(ledger, text.encode(), NOW)
    [credit] = ledger.summaries(TODAY)
    assert (credit.source, credit.currency, credit.amount) == ("promotional", "EUR", Decimal("12.50"))


def test_a_tab_separated_file_imports(ledger: Ledger) -> None:
    import_csv(ledger, b"source\tcurrency\tamount\ngift_card\tUSD\t7\n", NOW)
    [credit] = ledger.summaries(TODAY)
    assert credit.amount == Decimal("7.00")


def test_semicolons_inside_a_comma_separated_file_still_split_categories(ledger: Ledger) -> None:
    import_csv(ledger, csv_bytes("source,currency,amount,categories", "promotional,USD,5,Books; Toys; Games"), NOW)
    assert ledger.detail(1, TODAY).credit.categories == ["Books", "Toys", "Games"]


# --- CSV: every problem of a row --------------------------------------------------------------


def test_the_preview_lists_every_problem_of_a_row() -> None:
    data = csv_bytes(
        "source,currency,amount,region,received_on,balance",
        "gift_card,USD,5,US,,",
        "voucher,USD,-5,XX,2025-13-01,",
    )
    plan = read_csv(data, TODAY, all_problems=True)
    assert [row.line for row in plan.rows] == [2]
    # In the file's own column order, so they read left to right like the row.
    assert [(p.line, p.column) for p in plan.problems] == [
        (3, "source"), (3, "amount"), (3, "region"), (3, "received_on"),
    ]
    [bad] = plan.bad_rows
    assert bad.line == 3 and bad.cells["source"] == "voucher" and len(bad.problems) == 4


def test_an_import_still_stops_at_the_first_problem() -> None:
    with pytest.raises(CsvImportError) as refused:
        read_csv(csv_bytes("source,currency,amount,region", "voucher,USD,-5,XX"), TODAY)
    assert str(refused.value).startswith("line 2, column source")
    assert "amount" not in str(refused.value) and "region" not in str(refused.value)
