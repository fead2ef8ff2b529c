"""The whole ledger as JSON: a lossless round trip, merging without duplicates, and refusing bad documents."""

from __future__ import annotations

import contextlib
import io
import json
import re
import tempfile
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.errors import LedgerError
from ledger.json_io import JsonImportError, export_json, import_json, ledger_document
from ledger.models import ReminderSent
from ledger.settings import Settings, load_settings, save_settings
from ledger.store import Ledger, NewCredit
from ledger.vocab import CHECKOUT_USES, Outcome, Source
from tests.conftest import CliRunner
from tests.test_csv_io import ledger_rows

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
TODAY = NOW.date()


def exported(ledger: Ledger) -> str:
    out = io.StringIO()
    export_json(ledger, out)
    return out.getvalue()


# --- a strategy for whole ledgers --------------------------------------------------------

texts = st.text(st.characters(exclude_categories=("Cs", "Cc")), max_size=20)
credit_specs = st.fixed_dictionaries(
    {
        "source": st.sampled_from([source.value for source in Source]),
        "currency": st.sampled_from(["USD", "EUR", "JPY", "BHD"]),
        "minor": st.integers(1, 10**7),
        "received_ago": st.integers(0, 400),
        "lasts": st.none() | st.integers(0, 800),
        "title": texts,
        "reference": texts,
        "categories": st.lists(texts, max_size=3),
        "moves": st.lists(st.tuples(st.sampled_from(["spend", "refund"]), st.integers(1, 10**6)), max_size=4),
        "checks": st.lists(st.tuples(st.sampled_from(CHECKOUT_USES), st.sampled_from(list(Outcome))), max_size=2),
        "reminders": st.lists(st.sampled_from([30, 7, 1, 0]), max_size=3, unique=True),
        "archived": st.booleans(),
    }
)
ledger_specs = st.fixed_dictionaries(
    {
        "credits": st.lists(credit_specs, max_size=5),
        "lead_days": st.lists(st.integers(0, 365), min_size=1, max_size=4, unique=True),
        "backups_to_keep": st.integers(1, 50),
        "notifications_enabled": st.booleans(),
    }
)


def build(ledger: Ledger, spec: dict[str, Any]) -> None:
    """A ledger with everything a user can record: credits, movements, checks, reminders sent, settings."""
    save_settings(
        ledger,
        Settings(
            lead_days=tuple(spec["lead_days"]),
            backups_to_keep=spec["backups_to_keep"],
            notifications_enabled=spec["notifications_enabled"],
        ),
    )
    for item in spec["credits"]:
        received = TODAY - timedelta(days=item["received_ago"])
        expires = None if item["lasts"] is None else received + timedelta(days=item["lasts"])
        decimals = {"JPY": 0, "BHD": 3}.get(item["currency"], 2)
        credit_id = ledger.add_credit(
            NewCredit(
                source=item["source"],
                currency=item["currency"],
                amount=Decimal(item["minor"]).scaleb(-decimals),
                title=item["title"],
                reference=item["reference"],
                categories=item["categories"],
                received_on=received,
                expires_on=expires,
            ),
            TODAY,
        )
        for kind, minor in item["moves"]:
            with contextlib.suppress(LedgerError):  # more than the balance, or an expired credit: refused, skipped
                move = ledger.spend if kind == "spend" else ledger.refund
                move(credit_id, Decimal(minor).scaleb(-decimals), TODAY)
        for use, outcome in item["checks"]:
            ledger.record_check(credit_id, use, outcome)
        if expires is not None:
            with ledger.writing() as session:
                for lead in item["reminders"]:
                    session.add(ReminderSent(credit_id=credit_id, lead_days=lead, expires_on=expires, channel="test"))
        if item["archived"]:
            ledger.set_archived(credit_id)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=ledger_specs)
