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
from ledger.files.csv_io import import_csv
from ledger.files.json_io import FORMAT_VERSION, JsonImportError, export_json, import_json, ledger_document
from ledger.storage.models import ReminderSent
from ledger.storage.settings import Settings, load_settings, save_settings
from ledger.storage.store import Ledger, NewCredit
from ledger.vocab import CHECKOUT_USES, Outcome, Source, TermsSay, Use
from tests.conftest import CliRunner
from tests.test_csv_io import ledger_rows

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
TODAY = NOW.date()


def exported(ledger: Ledger) -> str:
    out = io.StringIO()
    export_json(ledger, out)
    return out.getvalue()


# --- a strategy for whole ledgers --------------------------------------------------------

# What a credit's one-line texts may hold: no control characters, no invisible reordering characters.
texts = st.text(
    st.characters(
        exclude_categories=("Cs", "Cc"),
        exclude_characters="\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f",
    ),
    max_size=20,
)
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
        "terms_by_use": st.dictionaries(
            st.sampled_from([use.value for use in Use]), st.sampled_from([said.value for said in TermsSay]), max_size=3
        ),
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
                terms_by_use=item["terms_by_use"],
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


def test_credits_imported_in_the_same_second_export_and_import_back(ledger: Ledger, tmp_path: Path) -> None:
    # Two CSV imports within one second give credits the same creation moments; they stay distinct credits.
    import_csv(ledger, b"source,currency,amount\ngift_card,USD,1\ngift_card,USD,2\n", NOW)
    import_csv(ledger, b"source,currency,amount\nrefund,USD,3\n", NOW)
    document = exported(ledger)
    uids = [credit["uid"] for credit in json.loads(document)["credits"]]
    assert len(set(uids)) == 3
    copy = Ledger.open(tmp_path / "copy.sqlite3")
    try:
        assert import_json(copy, document.encode(), NOW).added == 3
        assert exported(copy) == document  # the same credits, the same uids
    finally:
        copy.close()


def test_notes_on_several_lines_export_and_import_back(ledger: Ledger, tmp_path: Path) -> None:
    # The ledger keeps a spend's and an observation's note with its line breaks: its own export must import.
    credit_id = ledger.add_credit(NewCredit(source="gift_card", currency="USD", amount="25"), TODAY)
    ledger.spend(credit_id, "1", TODAY, note="kettle\nand a lid")
    ledger.record_check(credit_id, "amazon_gift_cards", "grayed_out", note="tried twice\nboth greyed out")
    document = exported(ledger)
    copy = Ledger.open(tmp_path / "copy.sqlite3")
    try:
        assert import_json(copy, document.encode(), NOW).added == 1
        assert exported(copy) == document
    finally:
        copy.close()


def test_a_merge_never_drops_a_credit_created_in_the_same_second_elsewhere(ledger: Ledger, tmp_path: Path) -> None:
    import_csv(ledger, b"source,currency,amount\ngift_card,USD,1\n", NOW)
    other = Ledger.open(tmp_path / "other.sqlite3")
    try:
        import_csv(other, b"source,currency,amount\nrefund,EUR,7\n", NOW)  # same created_at, another credit
        report = import_json(ledger, exported(other).encode(), NOW, merge=True)
    finally:
        other.close()
    assert (report.added, report.skipped) == (1, 0)
    assert sorted(summary.currency for summary in ledger.summaries(TODAY)) == ["EUR", "USD"]


def test_a_format_1_file_imports_with_fresh_uids_and_merges_by_creation_moment(ledger: Ledger) -> None:
    add(ledger, "5", "already here")
    document = json.loads(exported(ledger))
    document["version"] = 1
    for credit in document["credits"]:
        credit["uid"] = "0123456789abcdef0123"  # format 1 wrote a hash of created_at here
    held_uid = document["credits"][0]["uid"]
    report = import_json(ledger, json.dumps(document).encode(), NOW, merge=True)
    assert (report.added, report.skipped) == (0, 1)
    assert ledger.detail(1, TODAY).credit.uid != held_uid


def test_what_the_terms_say_about_each_use_travels_with_the_credit(ledger: Ledger, tmp_path: Path) -> None:
    said = {"amazon_gift_cards": "forbid", "general_purchases": "allow"}
    ledger.add_credit(NewCredit(source="refund", currency="USD", amount="20", terms_by_use=said), TODAY)
    document = json.loads(exported(ledger))
    assert document["credits"][0]["terms_by_use"] == {"general_purchases": "allow", "amazon_gift_cards": "forbid"}
    copy = Ledger.open(tmp_path / "copy.sqlite3")
    try:
        import_json(copy, json.dumps(document).encode(), NOW)
        assert copy.detail(1, TODAY).credit.terms_by_use == said
    finally:
        copy.close()


