"""Delivering reminders for real: over a private D-Bus to a notification server, once, even from two processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from sqlmodel import select

from ledger.reminders.delivery import deliver_due
from ledger.reminders.notifiers import FreedesktopNotifier, NotifierChain
from ledger.storage.models import ReminderSent
from ledger.storage.settings import Settings, load_settings, save_settings
from ledger.storage.store import Ledger
from tests.reminder_fixtures import RecordingNotifier, add_credit, local

if TYPE_CHECKING:
    from tests.conftest import CliRunner
    from tests.dbus_fixtures import NotificationServer

pytest_plugins = ("tests.dbus_fixtures",)

REPO = Path(__file__).resolve().parent.parent
DESKTOP = NotifierChain([FreedesktopNotifier()])


def sent_rows(ledger: Ledger) -> list[tuple[int, int, date, str]]:
    with ledger.reading() as session:
        rows = session.exec(select(ReminderSent)).all()
    return sorted((row.credit_id, row.lead_days, row.expires_on, row.channel) for row in rows)


def remind_once(db: Path, now: datetime, **env: str) -> subprocess.Popen[str]:
    """Start `python main.py --db DB remind --once --json` at a pinned time."""
    return subprocess.Popen(
        [sys.executable, "-W", "error", "main.py", "--db", str(db), "remind", "--once", "--json"],
        cwd=REPO,
        env={**os.environ, "CREDIT_LEDGER_NOW": now.isoformat(), **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process: subprocess.Popen[str]) -> tuple[int, Any, str]:
    out, err = process.communicate(timeout=120)
    return process.returncode, json.loads(out) if out.strip() else None, err


def test_a_due_reminder_reaches_the_notification_server_once(
    ledger: Ledger, notification_server: NotificationServer
) -> None:
    credit_id = add_credit(ledger, date(2026, 6, 30), amount="25.50", title="Birthday card")
    now = local(2026, 6, 23, 9, 0)

    first = deliver_due(ledger, DESKTOP, now)
    second = deliver_due(ledger, DESKTOP, local(2026, 6, 23, 9, 5))

    assert first.channel == "desktop"
    assert [r.key for r in first.delivered] == [(credit_id, 7, date(2026, 6, 30))]
    assert second.delivered == ()
    assert [(n.title, n.body) for n in notification_server.shown()] == [
        ("Birthday card expires in 7 days", "$25.50 left. Use it by June 30, 2026, or it is forfeited.")
    ]
    assert sent_rows(ledger) == [
        (credit_id, 7, date(2026, 6, 30), "desktop"),
        (credit_id, 30, date(2026, 6, 30), "superseded"),
    ]


def test_several_due_reminders_arrive_as_one_summary(ledger: Ledger, notification_server: NotificationServer) -> None:
    add_credit(ledger, date(2026, 6, 30), amount="50.00")
    add_credit(ledger, date(2026, 6, 25), amount="25.00")
    add_credit(ledger, date(2026, 6, 24), amount="10.00")
    add_credit(ledger, date(2026, 6, 26), amount="40.00", currency="EUR")

    run = deliver_due(ledger, DESKTOP, local(2026, 6, 23, 9, 0))

    assert len(run.delivered) == 4
    shown = notification_server.shown()
    assert [n.title for n in shown] == ["4 credits worth €40.00 and $85.00 expire within 7 days"]


def test_without_a_notification_server_nothing_crashes_and_the_reminder_comes_later(
    ledger: Ledger, session_bus: str
) -> None:
    credit_id = add_credit(ledger, date(2026, 6, 30), title="Kept for later")

    failed = deliver_due(ledger, DESKTOP, local(2026, 6, 23, 9, 0))

    assert failed.delivered == ()
    assert [r.key for r in failed.failed] == [(credit_id, 7, date(2026, 6, 30))]
    assert [channel for channel, _why in failed.failures] == ["desktop"]
    assert sent_rows(ledger) == []

    from tests.dbus_fixtures import start_notification_server

    server = start_notification_server()
    try:
        later = deliver_due(ledger, DESKTOP, local(2026, 6, 23, 9, 10))
        assert [r.key for r in later.delivered] == [(credit_id, 7, date(2026, 6, 30))]
        assert [n.title for n in server.shown()] == ["Kept for later expires in 7 days"]
    finally:
        server.stop()


def test_a_failed_desktop_notification_falls_back_to_the_next_channel(ledger: Ledger, session_bus: str) -> None:
    add_credit(ledger, date(2026, 6, 30))
    banner = RecordingNotifier()

    run = deliver_due(ledger, NotifierChain([FreedesktopNotifier(), banner]), local(2026, 6, 23, 9, 0))

    assert run.channel == "recording"
    assert [n.title for n in banner.shown] == ["Amazon gift card expires in 7 days"]
    assert [row[3] for row in sent_rows(ledger)] == ["recording", "superseded"]


def test_paused_reminders_send_nothing_and_claim_nothing(ledger: Ledger) -> None:
    add_credit(ledger, date(2026, 6, 30))
    save_settings(ledger, replace(load_settings(ledger), reminders_paused=True))
    banner = RecordingNotifier()

    run = deliver_due(ledger, NotifierChain([banner]), local(2026, 6, 23, 9, 0))

    assert run.paused
    assert banner.shown == []
    assert sent_rows(ledger) == []


def test_reminder_times_follow_the_settings(ledger: Ledger) -> None:
    add_credit(ledger, date(2026, 6, 30))
    settings = Settings(lead_days=(3,), remind_at="18:30")
    banner = RecordingNotifier()

    early = deliver_due(ledger, NotifierChain([banner]), local(2026, 6, 27, 18, 29), settings)
    on_time = deliver_due(ledger, NotifierChain([banner]), local(2026, 6, 27, 18, 30), settings)

    assert early.delivered == ()
    assert early.next_due_at == local(2026, 6, 27, 18, 30)
    assert [r.lead_days for r in on_time.delivered] == [3]


# --- the command line -------------------------------------------------------------------


def test_remind_without_once_is_refused(cli: CliRunner) -> None:
    result = cli("remind")

    assert result.code == 2
    assert "--once" in result.err


def test_remind_once_prints_what_it_sent_and_when_the_next_one_comes(
    cli: CliRunner, ledger: Ledger, notification_server: NotificationServer, monkeypatch: Any
) -> None:
    credit_id = add_credit(ledger, date(2026, 6, 30), amount="12.00")
    add_credit(ledger, date(2026, 9, 1))
    monkeypatch.setenv("CREDIT_LEDGER_NOW", "2026-06-29T10:00:00-04:00")

    result = cli("remind", "--once", "--json")

    assert result.code == 0, result.err
    report = json.loads(result.out)
    assert [(d["credit_id"], d["lead_days"], d["days_left"], d["balance"]) for d in report["delivered"]] == [
        (credit_id, 1, 1, "12.00")
    ]
    assert report["channel"] == "desktop"
    assert report["next_due_at"] == "2026-08-02T09:00:00-04:00"
    assert [n.title for n in notification_server.shown()] == ["Amazon gift card expires tomorrow"]
    again = cli("remind", "--once")
    assert again.code == 0
    assert "No reminders due." in again.out
    assert len(notification_server.shown()) == 1


def test_remind_once_sends_nothing_when_notifications_are_off(
    cli: CliRunner, ledger: Ledger, notification_server: NotificationServer, monkeypatch: Any
) -> None:
    add_credit(ledger, date(2026, 6, 30))
    save_settings(ledger, replace(load_settings(ledger), notifications_enabled=False))
    monkeypatch.setenv("CREDIT_LEDGER_NOW", "2026-06-29T10:00:00-04:00")

    result = cli("remind", "--once")

    assert result.code == 0
    assert "turned off" in result.out
    assert notification_server.shown() == []
    assert sent_rows(ledger) == []


def test_remind_once_with_no_session_bus_at_all_fails_cleanly_and_delivers_on_a_later_run(
    ledger: Ledger, ledger_path: Path, notification_server: NotificationServer
) -> None:
    credit_id = add_credit(ledger, date(2026, 6, 30))
    ledger.close()

    code, report, err = finish(
        remind_once(ledger_path, local(2026, 6, 23, 9, 0), DBUS_SESSION_BUS_ADDRESS="unix:path=/nonexistent/bus")
    )

    assert code == 1
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert "will be retried" in err
    assert [d["credit_id"] for d in report["failed"]] == [credit_id]
    assert notification_server.shown() == []

    code, report, err = finish(remind_once(ledger_path, local(2026, 6, 24, 7, 0)))

    assert code == 0, err
    assert [(d["credit_id"], d["lead_days"]) for d in report["delivered"]] == [(credit_id, 7)]
    assert [n.title for n in notification_server.shown()] == ["Amazon gift card expires in 6 days"]


def expected_reminders(
    credits: dict[int, date], moments: list[datetime], leads: tuple[int, ...]
) -> list[set[tuple[int, int]]]:
    """An independent oracle: at each moment, the most urgent unsent lead of each live credit.

    Showing it also covers every lead due by the end of that day (one reminder a credit a day).
    """
    done: set[tuple[int, int]] = set()
    per_moment: list[set[tuple[int, int]]] = []
    for now in moments:
        shown: set[tuple[int, int]] = set()
        for credit_id, expiry in credits.items():
            ready = [lead for lead in leads if (credit_id, lead) not in done and local_due(expiry, lead) <= now]
            if ready and now.date() <= expiry:
                shown.add((credit_id, min(ready)))
                done.update((credit_id, lead) for lead in leads if local_due(expiry, lead).date() <= now.date())
        per_moment.append(shown)
    return per_moment


def local_due(expiry: date, lead: int) -> datetime:
    day = expiry - timedelta(days=lead)
    return local(day.year, day.month, day.day, 9, 0)


def test_two_remind_processes_started_together_send_each_reminder_once(
    ledger: Ledger, ledger_path: Path, notification_server: NotificationServer
) -> None:
    credits = {add_credit(ledger, date(2026, 6, day)): date(2026, 6, day) for day in (5, 8, 12, 15, 20, 28)}
    ledger.close()
    moments = [local(2026, 5, day, 9, 0) for day in (6, 9, 13, 14, 21, 29)] + [local(2026, 6, 4, 9, 0)]
    expected = expected_reminders(credits, moments, Settings().lead_days)

    for now, wanted in zip(moments, expected, strict=True):
        pair = [remind_once(ledger_path, now), remind_once(ledger_path, now)]
        reports = []
        for code, report, err in (finish(process) for process in pair):
            assert code == 0, err
            reports.append({(d["credit_id"], d["lead_days"]) for d in report["delivered"]})
        # One of the two won every claim; the other found them taken (or already sent) and sent nothing.
        assert sorted(reports, key=len) == [set(), wanted]

    assert len(notification_server.shown()) == sum(1 for wanted in expected if wanted)
    book = Ledger.open(ledger_path)
    try:
        shown_rows = [
            (credit_id, lead) for credit_id, lead, _expiry, channel in sent_rows(book) if channel == "desktop"
        ]
    finally:
        book.close()
    assert sorted(shown_rows) == sorted(set().union(*expected))


FAKE_NOTIFY_SEND = "#!/bin/sh\necho 'notify-send: cannot connect to the notification server' >&2\nexit {code}\n"


@pytest.mark.parametrize(
    "situation",
    ["no session bus", "a bus without a notification server", "notify-send exits 1", "notify-send exits 0"],
)
def test_remind_once_without_a_notification_service_exits_1_and_records_nothing(
    ledger: Ledger, ledger_path: Path, session_bus: str, tmp_path: Path, situation: str
) -> None:
    add_credit(ledger, date(2026, 6, 30))
    ledger.close()
    env = {"DBUS_SESSION_BUS_ADDRESS": session_bus, "XDG_RUNTIME_DIR": str(tmp_path)}
    if situation == "no session bus":
        env["DBUS_SESSION_BUS_ADDRESS"] = ""
    if situation.startswith("notify-send"):
        # plyer used to fall back to notify-send and take any outcome for a shown notification.
        tools = tmp_path / "bin"
        tools.mkdir()
        (tools / "notify-send").write_text(FAKE_NOTIFY_SEND.format(code=situation[-1]), encoding="utf-8")
        (tools / "notify-send").chmod(0o755)
        env["PATH"] = f"{tools}:{os.environ['PATH']}"
        env["DBUS_SESSION_BUS_ADDRESS"] = "unix:path=/nonexistent/bus"

    code, report, err = finish(remind_once(ledger_path, local(2026, 6, 23, 9, 0), **env))

    assert code == 1, err
    assert "Traceback" not in err and "will be retried" in err
    assert report["delivered"] == [] and len(report["failed"]) == 1
    book = Ledger.open(ledger_path)
    try:
        assert sent_rows(book) == []
    finally:
        book.close()
