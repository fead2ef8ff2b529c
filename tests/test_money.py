"""Money is exact: Decimal in, integer minor units stored, the currency's ISO 4217 decimals enforced."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledger.money import (
    MoneyError,
    check_currency,
    decimals,
    format_money,
    from_minor,
    known_currencies,
    parse_amount,
    to_minor,
)

CURRENCIES = sorted(known_currencies())


def test_decimals_come_from_iso_4217_data() -> None:
    assert (decimals("USD"), decimals("JPY"), decimals("BHD"), decimals("EUR")) == (2, 0, 3, 2)


@given(currency=st.sampled_from(CURRENCIES), minor=st.integers(min_value=1, max_value=10**11))
def test_money_round_trips_exactly_for_every_iso_currency(currency: str, minor: int) -> None:
    amount = from_minor(minor, currency)
    assert to_minor(amount, currency) == minor
    assert parse_amount(str(amount), currency) == amount
    assert to_minor(parse_amount(str(amount), currency), currency) == minor


@pytest.mark.parametrize(
    ("text", "currency", "message"),
    [
        ("1.005", "USD", "USD has 2 decimal places"),
        ("10.5", "JPY", "JPY has 0 decimal places"),
        ("0", "USD", "more than zero"),
        ("-5", "USD", "more than zero"),
        ("0.00", "EUR", "more than zero"),
        ("abc", "USD", "is not an amount"),
        ("NaN", "USD", "is not an amount"),
        ("Infinity", "USD", "is not an amount"),
        ("1e40", "USD", "is not an amount"),
        ("1e3", "USD", "is not an amount"),
        ("5_0", "USD", "is not an amount"),
        ("５", "USD", "is not an amount"),
        ("١٠", "USD", "is not an amount"),
        ("1,000", "USD", "is not an amount"),
        ("$5", "USD", "is not an amount"),
        ("999999999999999", "USD", "too large"),
        ("10", "XAU", "unknown currency code"),
        ("", "USD", "is not an amount"),
        ("10", "ZZZ", "unknown currency code"),
        ("10", "XXX", "unknown currency code"),
        ("10", "", "unknown currency code"),
    ],
)
def test_refused_amounts_say_why(text: str, currency: str, message: str) -> None:
    with pytest.raises(MoneyError, match=message):
        parse_amount(text, currency)


def test_trailing_zeros_within_precision_are_accepted() -> None:
    assert parse_amount("10.0", "JPY") == Decimal(10)
    assert parse_amount(" 12.5 ", "usd") == Decimal("12.50")
    assert check_currency(" eur ") == "EUR"


def test_formatting_uses_the_currency_symbol_and_precision() -> None:
    assert format_money(Decimal("1234.5"), "USD") == "$1,234.50"
    assert format_money(Decimal(1200), "JPY") == "¥1,200"


def test_the_cldr_tables_are_babels() -> None:
    # The ledger reads currencies and regions from tables (ledger/cldr.py) so that no command waits for
    # Babel's data; they must say what the installed Babel says.
    from ledger import cldr

    babel = cldr.tables_from_babel()
    assert babel["CURRENCY_DIGITS"] == cldr.CURRENCY_DIGITS
    assert babel["EN_US_SYMBOLS"] == cldr.EN_US_SYMBOLS
    assert babel["REGIONS"] == cldr.REGIONS
    assert babel["REGION_NAMES"] == cldr.REGION_NAMES


_AMOUNTS = st.decimals(allow_nan=False, allow_infinity=False, min_value=-(10**15), max_value=10**15, places=6)


@given(currency=st.sampled_from(CURRENCIES), value=_AMOUNTS | st.sampled_from([Decimal("-0"), Decimal("1E+3")]))
def test_money_is_written_exactly_as_babel_writes_it_for_every_currency(currency: str, value: Decimal) -> None:
    from babel.numbers import format_currency

    assert format_money(value, currency) == format_currency(value, currency, locale="en_US")


def test_other_locales_are_written_by_babel() -> None:
    assert format_money(Decimal("1234.5"), "EUR", locale="de_DE") == "1.234,50\xa0€"


def test_currencies_regions_and_amounts_need_no_babel_data() -> None:
    # Loading Babel's data costs a command a fifth of its run (and `list --json` formatted every amount through it).
    import subprocess
    import sys
    from pathlib import Path

    code = (
        "import sys\n"
        "from decimal import Decimal\n"
        "from ledger.money import check_currency, decimals, format_money\n"
        "from ledger.validation import region, region_in_words, region_name\n"
        "print(format_money(Decimal('-1234.5'), check_currency('eur')), decimals('BHD'), region('gb'),"
        " region_name('DE'), region_in_words('germany'), 'babel' in sys.modules)\n"
    )
    repo = Path(__file__).resolve().parent.parent
    result = subprocess.run([sys.executable, "-c", code], cwd=repo, capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["-€1,234.50", "3", "GB", "Germany", "DE", "False"]
