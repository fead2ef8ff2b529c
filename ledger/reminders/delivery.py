"""Delivering due reminders once: plan, claim, tell the user, then record or give back the claims.

Both the app's scheduler and `credit-ledger remind --once` run `deliver_due`, so they share
the planning and the claims: whichever claims a reminder first is the only one to show it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from ledger.money import format_money, from_minor
from ledger.reminders.notifiers import Notification, NotifierChain
from ledger.reminders.planning import DueReminder, ReminderCandidate, ReminderPolicy
from ledger.reminders.store import (
    claim,
    credits_named,
    mark_delivered,
    most_urgent_candidate,
    plan_due,
    release,
    still_remindable,
)
from ledger.storage.settings import Settings, load_settings
from ledger.storage.store import Ledger

# A summary lists the most urgent credits by name; the rest are counted.
SUMMARY_LINES = 5
# A reminder for a credit that expires within a week stays on screen until the user dismisses it.
LASTING_WITHIN_DAYS = 7


@dataclass(frozen=True)
class ReminderRun:
    """What one delivery run did: what was shown (and where), what failed, and when to look again."""

    delivered: tuple[DueReminder, ...] = ()
    notification: Notification | None = None
    channel: str | None = None
    failed: tuple[DueReminder, ...] = ()
    claimed_elsewhere: int = 0
    next_due_at: datetime | None = None
    paused: bool = False
    failures: tuple[tuple[str, str], ...] = ()


def credit_label(reminder: DueReminder) -> str:
    """How a notification names a credit: its title, or its merchant and source."""
    credit = reminder.credit
    kind = "credit" if credit.source == "other" else credit.source.replace("_", " ")
    return credit.title or f"{credit.merchant} {kind}"


def _money_left(reminder: DueReminder) -> str:
    credit = reminder.credit
    return format_money(from_minor(credit.balance_minor, credit.currency), credit.currency)


def _days_phrase(days_left: int) -> str:
    if days_left == 0:
        return "today"
    if days_left == 1:
        return "tomorrow"
    return f"in {days_left} days"


def _long_date(day: date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


def totals_by_currency(reminders: Sequence[DueReminder]) -> str:
    """The money left on the credits, one total per currency ("$85.00 and €20.00"), never summed across them."""
    totals: dict[str, int] = defaultdict(int)
    for reminder in reminders:
        totals[reminder.credit.currency] += reminder.credit.balance_minor
    parts = [format_money(from_minor(minor, code), code) for code, minor in sorted(totals.items())]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def compose(reminders: Sequence[DueReminder]) -> Notification:
    """One notification for the reminders: the credit itself when alone, a summary when several are due."""
    if not reminders:
        raise ValueError("nothing to remind of")
    ordered = sorted(reminders, key=lambda reminder: (reminder.days_left, reminder.credit.credit_id))
    credit_ids = tuple(reminder.credit.credit_id for reminder in ordered)
    # Only when every credit has one (a sample reminder is made up, and has none).
    uids = tuple(reminder.credit.uid for reminder in ordered)
    credit_uids = uids if all(uids) else ()
    lasting = ordered[0].days_left <= LASTING_WITHIN_DAYS
    if len(ordered) == 1:
        only = ordered[0]
        return Notification(
            title=f"{credit_label(only)} expires {_days_phrase(only.days_left)}",
            body=f"{_money_left(only)} left. Use it by {_long_date(only.credit.expires_on)}, or it is forfeited.",
            credit_ids=credit_ids,
            credit_uids=credit_uids,
            lasting=lasting,
        )
    latest = ordered[-1].days_left
    when = "today" if latest == 0 else f"within {latest} day" + ("" if latest == 1 else "s")
    lines = [
        f"{credit_label(reminder)}: {_money_left(reminder)}, expires {_days_phrase(reminder.days_left)}"
        for reminder in ordered[:SUMMARY_LINES]
    ]
    if len(ordered) > SUMMARY_LINES:
        lines.append(f"and {len(ordered) - SUMMARY_LINES} more")
    return Notification(
        title=f"{len(ordered)} credits worth {totals_by_currency(ordered)} expire {when}",
        body="\n".join(lines),
        credit_ids=credit_ids,
        credit_uids=credit_uids,
        lasting=lasting,
    )


def as_it_is_now(notification: Notification, ledger: Ledger, today: date) -> Notification | None:
    """A reminder already shown, reworded for its credits as they are now (spent, archived or muted since).

    None when none of them is left to remind of; a notification about no credit (a test, a message) is kept.
    """
    if not notification.credit_ids:
        return notification
    credits = still_remindable(ledger, credits_named(ledger, notification), today)
    if not credits:
        return None
    due_at = datetime.combine(today, time())
    reminders = [DueReminder(credit, 0, due_at, (credit.expires_on - today).days) for credit in credits]
    return compose(reminders)


# What a sample reminder shows when the ledger has no credit to remind of.
EXAMPLE_CREDIT = ReminderCandidate(
    credit_id=0, expires_on=date.min, balance_minor=2500, currency="USD", source="gift_card", title="Birthday gift card"
)
EXAMPLE_DAYS_LEFT = 7


def sample_notification(ledger: Ledger | None, today: date) -> Notification:
    """A reminder as it would be shown for the most urgent credit, or for a realistic example when there is none."""
    credit = most_urgent_candidate(ledger, today) if ledger is not None else None
    if credit is None:
        credit = EXAMPLE_CREDIT._replace(expires_on=today + timedelta(days=EXAMPLE_DAYS_LEFT))
    days_left = (credit.expires_on - today).days
    moment = datetime.combine(today, time(0, 0))
    return compose([DueReminder(credit=credit, lead_days=days_left, due_at=moment, days_left=days_left)])


def deliver_due(
    ledger: Ledger,
    chain: NotifierChain,
    now: datetime,
    settings: Settings | None = None,
    zone: tzinfo | None = None,
) -> ReminderRun:
    """Show every reminder due at `now` once, as one notification; failed deliveries stay pending."""
    settings = settings or load_settings(ledger)
    if settings.reminders_paused:
        return ReminderRun(paused=True)
    plan = plan_due(ledger, ReminderPolicy.from_settings(settings, zone), now)
    if not plan.due:
        return ReminderRun(next_due_at=plan.next_due_at)
    claims = claim(ledger, plan.due, now)
    elsewhere = len(plan.due) - len(claims)
    if not claims:
        return ReminderRun(claimed_elsewhere=elsewhere, next_due_at=plan.next_due_at)
    mine = tuple(claimed.reminder for claimed in claims)
    notification = compose(mine)
    delivery = chain.deliver(notification)
    if delivery.channel is None:
        # Every channel failed: give the claims back so a later run shows these reminders.
        release(ledger, claims)
        return ReminderRun(
            notification=notification,
            failed=mine,
            claimed_elsewhere=elsewhere,
            next_due_at=plan.next_due_at,
            failures=delivery.failures,
        )
    mark_delivered(ledger, claims, delivery.channel, now)
    return ReminderRun(
        delivered=mine,
        notification=notification,
        channel=delivery.channel,
        claimed_elsewhere=elsewhere,
        next_due_at=plan.next_due_at,
        failures=delivery.failures,
    )
