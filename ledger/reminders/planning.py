"""Expiry reminders, planned: which are due now and when the next one comes (DESIGN.md "Reminders").

Planning is pure: it takes the candidate credits, what was already sent, the policy and
`now`, and reads no clock. The database side (which credits to plan for, claims) lives in
`ledger.reminders.store`; this module also holds the per-credit controls, snooze and mute.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from ledger.storage.settings import Settings
    from ledger.storage.store import Ledger


@dataclass(frozen=True)
class ReminderPolicy:
    """When to remind: whole days before expiry (largest first), the local time of day, the time zone."""

    lead_days: tuple[int, ...] = (30, 7, 1)
    remind_at: time = time(9, 0)
    zone: tzinfo | None = None  # None: the zone of the `now` planning is given

    @classmethod
    def from_settings(cls, settings: Settings, zone: tzinfo | None = None) -> ReminderPolicy:
        """The policy the user chose in the settings."""
        leads = tuple(sorted(set(settings.lead_days), reverse=True))
        return cls(lead_days=leads, remind_at=settings.remind_time, zone=zone)

    @property
    def longest_lead(self) -> int:
        """The earliest reminder, in days before expiry; 0 when there are no lead times."""
        return max(self.lead_days, default=0)

    def moment(self, day: date, now: datetime) -> datetime:
        """The reminder time of day on `day`, as an aware datetime in the policy's zone."""
        return datetime.combine(day, self.remind_at, tzinfo=self.zone or now.tzinfo)

    def local_today(self, now: datetime) -> date:
        """The calendar date `now` falls on in the policy's zone."""
        return now.astimezone(self.zone).date() if self.zone else now.date()

    def local_day(self, moment: datetime, now: datetime) -> date:
        """The calendar date an aware `moment` (a reminder's UTC `sent_at`, say) falls on in the policy's zone."""
        return moment.astimezone(self.zone or now.tzinfo).date()


class ReminderCandidate(NamedTuple):
    """What planning needs to know about one credit; `sent_leads` are for its current expiry date.

    An immutable named tuple rather than a frozen dataclass: planning reads thousands of them at
    every reconcile, and a frozen dataclass takes five times as long to build.
    """

    credit_id: int
    expires_on: date
    balance_minor: int
    currency: str
    merchant: str = "Amazon"
    source: str = "other"
    title: str = ""
    archived: bool = False
    muted: bool = False
    snoozed_until: date | None = None
    sent_leads: frozenset[int] = frozenset()
    # When a reminder of the current expiry date was last shown (or claimed to be shown). Rows
    # marked superseded are covered leads, not notifications, so they never set this.
    last_reminded_at: datetime | None = None
    # Its uid: a notification names its credits by it too, since ids are reused once a credit is deleted.
    uid: str = ""


@dataclass(frozen=True)
class DueReminder:
    """A reminder to deliver now: the most urgent one for its credit, and the less urgent ones it replaces."""

    credit: ReminderCandidate
    lead_days: int
    due_at: datetime
    days_left: int
    superseded_leads: tuple[int, ...] = ()

    @property
    def key(self) -> tuple[int, int, date]:
        """The reminder's identity in the `reminder_sent` table: credit, lead time, expiry date."""
        return (self.credit.credit_id, self.lead_days, self.credit.expires_on)


@dataclass(frozen=True)
class ReminderPlan:
    """The outcome of planning: what is due now (most urgent first) and when the next reminder comes."""

    due: tuple[DueReminder, ...] = ()
    next_due_at: datetime | None = None


def wants_reminders(credit: ReminderCandidate, today: date) -> bool:
    """Only a credit with money left, not archived, not muted and not yet expired is ever reminded of."""
    return credit.balance_minor > 0 and not credit.archived and not credit.muted and today <= credit.expires_on


def reminder_leads(credit: ReminderCandidate, policy: ReminderPolicy) -> tuple[int, ...]:
    """The lead times that apply to a credit: the policy's, plus the day a snooze ends ("remind me again").

    A snooze only adds a reminder inside the policy's window, so a credit far from expiry
    is never reminded of earlier than its first regular reminder.
    """
    if credit.snoozed_until is None:
        return policy.lead_days
    again = (credit.expires_on - credit.snoozed_until).days
    if 0 <= again <= policy.longest_lead and again not in policy.lead_days:
        return tuple(sorted((*policy.lead_days, again), reverse=True))
    return policy.lead_days


def latest_snooze_end(expires_on: date, lead_days: Iterable[int]) -> date:
    """The last day a snooze of this credit may end: the day of its final reminder (the smallest lead time).

    A snooze that ends later would skip that reminder; planning never lets it (see `reminder_times`),
    and the Snooze dialog offers nothing longer. With no lead times, the expiry date itself.
    """
    return expires_on - timedelta(days=min(lead_days, default=0))


def snooze_end(snoozed_until: date, expires_on: date, lead_days: Iterable[int]) -> date:
    """The day a snooze really ends: the day asked for, or the day of the final reminder if that comes first."""
    return min(snoozed_until, latest_snooze_end(expires_on, lead_days))


