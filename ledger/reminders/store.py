"""The reminders' side of the database: which credits to plan for, and the claims that make a reminder once-only.

Planning reads only credits whose expiry date falls inside the reminder window, through
the index on `credit.expires_on`, plus as few credits beyond it as it takes to know when
the next reminder comes. A reminder is claimed by inserting its `reminder_sent` row before
it is shown; the UNIQUE key (credit, lead, expiry) lets only one process win, and the insert
also refuses a credit already reminded today, so processes whose settings differ cannot both
remind of one credit the same day.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from ledger.reminders.planning import (
    DueReminder,
    ReminderCandidate,
    ReminderPlan,
    ReminderPolicy,
    first_reminder_at,
    plan_reminders,
)
from ledger.storage.rows import timestamp_text
from ledger.storage.store import Ledger

if TYPE_CHECKING:
    from ledger.reminders.notifiers import Notification

# A day of slack on the window, so a time-zone edge never leaves a due credit outside it.
WINDOW_MARGIN_DAYS = 1
# Credits beyond the window are read in pages until the next reminder time is certain.
PAGE = 64

CLAIMED = "claimed"
SUPERSEDED = "superseded"

_BALANCE = "COALESCE((SELECT SUM(e.amount_minor) FROM entry e WHERE e.credit_id = c.id), 0)"
_FOR_CURRENT_EXPIRY = "FROM reminder_sent r WHERE r.credit_id = c.id AND r.expires_on = c.expires_on"
_CANDIDATE_COLUMNS = (
    f"c.id, c.expires_on, {_BALANCE}, c.currency, c.merchant, c.source, c.title, c.snoozed_until, c.uid"
)
_REMINDABLE = "c.archived = 0 AND c.reminders_muted = 0"
_IN_WINDOW = f"c.expires_on BETWEEN ? AND ? AND {_REMINDABLE}"
_HISTORY_COLUMNS = "r.credit_id, r.lead_days, r.expires_on, r.sent_at, r.channel"


@dataclass(frozen=True)
class Claim:
    """A reminder this process won: the rows it inserted, and the snooze it ended (to put back on release)."""

    reminder: DueReminder
    row_ids: tuple[int, ...]
    ended_snooze: date | None = None


def _candidate(row: Sequence[Any], sent: frozenset[int], last_reminded: str | None = None) -> ReminderCandidate:
    return ReminderCandidate(
        credit_id=int(row[0]),
        expires_on=_day(row[1]),
        balance_minor=int(row[2]),
        currency=str(row[3]),
        merchant=str(row[4]),
        source=str(row[5]),
        title=str(row[6]),
        snoozed_until=_day(row[7]) if row[7] else None,
        sent_leads=sent,
        last_reminded_at=datetime.fromisoformat(last_reminded) if last_reminded else None,
        uid=str(row[8]),
    )


@lru_cache(maxsize=4096)
def _day(text: str) -> date:
    # Thousands of candidates share a few dozen expiry dates.
    return date.fromisoformat(text)


def window_end(policy: ReminderPolicy, today: date) -> date:
    """The last expiry date whose reminders can be due by the end of `today`."""
    return today + timedelta(days=policy.longest_lead + WINDOW_MARGIN_DAYS)


def load_candidates(ledger: Ledger, policy: ReminderPolicy, today: date) -> list[ReminderCandidate]:
    """Credits that may be reminded of: money left, expiring from today to the window's end, not archived or muted."""
    bounds = (today.isoformat(), window_end(policy, today).isoformat())
    with ledger.query() as connection:
        found = connection.execute(f"SELECT {_CANDIDATE_COLUMNS} FROM credit c WHERE {_IN_WINDOW}", bounds)
        rows = [row for row in found if row[2] > 0]
        history = _sent_history(connection, rows)
    return [_candidate(row, *history.get(int(row[0]), (frozenset(), None))) for row in rows]


def _sent_history(
    connection: sqlite3.Connection, rows: Sequence[Sequence[Any]]
) -> dict[int, tuple[frozenset[int], str | None]]:
    """For each credit of `rows`: the leads sent for its current expiry date, and when it was last reminded of it."""
    expiry_of = {int(row[0]): str(row[1]) for row in rows}
    if not expiry_of:
        return {}
    found: dict[int, set[int]] = defaultdict(set)
    last: dict[int, str] = {}
    # The ids go in as one JSON array: one parameter however many credits, one index lookup for each.
    sent = connection.execute(
        f"SELECT {_HISTORY_COLUMNS} FROM reminder_sent r WHERE r.credit_id IN (SELECT value FROM json_each(?))",
        (json.dumps(list(expiry_of)),),
    )
    for credit_id, lead, expires_on, sent_at, channel in sent:
        # Rows for an earlier expiry date are history: a changed date re-arms every reminder.
        if expiry_of.get(credit_id) != expires_on:
            continue
        found[credit_id].add(int(lead))
        # Superseded rows are covered leads, not notifications shown.
        if channel != SUPERSEDED and sent_at > last.get(credit_id, ""):
            last[credit_id] = str(sent_at)
    return {key: (frozenset(value), last.get(key)) for key, value in found.items()}


