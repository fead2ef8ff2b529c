"""ICS export: parses with icalendar, one all-day event per usable credit, an alarm per reminder lead time."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from icalendar import Calendar

from ledger.files.ics_export import alarm_offset, export_ics
from ledger.storage.settings import Settings, save_settings
from ledger.storage.store import Ledger, NewCredit
from tests.conftest import CliRunner

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
TODAY = NOW.date()


def add(ledger: Ledger, expires_on: date | None, amount: str = "25", title: str = "") -> int:
    received_on = date(2025, 1, 1)
    return ledger.add_credit(
        NewCredit(
            source="gift_card",
            currency="USD",
            amount=amount,
            title=title,
            received_on=received_on,
            expires_on=expires_on,
        ),
        TODAY,
    )


def events(ledger: Ledger) -> list[object]:
    return list(Calendar.from_ical(export_ics(ledger, NOW)).walk("VEVENT"))


def test_one_all_day_event_on_the_expiry_date_with_an_alarm_per_lead_time(ledger: Ledger) -> None:
    save_settings(ledger, Settings(lead_days=(30, 7, 1, 0), remind_at="09:30"))
    add(ledger, date(2025, 6, 30), title="Birthday card")
    [event] = events(ledger)
    assert event["SUMMARY"] == "Birthday card expires: $25.00 left"
    assert event.decoded("DTSTART") == date(2025, 6, 30)
    assert event.decoded("DTEND") == date(2025, 7, 1)
    assert event["DTSTART"].params["VALUE"] == "DATE"
    triggers = [alarm.decoded("TRIGGER") for alarm in event.walk("VALARM")]
    assert triggers == [
        timedelta(days=-30, hours=9, minutes=30),
        timedelta(days=-7, hours=9, minutes=30),
        timedelta(days=-1, hours=9, minutes=30),
        timedelta(hours=9, minutes=30),
    ]
    assert {str(alarm["ACTION"]) for alarm in event.walk("VALARM")} == {"DISPLAY"}


def test_alarms_fire_at_the_reminder_time_on_the_lead_day() -> None:
    midnight_of_expiry = datetime(2025, 6, 30)
    assert midnight_of_expiry + alarm_offset(30, time(9, 0)) == datetime(2025, 5, 31, 9, 0)
    assert midnight_of_expiry + alarm_offset(0, time(18, 45)) == datetime(2025, 6, 30, 18, 45)


def test_only_credits_with_money_left_and_an_expiry_get_an_event(ledger: Ledger) -> None:
    keep = add(ledger, date(2025, 4, 1), title="keep")
    add(ledger, None, title="no expiry")
    spent = add(ledger, date(2025, 4, 1), amount="5", title="spent")
    ledger.spend(spent, "5", TODAY)
    archived = add(ledger, date(2025, 4, 1), title="archived")
    ledger.set_archived(archived)
    add(ledger, date(2025, 2, 1), title="expired")
    [event] = events(ledger)
    assert str(event["SUMMARY"]).startswith("keep")
    assert str(event["UID"]) == f"{ledger.detail(keep, TODAY).credit.uid}@credit-ledger"


def test_muted_credits_keep_their_event_without_alarms(ledger: Ledger) -> None:
    credit_id = add(ledger, date(2025, 5, 1))
    with ledger.writing() as session:
        session.connection().exec_driver_sql(f"UPDATE credit SET reminders_muted = 1 WHERE id = {credit_id}")
    [event] = events(ledger)
    assert list(event.walk("VALARM")) == []


def test_the_balance_shown_is_what_is_left(ledger: Ledger) -> None:
    credit_id = add(ledger, date(2025, 5, 1), amount="40", title="Refund")
    ledger.spend(credit_id, Decimal("15.50"), TODAY)
    [event] = events(ledger)
    assert "$24.50 left" in str(event["SUMMARY"])
    assert "Balance $24.50 of $40.00" in str(event["DESCRIPTION"])


def test_cli_export_ics_to_a_file(cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CREDIT_LEDGER_NOW", NOW.isoformat())
    cli("add", "--source", "refund", "--amount", "9", "--currency", "USD", "--expires", "2025-05-01")
    target = tmp_path / "expiry.ics"
    result = cli("export", "-o", str(target), "--json")
    assert result.code == 0 and json.loads(result.out)["count"] == 1
    calendar = Calendar.from_ical(target.read_bytes())
    assert [event.decoded("DTSTART") for event in calendar.walk("VEVENT")] == [date(2025, 5, 1)]


def test_calendars_are_export_only_and_unknown_names_need_a_format(cli: CliRunner, tmp_path: Path) -> None:
    calendar = tmp_path / "expiry.ics"
    calendar.write_text("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", encoding="utf-8")
    refused = cli("import", str(calendar))
    assert (refused.code, refused.out, refused.err.count("\n")) == (2, "", 1)
    assert "calendars are export only" in refused.err
    unknown = cli("export", "-o", str(tmp_path / "ledger.txt"))
    assert (unknown.code, unknown.err.count("\n")) == (2, 1)
    assert "pass --format csv, json or ics" in unknown.err
    assert not (tmp_path / "ledger.txt").exists()