def reminder_times(credit: ReminderCandidate, policy: ReminderPolicy, now: datetime) -> dict[int, datetime]:
    """For each lead time not yet sent or covered, when its reminder may first be shown (a snooze holds it back).

    A snooze never swallows the final reminder: it holds reminders back until the day it ends
    or the day of the final lead time (`latest_snooze_end`), whichever comes first. So a credit
    snoozed past its expiry (or whose expiry date moved closer) still gets its last reminder.

    A lead whose time falls on or before the day the credit was last reminded is covered by that
    reminder, whatever the settings were then: at most one reminder per credit a day, and a lead
    added (or a time of day moved) after the fact never repeats what was already said. Such a lead
    is superseded, not postponed: moving it to the next day would remind on a day no lead asks for.
    """
    zone = policy.zone or now.tzinfo
    resume_at = None
    if credit.snoozed_until is not None:
        resume_day = snooze_end(credit.snoozed_until, credit.expires_on, policy.lead_days)
        resume_at = datetime.combine(resume_day, policy.remind_at, tzinfo=zone)
    reminded_day = None if credit.last_reminded_at is None else policy.local_day(credit.last_reminded_at, now)
    times: dict[int, datetime] = {}
    for lead in reminder_leads(credit, policy):
        if lead in credit.sent_leads:
            continue
        at = _reminder_moment(credit.expires_on, lead, policy.remind_at, zone)
        if resume_at is not None and at < resume_at:
            at = resume_at  # held back by the snooze
        if reminded_day is not None and at.date() <= reminded_day:
            continue  # covered by the reminder shown that day
        times[lead] = at
    return times


@lru_cache(maxsize=8192)
def _reminder_moment(expires_on: date, lead: int, remind_at: time, zone: tzinfo | None) -> datetime:
    # Thousands of credits share a few dozen expiry dates: each reminder moment is worked out once.
    return datetime.combine(expires_on - timedelta(days=lead), remind_at, tzinfo=zone)


def plan_reminders(candidates: Iterable[ReminderCandidate], policy: ReminderPolicy, now: datetime) -> ReminderPlan:
    """The reminders due at `now`, one per credit (its most urgent), and the time of the next one.

    At most one reminder per credit a day: a reminder shown supersedes every other lead of the
    credit that is due by the end of the same day, whether it passed unseen or comes later today
    (and a credit already reminded today gets nothing more today: see `reminder_times`).
    """
    today = policy.local_today(now)
    due: list[DueReminder] = []
    next_due_at: datetime | None = None
    # A credit's plan depends on its expiry date, snooze and what was sent, not on the credit itself:
    # thousands of credits share a few dozen of those, and each is planned once.
    plans: dict[tuple[object, ...], _Outcome] = {}
    for credit in candidates:
        if not wants_reminders(credit, today):
            continue
        key = (credit.expires_on, credit.snoozed_until, credit.sent_leads, credit.last_reminded_at)
        outcome = plans.get(key)
        if outcome is None:
            outcome = plans[key] = _outcome(credit, policy, now, today)
        if outcome.lead is not None and outcome.due_at is not None:
            due.append(
                DueReminder(
                    credit=credit,
                    lead_days=outcome.lead,
                    due_at=outcome.due_at,
                    days_left=(credit.expires_on - today).days,
                    superseded_leads=outcome.superseded,
                )
            )
        if outcome.next_at is not None and (next_due_at is None or outcome.next_at < next_due_at):
            next_due_at = outcome.next_at
    due.sort(key=lambda reminder: (reminder.days_left, reminder.credit.credit_id))
    return ReminderPlan(due=tuple(due), next_due_at=next_due_at)


@dataclass(frozen=True)
class _Outcome:
    """One credit's plan at `now`: the reminder to show (if any), the leads it covers, the next time after now."""

    lead: int | None
    due_at: datetime | None
    superseded: tuple[int, ...]
    next_at: datetime | None


def _outcome(credit: ReminderCandidate, policy: ReminderPolicy, now: datetime, today: date) -> _Outcome:
    times = reminder_times(credit, policy, now)
    ready = sorted(lead for lead, at in times.items() if at <= now)
    covered: set[int] = set()
    lead = None
    if ready:
        # Catch-up: several leads passed while the app was away; only the most urgent is shown.
        # It also covers the leads still due later today: they would say the same thing again.
        lead = ready[0]
        covered = {other for other, at in times.items() if at.date() <= today}
    later = [at for other, at in times.items() if at > now and other not in covered]
    return _Outcome(
        lead=lead,
        due_at=None if lead is None else times[lead],
        superseded=() if lead is None else tuple(sorted(covered - {lead})),
        next_at=min(later) if later else None,
    )


def first_reminder_at(credit: ReminderCandidate, policy: ReminderPolicy, now: datetime) -> datetime | None:
    """The earliest moment any of a credit's pending reminders may be shown, or None."""
    if not wants_reminders(credit, policy.local_today(now)):
        return None
    return min(reminder_times(credit, policy, now).values(), default=None)


# --- per-credit controls ----------------------------------------------------------------


def snooze(ledger: Ledger, credit_id: int, until: date | None) -> None:
    """Hold a credit's reminders until `until` and remind again that day (None ends the snooze).

    A snooze never swallows the final reminder: planning ends it on the day of the final lead
    time at the latest (`latest_snooze_end`), and the app's Snooze dialog offers nothing longer.
    """
    ledger.change_credit(credit_id, snoozed_until=None if until is None else until.isoformat())


def mute(ledger: Ledger, credit_id: int, muted: bool = True) -> None:
    """Silence (or bring back) every reminder of one credit."""
    ledger.change_credit(credit_id, reminders_muted=int(muted))