def next_beyond_window(
    ledger: Ledger, policy: ReminderPolicy, now: datetime, before: datetime | None
) -> datetime | None:
    """The first reminder time among credits expiring after the window, if earlier than `before`.

    Credits come in expiry order and none can be reminded of before its longest lead,
    so the search stops as soon as that bound passes the best time found.
    """
    if not policy.lead_days:
        return before
    best = before
    after = (window_end(policy, policy.local_today(now)).isoformat(), 2**62)
    with ledger.query() as connection:
        while True:
            rows = connection.execute(
                f"SELECT {_CANDIDATE_COLUMNS} FROM credit c"
                f" WHERE (c.expires_on, c.id) > (?, ?) AND {_REMINDABLE}"
                " ORDER BY c.expires_on, c.id LIMIT ?",
                (*after, PAGE),
            ).fetchall()
            history = _sent_history(connection, rows)
            for row in rows:
                credit = _candidate(row, *history.get(int(row[0]), (frozenset(), None)))
                earliest = policy.moment(credit.expires_on - timedelta(days=policy.longest_lead), now)
                if best is not None and earliest >= best:
                    return best
                at = first_reminder_at(credit, policy, now)
                if at is not None and (best is None or at < best):
                    best = at
            if len(rows) < PAGE:
                return best
            after = (str(rows[-1][1]), int(rows[-1][0]))


def most_urgent_candidate(ledger: Ledger, today: date) -> ReminderCandidate | None:
    """The remindable credit that expires soonest from today on (money left, not archived or muted), if any."""
    with ledger.query() as connection:
        row = connection.execute(
            f"SELECT {_CANDIDATE_COLUMNS} FROM credit c"
            f" WHERE c.expires_on >= ? AND {_REMINDABLE} AND {_BALANCE} > 0"
            " ORDER BY c.expires_on, c.id LIMIT 1",
            (today.isoformat(),),
        ).fetchone()
    return None if row is None else _candidate(row, frozenset())


def credits_named(ledger: Ledger, notification: Notification) -> tuple[int, ...]:
    """The ids that the credits a notification names have now, found by uid (a credit deleted since is left out).

    A notification may be acted on hours later: by then its credit may be gone and its id given to a new one.
    A notification without uids (a test, a message) names its ids as they are.
    """
    if not notification.credit_uids:
        return notification.credit_ids
    with ledger.query() as connection:
        found = dict(
            connection.execute(
                "SELECT uid, id FROM credit WHERE uid IN (SELECT value FROM json_each(?))",
                (json.dumps(list(notification.credit_uids)),),
            ).fetchall()
        )
    return tuple(int(found[uid]) for uid in notification.credit_uids if uid in found)


def still_remindable(ledger: Ledger, credit_ids: Sequence[int], today: date) -> list[ReminderCandidate]:
    """Of these credits, those still worth a reminder as they are now (money left, not expired, archived or muted)."""
    with ledger.query() as connection:
        rows = connection.execute(
            f"SELECT {_CANDIDATE_COLUMNS} FROM credit c"
            f" WHERE c.id IN (SELECT value FROM json_each(?)) AND c.expires_on >= ? AND {_REMINDABLE}",
            (json.dumps(list(credit_ids)), today.isoformat()),
        ).fetchall()
    return [_candidate(row, frozenset()) for row in rows if row[2] > 0]


def plan_due(ledger: Ledger, policy: ReminderPolicy, now: datetime) -> ReminderPlan:
    """Plan from the database: the reminders due at `now` and the exact time of the next one."""
    with ledger.query():  # one read of the ledger for both steps
        candidates = load_candidates(ledger, policy, policy.local_today(now))
        plan = plan_reminders(candidates, policy, now)
        return ReminderPlan(due=plan.due, next_due_at=next_beyond_window(ledger, policy, now, plan.next_due_at))


# --- claims ----------------------------------------------------------------------------


