"""A simulated year: a fake clock drives planning and real delivery through restarts, sleeps and edits.

Every due reminder must be shown exactly once (or folded into the one shown for its credit that
day), never before its time, at most one notification per credit a day, and the planner's
"next reminder" must be exact. The settings change during the year too (lead times added and
removed, the time of day moved), and none of these promises may bend.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from ledger.reminders.delivery import ReminderRun, deliver_due
from ledger.reminders.notifiers import NotifierChain, PlyerNotifier
from ledger.reminders.planning import mute
from ledger.storage.settings import Settings, validated
from ledger.storage.store import Ledger
from tests.reminder_fixtures import ZONE, add_credit, local, set_expiry

if TYPE_CHECKING:
    from tests.dbus_fixtures import NotificationServer

pytest_plugins = ("tests.dbus_fixtures",)

Key = tuple[int, int, date]
TIMES_OF_DAY = ("07:30", "09:00", "12:15", "18:00", "23:45")


class YearModel:
    """What the test believes about every credit, kept apart from the app's own tables."""

    def __init__(self) -> None:
        self.settings = Settings()  # leads 30, 7 and 1 days; 09:00; changed during the year
        self.live: dict[int, date] = {}  # remindable credits and their current expiry
        self.muted: dict[int, date] = {}
        self.shown: dict[Key, datetime] = {}
        self.folded: set[Key] = set()  # covered by the reminder shown for the credit on the lead's own day
        # (credit, expiry, local day) of every notification: one a day for a credit, which an expiry
        # edit re-arms (a new date is news worth telling the same day).
        self.notified_days: set[tuple[int, date, date]] = set()
        self.last_shown_day: dict[tuple[int, date], date] = {}
        self.settings_changes = 0

    def due_at(self, expires_on: date, lead: int) -> datetime:
        """The oracle's own idea of when a reminder is due: the time of day set now, `lead` days before expiry."""
        day = expires_on - timedelta(days=lead)
        moment = self.settings.remind_time
        return local(day.year, day.month, day.day, moment.hour, moment.minute)

    def covered(self, key: Key) -> bool:
        """Shown, folded into a reminder shown, or due on or before the last day the credit was reminded:
        a lead added or a time moved after the fact never repeats what that reminder said."""
        credit_id, lead, expiry = key
        last = self.last_shown_day.get((credit_id, expiry))
        said_since = last is not None and self.due_at(expiry, lead).date() <= last
        return key in self.shown or key in self.folded or said_since

    def check_run(self, run: ReminderRun, now: datetime) -> None:
        """Every reminder shown is live, due, new; and nothing due is left behind."""
        for reminder in run.delivered:
            credit_id, lead, expiry = reminder.key
            assert self.live.get(credit_id) == expiry, f"reminder for a credit that wants none: {reminder.key}"
            assert lead in self.settings.lead_days, f"a lead time no longer set: {reminder.key}"
            assert self.due_at(expiry, lead) <= now, f"early: {reminder.key} at {now}"
            assert now.date() <= expiry
            assert not self.covered(reminder.key), f"shown twice, or after a reminder that said it: {reminder.key}"
            day = (credit_id, expiry, now.date())
            assert day not in self.notified_days, f"a second notification for one credit on one day: {day}"
            self.notified_days.add(day)
            self.shown[reminder.key] = now
            self.last_shown_day[(credit_id, expiry)] = now.date()
            for other in reminder.superseded_leads:
                # Folded: passed unseen, or due later today and saying the same thing again; never a later day's.
                assert other != lead and self.due_at(expiry, other).date() <= now.date(), (reminder.key, other)
                self.folded.add((credit_id, other, expiry))
            # The leads due later today are left to nobody: `notified_days` fails a second notification.
        for credit_id, expiry in self.live.items():
            for lead in self.settings.lead_days:
                if now.date() <= expiry and self.due_at(expiry, lead) <= now:
                    assert self.covered((credit_id, lead, expiry)), f"missed: {(credit_id, lead, expiry)} at {now}"

    def next_due(self, now: datetime) -> datetime | None:
        later = [
            self.due_at(expiry, lead)
            for credit_id, expiry in self.live.items()
            for lead in self.settings.lead_days
            if self.due_at(expiry, lead) > now and not self.covered((credit_id, lead, expiry))
        ]
        return min(later, default=None)

    def change_settings(self, rng: random.Random) -> None:
        """What a user does in the settings dialog: add or remove a lead time, or move the time of day."""
        leads = set(self.settings.lead_days)
        change = rng.choice(["add lead", "add lead", "remove lead", "time of day"])
        if change == "add lead":
            leads.add(rng.randint(0, 60))
        elif change == "remove lead" and len(leads) > 1:
            leads.discard(rng.choice(sorted(leads)))
        else:
            self.settings = replace(self.settings, remind_at=rng.choice(TIMES_OF_DAY))
        self.settings = validated(replace(self.settings, lead_days=tuple(leads)))
        self.settings_changes += 1


