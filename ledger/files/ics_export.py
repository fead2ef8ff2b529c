"""Expiry dates as an iCalendar file (RFC 5545), so the reminders can live in any calendar too.

One all-day event per credit that still has money to lose, on its expiry date, with an alarm at
each reminder lead time at the user's reminder time of day (as the app's own reminders fire).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from icalendar import Alarm, Calendar, Event

from ledger.money import format_money
from ledger.storage.settings import Settings, load_settings
from ledger.storage.store import CreditSummary, Ledger
from ledger.vocab import Status

PRODID = "-//Credit Ledger//credit-ledger//EN"
UID_DOMAIN = "credit-ledger"
# Credits that can still be spent; the rest have nothing left to remind about.
STILL_USABLE = (Status.ACTIVE, Status.EXPIRING)


@dataclass(frozen=True)
class _Extra:
    uid: str
    reminders_muted: bool


def alarm_offset(lead_days: int, remind_at: time) -> timedelta:
    """When an alarm fires relative to the start (midnight) of the expiry day: lead days before, at remind_at."""
    return timedelta(days=-lead_days, hours=remind_at.hour, minutes=remind_at.minute)


def _label(summary: CreditSummary) -> str:
    return summary.title or f"{summary.merchant} {summary.source.replace('_', ' ')}"


def _event(summary: CreditSummary, extra: _Extra, settings: Settings, now: datetime) -> Event:
    assert summary.expires_on is not None
    balance = format_money(summary.balance, summary.currency)
    title = f"{_label(summary)} expires: {balance} left"
    event = Event()
    event.add("uid", f"{extra.uid}@{UID_DOMAIN}")
    event.add("dtstamp", now)
    event.add("dtstart", summary.expires_on)
    event.add("dtend", summary.expires_on + timedelta(days=1))
    event.add("summary", title)
    lines = [
        f"{summary.merchant} ({summary.region}) {summary.source.replace('_', ' ')} credit {summary.id}",
        f"Balance {balance} of {format_money(summary.amount, summary.currency)}",
        "It can be used through the end of this day.",
    ]
    if summary.reference:
        lines.insert(1, f"Reference: {summary.reference}")
    event.add("description", "\n".join(lines))
    event.add("transp", "TRANSPARENT")
    if not extra.reminders_muted:
        for lead in settings.lead_days:
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            when = "today" if lead == 0 else f"in {lead} day{'s' if lead != 1 else ''}"
            alarm.add("description", f"{_label(summary)} expires {when}: {balance} left")
            alarm.add("trigger", alarm_offset(lead, settings.remind_time))
            event.add_component(alarm)
    return event


def ledger_calendar(ledger: Ledger, now: datetime, *, everything: bool = False) -> Calendar:
    """A calendar of expiry dates: credits still usable, or with `everything` every credit with an expiry."""
    settings = load_settings(ledger)
    today: date = now.date()
    with ledger.query() as connection:
        extras = {
            row[0]: _Extra(row[1], bool(row[2]))
            for row in connection.execute("SELECT id, uid, reminders_muted FROM credit")
        }
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "Credit Ledger expiry dates")
    for summary in ledger.summaries(today, expiring_threshold=settings.expiring_within):
        if summary.expires_on is None or not (everything or summary.status in STILL_USABLE):
            continue
        calendar.add_component(_event(summary, extras[summary.id], settings, now))
    return calendar


def export_ics(ledger: Ledger, now: datetime, *, everything: bool = False) -> bytes:
    """The iCalendar file's bytes (UTF-8, CRLF line ends as RFC 5545 asks)."""
    return bytes(ledger_calendar(ledger, now, everything=everything).to_ical())