_REMINDABLE_CREDIT = (
    f"SELECT 1 FROM credit c WHERE c.id = ? AND c.expires_on = ? AND {_REMINDABLE}"
    " AND (SELECT COALESCE(SUM(e.amount_minor), 0) FROM entry e WHERE e.credit_id = c.id) > 0"
)
_INSERT_IF = (
    "INSERT OR IGNORE INTO reminder_sent (credit_id, lead_days, expires_on, sent_at, channel)"
    " SELECT ?, ?, ?, ?, ? WHERE EXISTS ({condition})"
)
_INSERT_IF_REMINDABLE = _INSERT_IF.format(condition=_REMINDABLE_CREDIT)
# A reminder to show also needs its credit not to have been reminded of this expiry date since the
# local day began, by whatever lead: two processes with different settings plan different leads,
# and the UNIQUE key alone would let both show one the same day.
_INSERT_IF_NOT_REMINDED_TODAY = _INSERT_IF.format(
    condition=f"{_REMINDABLE_CREDIT} AND NOT EXISTS (SELECT 1 {_FOR_CURRENT_EXPIRY}"
    f" AND r.channel != '{SUPERSEDED}' AND r.sent_at >= ?)"
)


def _start_of_day(reminder: DueReminder, now: datetime) -> str:
    """When the local day of `now` began, as stored text; the day is the one the reminder was planned in."""
    zone = reminder.due_at.tzinfo or now.tzinfo
    day = now.astimezone(zone).date()
    return timestamp_text(datetime.combine(day, time(0, 0), tzinfo=zone))


def claim(ledger: Ledger, due: Sequence[DueReminder], now: datetime) -> list[Claim]:
    """Claim reminders before showing them; returns only those this process won.

    A reminder another process already claimed (the UNIQUE key refuses the row), whose credit
    was already reminded of today (by any lead, whatever settings the other process had), or
    whose credit changed since planning (spent, archived, muted, new expiry), is left out.
    """
    claims: list[Claim] = []
    stamp = timestamp_text(now)
    with ledger.transaction() as connection:
        for reminder in due:
            credit_id, lead, expires_on = reminder.key
            expiry = expires_on.isoformat()
            won = connection.execute(
                _INSERT_IF_NOT_REMINDED_TODAY,
                (credit_id, lead, expiry, stamp, CLAIMED, credit_id, expiry, _start_of_day(reminder, now)),
            )
            if won.rowcount != 1 or won.lastrowid is None:
                continue
            row_ids = [int(won.lastrowid)]
            for older in reminder.superseded_leads:
                # The less urgent reminders this one replaces count as sent, never shown later.
                skipped = connection.execute(
                    _INSERT_IF_REMINDABLE, (credit_id, older, expiry, stamp, SUPERSEDED, credit_id, expiry)
                )
                if skipped.rowcount == 1 and skipped.lastrowid is not None:
                    row_ids.append(int(skipped.lastrowid))
            ended = reminder.credit.snoozed_until
            if ended is not None:
                # The snooze has run its course; clearing it keeps it from re-arming after an expiry edit.
                cleared = connection.execute(
                    "UPDATE credit SET snoozed_until = NULL WHERE id = ? AND snoozed_until = ?",
                    (credit_id, ended.isoformat()),
                )
                ended = ended if cleared.rowcount == 1 else None
            claims.append(Claim(reminder=reminder, row_ids=tuple(row_ids), ended_snooze=ended))
    return claims


def mark_delivered(ledger: Ledger, claims: Sequence[Claim], channel: str, now: datetime) -> None:
    """Record which channel showed the claimed reminders, and when."""
    if not claims:
        return
    primary = tuple(claimed.row_ids[0] for claimed in claims)
    with ledger.transaction() as connection:
        connection.execute(
            f"UPDATE reminder_sent SET channel = ?, sent_at = ? WHERE id IN ({','.join('?' * len(primary))})",
            (channel, timestamp_text(now), *primary),
        )


def release(ledger: Ledger, claims: Sequence[Claim]) -> None:
    """Give back claims whose delivery failed on every channel, so the reminders are tried again later."""
    if not claims:
        return
    row_ids = tuple(row_id for claimed in claims for row_id in claimed.row_ids)
    with ledger.transaction() as connection:
        connection.execute(f"DELETE FROM reminder_sent WHERE id IN ({','.join('?' * len(row_ids))})", row_ids)
        for claimed in claims:
            if claimed.ended_snooze is not None:
                connection.execute(
                    "UPDATE credit SET snoozed_until = ? WHERE id = ? AND snoozed_until IS NULL",
                    (claimed.ended_snooze.isoformat(), claimed.reminder.credit.credit_id),
                )


def count_expiring(ledger: Ledger, today: date, within_days: int) -> int:
    """How many credits with money left expire between today and `within_days` from now (for the tray)."""
    with ledger.query() as connection:
        row = connection.execute(
            "SELECT COUNT(*) FROM credit c WHERE c.expires_on BETWEEN ? AND ? AND c.archived = 0"
            " AND (SELECT COALESCE(SUM(e.amount_minor), 0) FROM entry e WHERE e.credit_id = c.id) > 0",
            (today.isoformat(), (today + timedelta(days=within_days)).isoformat()),
        ).fetchone()
    return int(row[0])
