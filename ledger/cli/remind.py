"""The `remind` subcommand: deliver the reminders due now, once, and exit (for cron or a systemd timer).

It uses the same planning and the same claims as the app, so the two never show a reminder twice.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from ledger.cli import EXIT_FAILURE, Context, add_command, json_option
from ledger.errors import LedgerError
from ledger.money import from_minor

if TYPE_CHECKING:
    from ledger.reminders.delivery import ReminderRun
    from ledger.reminders.planning import DueReminder


def _reminder_json(reminder: DueReminder) -> dict[str, Any]:
    from ledger.reminders.delivery import credit_label

    credit = reminder.credit
    return {
        "credit_id": credit.credit_id,
        "lead_days": reminder.lead_days,
        "expires_on": credit.expires_on.isoformat(),
        "days_left": reminder.days_left,
        "currency": credit.currency,
        "balance": str(from_minor(credit.balance_minor, credit.currency)),
        "label": credit_label(reminder),
    }


def run_json(run: ReminderRun, notifications_enabled: bool) -> dict[str, Any]:
    """The JSON `remind --once --json` prints."""
    return {
        "delivered": [_reminder_json(reminder) for reminder in run.delivered],
        "failed": [_reminder_json(reminder) for reminder in run.failed],
        "claimed_elsewhere": run.claimed_elsewhere,
        "channel": run.channel,
        "notification": None
        if run.notification is None
        else {"title": run.notification.title, "body": run.notification.body},
        "next_due_at": None if run.next_due_at is None else run.next_due_at.isoformat(),
        "paused": run.paused,
        "notifications_enabled": notifications_enabled,
    }


def cmd_remind(args: argparse.Namespace, context: Context) -> int:
    """Deliver what is due now; exit 1 when the reminders could not be shown (they stay pending)."""
    if not args.once:
        raise LedgerError("remind needs --once: it delivers what is due now and exits (the app schedules the rest)")
    from ledger.reminders.delivery import ReminderRun, deliver_due
    from ledger.reminders.notifiers import NotifierChain, desktop_notifier
    from ledger.shipped import app_icon
    from ledger.storage.settings import load_settings

    ledger = context.ledger
    settings = load_settings(ledger)
    if settings.notifications_enabled:
        run = deliver_due(ledger, NotifierChain([desktop_notifier(app_icon().as_uri())]), context.now, settings)
    else:
        # Notifications are off: claim nothing, so the app's own banner can still show these later.
        run = ReminderRun(paused=settings.reminders_paused)
    if args.json:
        context.print_json(run_json(run, settings.notifications_enabled))
    else:
        _print_text(run, settings.notifications_enabled, context)
    if run.failed:
        reason = "; ".join(f"{channel}: {why}" for channel, why in run.failures) or "no notification channel"
        print(
            f"credit-ledger: could not show {len(run.failed)} reminder(s), they will be retried ({reason})",
            file=context.err,
        )
        return EXIT_FAILURE
    return 0


def _print_text(run: ReminderRun, notifications_enabled: bool, context: Context) -> None:
    out = context.out
    if not notifications_enabled:
        print("Notifications are turned off in the settings; nothing was sent.", file=out)
        return
    if run.paused:
        print("Reminders are paused; nothing was sent.", file=out)
        return
    if run.delivered and run.notification is not None:
        print(f"Sent {len(run.delivered)} reminder(s) via {run.channel}: {run.notification.title}", file=out)
    elif not run.failed:
        print("No reminders due.", file=out)
    if run.claimed_elsewhere:
        print(f"{run.claimed_elsewhere} reminder(s) were already being sent by another Credit Ledger.", file=out)
    if run.next_due_at is not None:
        print(f"Next reminder: {run.next_due_at.isoformat(timespec='minutes')}", file=out)


def register(subparsers: Any, parent: argparse.ArgumentParser) -> None:
    """Add the reminder subcommand to the command line."""
    remind = add_command(subparsers, parent, "remind", cmd_remind, "deliver the reminders due now, then exit")
    remind.add_argument("--once", action="store_true", help="deliver what is due now and exit (for cron)")
    json_option(remind)