def test_export_import_into_an_empty_ledger_export_again_is_identical(spec: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        original = Ledger.open(Path(folder) / "original.sqlite3")
        copy = Ledger.open(Path(folder) / "copy.sqlite3")
        try:
            build(original, spec)
            first = exported(original)
            report = import_json(copy, first.encode(), NOW)
            assert report.added == len(spec["credits"])
            assert exported(copy) == first
            assert load_settings(copy) == load_settings(original)
        finally:
            original.close()
            copy.close()


# --- merging ------------------------------------------------------------------------------


def add(ledger: Ledger, amount: str, title: str = "") -> int:
    return ledger.add_credit(NewCredit(source="gift_card", currency="USD", amount=amount, title=title), TODAY)


def test_a_ledger_with_credits_needs_merge_and_is_left_unchanged(ledger: Ledger, ledger_path: Path) -> None:
    add(ledger, "5")
    document = exported(ledger).encode()
    before = ledger_rows(ledger_path)
    with pytest.raises(LedgerError, match="already holds 1 credit; import with --merge"):
        import_json(ledger, document, NOW)
    assert ledger_rows(ledger_path) == before


def test_merging_adds_only_missing_credits_and_never_duplicates(ledger: Ledger, tmp_path: Path) -> None:
    add(ledger, "5", "shared")
    other = Ledger.open(tmp_path / "other.sqlite3")
    try:
        import_json(other, exported(ledger).encode(), NOW)
        add(other, "7", "only in other")
        with other.writing() as session:  # an edit on one machine does not make it another credit
            session.connection().exec_driver_sql("UPDATE credit SET title = 'renamed' WHERE id = 1")
        add(ledger, "9", "only in ledger")
        report = import_json(ledger, exported(other).encode(), NOW, merge=True)
        assert (report.added, report.skipped) == (1, 1)
        again = import_json(ledger, exported(other).encode(), NOW, merge=True)
        assert (again.added, again.skipped, again.backup) == (0, 2, None)
    finally:
        other.close()
    titles = sorted(summary.title for summary in ledger.summaries(TODAY))
    assert titles == ["only in ledger", "only in other", "shared"]


def test_a_merge_keeps_this_ledgers_settings(ledger: Ledger, tmp_path: Path) -> None:
    save_settings(ledger, Settings(lead_days=(14,)))
    add(ledger, "1")
    other = Ledger.open(tmp_path / "other.sqlite3")
    try:
        save_settings(other, Settings(lead_days=(3,)))
        add(other, "2")
        import_json(ledger, exported(other).encode(), NOW, merge=True)
    finally:
        other.close()
    assert load_settings(ledger).lead_days == (14,)


# --- documents that are refused -------------------------------------------------------------


def good_document() -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        ledger = Ledger.open(Path(folder) / "good.sqlite3")
        try:
            credit_id = add(ledger, "25")
            ledger.spend(credit_id, "5", TODAY)
            return ledger_document(ledger)
        finally:
            ledger.close()


def altered(change: Any) -> bytes:
    document = good_document()
    change(document)
    return json.dumps(document).encode()


def _set(path: str, value: Any) -> Any:
    def change(document: dict[str, Any]) -> None:
        *parents, last = re.findall(r"\w+", path)
        target: Any = document
        for step in parents:
            target = target[int(step)] if step.isdigit() else target[step]
        target[int(last) if last.isdigit() else last] = value

    return change


REFUSED = [
    ("empty", b"", "the file is empty"),
    ("binary junk", b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe", "the file is not UTF-8 text"),
    ("utf-16", json.dumps({"format": "credit-ledger"}).encode("utf-16"), "the file is not UTF-8 text"),
    ("not json", b"{credits: []}", "the file is not valid JSON (Expecting property name"),
    ("another program's json", b'{"credits": []}', 'not a Credit Ledger export (it has no "format"'),
    ("newer format", altered(_set("version", 99)), "written by a newer Credit Ledger (format 99)"),
    ("bad amount", altered(_set("credits.0.amount", "-25")), "credits[0].amount: the amount must be more than zero"),
    ("bad date", altered(_set("credits.0.received_on", "2025-13-01")), "credits[0].received_on: '2025-13-01' is not"),
    (
        "spend below zero",
        altered(_set("credits.0.entries.1.amount", "-26.00")),
        "credits[0].entries[1]: this entry takes the balance below zero",
    ),
    ("spend sign", altered(_set("credits.0.entries.1.amount", "5.00")), "entries[1].amount: a spend must be negative"),
    ("unknown kind", altered(_set("credits.0.entries.1.kind", "gift")), "entries[1].kind: unknown kind 'gift'"),
    ("naive time", altered(_set("credits.0.created_at", "2025-01-01T00:00:00")), "created_at: '2025-01-01T00:00:00'"),
    ("wrong type", altered(_set("credits.0.archived", "yes")), "credits[0].archived: should be true or false"),
    ("bad uid", altered(_set("credits.0.uid", "abc")), "credits[0].uid: does not match the credit's created_at"),
    ("bad settings", altered(_set("settings.backups_to_keep", 0)), "settings: the number of backups to keep"),
    ("duplicate", altered(lambda d: d["credits"].append(dict(d["credits"][0], id=9))), "credits[1]: is the same"),
]


@pytest.mark.parametrize(("content", "message"), [case[1:] for case in REFUSED], ids=[case[0] for case in REFUSED])
def test_bad_documents_are_refused_with_their_own_message_and_nothing_written(
    ledger: Ledger, ledger_path: Path, content: bytes, message: str
) -> None:
    before = ledger_rows(ledger_path)
    with pytest.raises(JsonImportError, match=re.escape(message)):
        import_json(ledger, content, NOW)
    assert ledger_rows(ledger_path) == before
    assert not (ledger_path.parent / "backups").exists()


# --- command line ----------------------------------------------------------------------------


def test_cli_moves_a_ledger_to_another_file_and_merges_back(
    cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CREDIT_LEDGER_NOW", NOW.isoformat())
    assert cli("add", "--source", "refund", "--amount", "12.34", "--currency", "EUR").code == 0
    moved = tmp_path / "moved.json"
    assert cli("export", "-o", str(moved)).out.startswith("Exported 1 credit to")
    other = tmp_path / "elsewhere" / "ledger.sqlite3"
    other.parent.mkdir()
    result = cli("import", str(moved), "--json", db=other)
    assert json.loads(result.out)["imported"] == 1
    refused = cli("import", str(moved), db=other)
    assert (refused.code, refused.out) == (2, "")
    assert refused.err.count("\n") == 1 and "--merge" in refused.err
    merged = json.loads(cli("import", str(moved), "--merge", "--json", db=other).out)
    assert (merged["imported"], merged["skipped"]) == (0, 1)
    assert json.loads(cli("show", "1", "--json", db=other).out)["balance"] == "12.34"


def test_json_export_to_standard_output_is_the_document(cli: CliRunner) -> None:
    cli("add", "--source", "gift_card", "--amount", "3", "--currency", "USD")
    document = json.loads(cli("export").out)
    assert (document["format"], document["version"], len(document["credits"])) == ("credit-ledger", 1, 1)
    assert document["credits"][0]["received_on"] <= date.today().isoformat()