def test_an_export_written_before_terms_were_recorded_still_imports(ledger: Ledger, tmp_path: Path) -> None:
    add(ledger, "5", "older export")
    document = json.loads(exported(ledger))
    del document["credits"][0]["terms_by_use"]  # format 2 as the app wrote it before revision 0005
    copy = Ledger.open(tmp_path / "copy.sqlite3")
    try:
        report = import_json(copy, json.dumps(document).encode(), NOW)
        assert report.added == 1
        assert copy.detail(1, TODAY).credit.terms_by_use == {}
    finally:
        copy.close()


def test_a_restored_credit_keeps_its_uid(ledger: Ledger) -> None:
    from ledger.storage.editing import restore_credit, snapshot_credit

    credit_id = add(ledger, "5")
    uid = ledger.detail(credit_id, TODAY).credit.uid
    snapshot = snapshot_credit(ledger, credit_id)
    ledger.delete(credit_id)
    restore_credit(ledger, snapshot)
    assert ledger.detail(credit_id, TODAY).credit.uid == uid
    assert len(uid) == 32 and add(ledger, "6") and ledger.detail(credit_id + 1, TODAY).credit.uid != uid


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
    ("bad uid", altered(_set("credits.0.uid", "abc")), "credits[0].uid: 'abc' is not a credit uid"),
    (
        "terms answer for an unknown use",
        altered(_set("credits.0.terms_by_use", {"lottery": "allow"})),
        "credits[0].terms_by_use: unknown use 'lottery'",
    ),
    (
        "unknown terms answer",
        altered(_set("credits.0.terms_by_use", {"transfer": "maybe"})),
        "credits[0].terms_by_use: what the terms say about transfer must be one of allow, forbid, silent",
    ),
    (
        "terms answers not an object",
        altered(_set("credits.0.terms_by_use", ["allow"])),
        "credits[0].terms_by_use: should be an object",
    ),
    (
        "terms answer not text",
        altered(_set("credits.0.terms_by_use", {"transfer": True})),
        "credits[0].terms_by_use: should map each use",
    ),
    ("bad settings", altered(_set("settings.backups_to_keep", 0)), "settings: the number of backups to keep"),
    (
        "issue sign",
        altered(_set("credits.0.entries.0.amount", "-25.00")),
        "entries[0].amount: an issue must be positive",
    ),
    ("no issue", altered(_set("credits.0.entries", [])), "credits[0].entries: has no issue entry"),
    (
        "second issue",
        altered(lambda d: d["credits"][0]["entries"].append(d["credits"][0]["entries"][0])),
        "credits[0].entries[2]: a second issue entry (entries[0])",
    ),
    (
        "issue not the amount",
        altered(_set("credits.0.entries.0.amount", "20.00")),
        "credits[0].entries[0].amount: the issue entry must equal the credit's amount (25.00)",
    ),
    (
        "future entry",
        altered(_set("credits.0.entries.1.on", "2099-01-01")),
        "entries[1].on: 2099-01-01 is in the future",
    ),
    (
        "entry before receipt",
        altered(_set("credits.0.entries.1.on", "2000-01-01")),
        "credits[0].entries[1].on: 2000-01-01 is before the credit was received",
    ),
    (
        "duplicate id",
        altered(lambda d: d["credits"].append(dict(d["credits"][0], uid="f" * 32))),
        "credits[1].id: credits[0] has the same id",
    ),
    (
        "huge version",
        b'{"format": "credit-ledger", "version": ' + b"9" * 100_000 + b"}",
        "the file holds a number too long",
    ),
    (
        "duplicate",
        altered(lambda d: d["credits"].append(dict(d["credits"][0], id=9))),
        "credits[1].uid: is the same credit as credits[0] (the same uid)",
    ),
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


def test_cli_refuses_a_hostile_version_with_exit_2(cli: CliRunner, tmp_path: Path) -> None:
    hostile = tmp_path / "hostile.json"
    hostile.write_bytes(b'{"format": "credit-ledger", "version": ' + b"1" * 100_000 + b', "credits": []}')
    result = cli("import", str(hostile))
    assert result.code == 2 and "number too long" in result.err and "unexpected" not in result.err


def test_json_export_to_standard_output_is_the_document(cli: CliRunner) -> None:
    cli("add", "--source", "gift_card", "--amount", "3", "--currency", "USD")
    document = json.loads(cli("export").out)
    assert (document["format"], document["version"], len(document["credits"])) == ("credit-ledger", FORMAT_VERSION, 1)
    assert document["credits"][0]["received_on"] <= date.today().isoformat()
