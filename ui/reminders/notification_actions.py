"""Acting on a reminder from the desktop: what a notification offers, and doing what the user chose.

A reminder offers Open (also a click on the notification itself: the "default" action), Snooze a
day while a day is left before the credit's final reminder, and Mute when it is about one credit.
Also the words the app says about itself: the test notification, what Check now found.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from ledger.reminders.delivery import ReminderRun
from ledger.reminders.notifiers import Action, Notification
from ledger.reminders.planning import mute
from ledger.reminders.store import credits_named
from ui.dialogs.failure import SAVE_FAILURES, show_failure

if TYPE_CHECKING:
    from ui.reminders.reminder_service import ReminderService

STATUS_MS = 8_000  # how long a message about reminders stays in the status bar
# The actions a reminder offers, by the key the notification server reports ("default": a click on it).
OPEN, SNOOZE, MUTE = "default", "snooze", "mute"


class NotificationActions:
    """Offers the actions on a reminder and carries out the one chosen, on the credits it names."""

    def __init__(self, service: ReminderService) -> None:
        self.service = service

    def offered(self, notification: Notification) -> list[Action]:
        """What a reminder offers: Open (a click on it too), Snooze a day while a day is left, Mute for one credit."""
        credit_ids = notification.credit_ids  # just composed from the ledger: its ids are current
        if not credit_ids or self.service.window.ledger is None:
            return []  # a test or a message: nothing to act on
        actions: list[Action] = [(OPEN, "Open")]
        try:
            snoozable = any(self.service.snooze_limit(credit_id) >= 1 for credit_id in credit_ids)
        except SAVE_FAILURES:
            snoozable = False  # the ledger could not be read just now: the reminder still goes out
        if snoozable:
            actions.append((SNOOZE, "Snooze a day"))
        if len(credit_ids) == 1:
            actions.append((MUTE, "Mute"))
        return actions

    def act(self, key: str, notification: Notification | None) -> None:
        """Do what the user chose on a notification: open the window on its credit, snooze it a day, or mute it."""
        try:
            credit_ids = self._credits_now(notification)
            if notification is not None and notification.credit_ids and not credit_ids:
                self.service.show_window()
                self.service.window.statusBar().showMessage("That credit is no longer in the ledger", STATUS_MS)
                return
            if key == SNOOZE and credit_ids:
                self._snooze_for_a_day(credit_ids)
            elif key == MUTE and credit_ids:
                self._mute_from_notification(credit_ids)
            else:
                self.open_credit(credit_ids[0] if credit_ids else None)
        except SAVE_FAILURES as error:
            # The credit was deleted meanwhile, or the ledger is busy: say so where it can be seen.
            self.service.show_window()
            show_failure(self.service.window, error, "Not done")

    def _credits_now(self, notification: Notification | None) -> tuple[int, ...]:
        # Found by uid: hours after the notification, a credit's id may belong to another credit.
        ledger = self.service.window.ledger
        if notification is None:
            return ()
        return notification.credit_ids if ledger is None else credits_named(ledger, notification)

    def open_credit(self, credit_id: int | None) -> bool:
        """Bring the window back showing a credit (filters cleared if they hide it); False if it is gone."""
        self.service.show_window()
        if credit_id is None or self.service.window.ledger is None:
            return False
        self.service.window.tabs.setCurrentIndex(0)
        if self.service.window.select_credit(credit_id):
            return True
        # Hidden by the search or a filter: show every credit, then select it.
        self.service.window.search.clear()
        self.service.window.status_filter.setCurrentIndex(0)
        self.service.window.source_filter.setCurrentIndex(0)
        if self.service.window.select_credit(credit_id):
            return True
        self.service.window.statusBar().showMessage("That credit is no longer in the ledger", STATUS_MS)
        return False

    def _snooze_for_a_day(self, credit_ids: Sequence[int]) -> None:
        snoozed = [credit_id for credit_id in credit_ids if self.service.snooze_credit(credit_id, 1) is not None]
        for credit_id in snoozed:
            self.service.window.refresh_credit(credit_id, "snoozed")
        if snoozed:
            which = "this credit" if len(snoozed) == 1 else f"{len(snoozed)} credits"
            message = f"Reminders for {which} snoozed until tomorrow"
        else:
            message = "Nothing to snooze: the last reminder of these credits is due today or has passed"
        self.service.window.statusBar().showMessage(message, STATUS_MS)

    def _mute_from_notification(self, credit_ids: Sequence[int]) -> None:
        ledger = self.service.window.ledger
        if ledger is None:
            return
        for credit_id in credit_ids:
            mute(ledger, credit_id, True)
            self.service.window.refresh_credit(credit_id, "muted")
        which = "this credit" if len(credit_ids) == 1 else f"{len(credit_ids)} credits"
        self.service.window.statusBar().showMessage(f"Reminders for {which} muted", STATUS_MS)


def as_test_notification(sample: Notification) -> Notification:
    """The Settings dialog's test: a sample reminder that says it is a test, with nothing to act on."""
    return replace(
        sample,
        title=f"Test notification: {sample.title}",
        body=f"{sample.body}\nThis is a test from Credit Ledger's settings: your reminders will look like this.",
        credit_ids=(),
    )


def check_summary(run: ReminderRun | None) -> str:
    """What Check now found, in a sentence: reminders shown, nothing due (and when the next one comes), or why not."""
    if run is None:
        return "The ledger could not be read just now; Credit Ledger will look again in a minute."
    if run.paused:
        return "Reminders are paused, so nothing was shown. Uncheck Pause reminders to get them again."
    if run.failed:
        return f"{_reminders(len(run.failed))} could not be shown; Credit Ledger will try again in a minute."
    if run.delivered:
        where = " in the window" if run.channel == "banner" else ""
        return f"{_reminders(len(run.delivered))} shown{where}."
    if run.next_due_at is None:
        return "Nothing is due now, and no reminder is planned."
    when = run.next_due_at  # in the zone reminders are planned in: the app's local time
    return f"Nothing is due now. The next reminder comes on {when:%B} {when.day} at {when:%H:%M}."


def _reminders(count: int) -> str:
    return f"{count} reminder{'s' if count != 1 else ''}"