class App:
    """The app as the simulation sees it: a ledger file that is opened, closed and reopened."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.ledger = Ledger.open(path)

    def restart(self) -> None:
        self.ledger.close()
        self.ledger = Ledger.open(self.path)


def edit_something(app: App, model: YearModel, rng: random.Random, now: datetime) -> None:
    """One change a user might make between two clock ticks."""
    today = now.date()
    action = rng.choice(
        ["add", "add", "expiry", "expiry", "spend", "archive", "mute", "unmute", "restart", "settings", "settings"]
    )
    credit_id = rng.choice(sorted(model.live)) if model.live else None
    if action == "add":
        expiry = today + timedelta(days=rng.randint(0, 200))
        model.live[add_credit(app.ledger, expiry, received_on=today)] = expiry
    elif action == "expiry" and credit_id is not None:
        expiry = today + timedelta(days=rng.randint(-3, 120))
        set_expiry(app.ledger, credit_id, expiry)
        model.live[credit_id] = expiry
    elif action == "spend" and credit_id is not None and today <= model.live[credit_id]:
        app.ledger.spend(credit_id, "25.00", today=today)
        del model.live[credit_id]
    elif action == "archive" and credit_id is not None:
        app.ledger.set_archived(credit_id)
        del model.live[credit_id]
    elif action == "mute" and credit_id is not None:
        mute(app.ledger, credit_id)
        model.muted[credit_id] = model.live.pop(credit_id)
    elif action == "unmute" and model.muted:
        back = rng.choice(sorted(model.muted))
        mute(app.ledger, back, muted=False)
        model.live[back] = model.muted.pop(back)
    elif action == "restart":
        app.restart()
    elif action == "settings":
        model.change_settings(rng)


VACATION = (local(2026, 8, 1, 0, 0), timedelta(days=24))


def next_tick(run: ReminderRun, now: datetime, rng: random.Random) -> datetime:
    """Where the clock goes next: the scheduler's job, a periodic reconcile, or a long sleep."""
    roll = rng.random()
    if roll < 0.5 and run.next_due_at is not None:
        later = run.next_due_at  # the job at the next due time fires on the dot
    elif roll < 0.6 and run.next_due_at is not None:
        later = max(now, run.next_due_at - timedelta(seconds=rng.choice([1, 60])))  # a reconcile just before it
    elif roll < 0.9:
        later = now + timedelta(minutes=rng.choice([1, 5, 59, 240]))  # a reconcile, or a user action
    else:
        later = now + timedelta(hours=rng.randint(2, 24 * 9))  # the machine slept, or the app was closed
    leaves, away = VACATION
    if now < leaves <= later:
        # The laptop stays shut for weeks: several reminders of one credit pile up.
        return max(later, leaves + away)
    return later


@pytest.mark.slow
@pytest.mark.parametrize("seed", [2026, 7, 31337])
def test_a_simulated_year_shows_every_reminder_once_and_none_early(
    ledger_path: Path, notification_server: NotificationServer, seed: int
) -> None:
    rng = random.Random(seed)
    start, end = local(2026, 1, 1, 0, 0), local(2027, 1, 1, 0, 0)
    app, model = App(ledger_path), YearModel()
    for _ in range(80):
        expiry = start.date() + timedelta(days=rng.randint(0, 420))
        model.live[add_credit(app.ledger, expiry, received_on=start.date())] = expiry
    add_credit(app.ledger, None)  # never expires, never reminded of
    chain = NotifierChain([PlyerNotifier()])

    now, notifications, ticks = start, 0, 0
    while now < end:
        run = deliver_due(app.ledger, chain, now, model.settings, ZONE)
        assert run.failed == ()
        model.check_run(run, now)
        notifications += 1 if run.delivered else 0
        assert run.next_due_at == model.next_due(now), f"wrong next reminder time at {now}"
        if rng.random() < 0.25:
            edit_something(app, model, rng, now)
        if run.delivered and rng.random() < 0.3:
            # Right after a reminder is the moment a changed setting could repeat it the same day.
            model.change_settings(rng)
        now = next_tick(run, now, rng)
        ticks += 1
    app.ledger.close()

    assert len(notification_server.shown()) == notifications
    # The year really exercised the planner: many reminders, some folded into a catch-up, many ticks.
    assert len(model.shown) > 150
    assert model.folded
    assert ticks > 150
    assert model.settings_changes > 30
